/**
 * Result files: `<state>/projects/<repo-slug>/evals/<timestamp>-<suite>.json`
 * (or under --out), written atomically, with `<name>_partial.json` appended to
 * while the run goes so a crash loses nothing that finished (format: partial.ts).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { appendFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describeProblems, parseEvalResult, type StandardEvalResult, type StandardEvalResultInput, type TestResult } from '@gstack/core';
import { isPartialLines, type PartialHeader, partialDocument, partialHeaderLine, partialResultLine, type RunningCosts } from './partial.ts';

export function resultsDir(stateRoot: string, repoSlug: string): string {
  return path.join(stateRoot, 'projects', repoSlug, 'evals');
}

export function resultFileName(timestamp: string, suite: string): string {
  return `${timestamp.replace(/[:.]/g, '-')}-${suite}.json`;
}

export function partialPath(file: string): string {
  return file.replace(/\.json$/, '_partial.json');
}

async function writeAtomic(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await writeAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Writes a run's partial file (`partialPath(resultFile)`): the header once, then one appended line per finished test. */
export class PartialWriter {
  readonly file: string;

  constructor(resultFile: string) {
    this.file = partialPath(resultFile);
  }

  /** Atomic, so a reader never sees a partial file without its header. */
  start(header: PartialHeader): Promise<void> {
    return writeAtomic(this.file, partialHeaderLine(header));
  }

  append(result: TestResult, running: RunningCosts): Promise<void> {
    return appendFile(this.file, partialResultLine(result, running));
  }
}

/**
 * The document a partial file holds so far, or undefined when it cannot be
 * read (absent, or between a crash and its header). Reads the append-only
 * format and whole-document partial files alike. The one partial reader:
 * `watch`, `list` and `push` call it (or readResultFile, which falls back to it).
 */
export function readPartialFile(file: string): StandardEvalResultInput | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  if (isPartialLines(text)) return partialDocument(text);
  try {
    return JSON.parse(text) as StandardEvalResultInput;
  } catch {
    return undefined;
  }
}

/** `<partial>.owner`: which process writes the partial (`{ pid, hostname }`), so others can tell a live run from a killed one. */
export function partialOwnerPath(file: string): string {
  return `${partialPath(file)}.owner`;
}

/** Records this process as the writer of `file`'s partial; call before the first partial write. */
export async function claimPartial(file: string): Promise<void> {
  await writeJsonAtomic(partialOwnerPath(file), { pid: process.pid, hostname: os.hostname() });
}

export async function removePartial(file: string): Promise<void> {
  await rm(partialPath(file), { force: true });
  await rm(partialOwnerPath(file), { force: true });
}

/** A partial file with no owner record is taken as abandoned once it has not changed for this long. */
const UNOWNED_PARTIAL_STALE_MS = 30 * 60_000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True while the run writing this partial file is alive: its recorded pid
 * runs on this machine. A partial written on another machine (a shared state
 * dir) cannot be checked and counts as live.
 */
export function isPartialLive(partial: string): boolean {
  const ownerFile = `${partial}.owner`;
  let owner: { pid?: unknown; hostname?: unknown } | undefined;
  try {
    owner = JSON.parse(readFileSync(ownerFile, 'utf8'));
  } catch {
    owner = undefined;
  }
  if (!owner || typeof owner.pid !== 'number') {
    try {
      return Date.now() - statSync(partial).mtimeMs < UNOWNED_PARTIAL_STALE_MS;
    } catch {
      return false;
    }
  }
  if (owner.hostname !== os.hostname()) return true;
  return processAlive(owner.pid);
}

/**
 * Turns the partial files in `dir` whose run died (SIGKILL, a crash, a
 * power cut) into ordinary result files: the document a partial holds is
 * marked `interrupted` and has every test that finished. Returns
 * the files recovered. A partial that does not read as a result is left
 * where it is (never dropped) and reported through `warn`.
 */
export function recoverOrphanedPartials(dir: string, warn: (message: string) => void = () => {}): string[] {
  if (!existsSync(dir)) return [];
  const recovered: string[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('_partial.json')) continue;
    const partial = path.join(dir, name);
    if (isPartialLive(partial)) continue;
    const read = readResultFile(partial);
    if (!read.ok) {
      warn(`${read.problems[0]}; left in place`);
      continue;
    }
    const file = partial.replace(/_partial\.json$/, '.json');
    if (existsSync(file)) continue; // the run finished after all; the partial is a leftover copy
    // The partial is append-only lines; the recovered result is the whole document, written atomically.
    const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(read.doc, null, 2)}\n`);
    renameSync(tmp, file);
    rmSync(partial, { force: true });
    rmSync(`${partial}.owner`, { force: true });
    recovered.push(file);
  }
  return recovered;
}

/** The partial files in `dir` whose run is still going, newest first. */
export function livePartials(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('_partial.json'))
    .map((f) => path.join(dir, f))
    .filter(isPartialLive)
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
}

export type ReadResult = { ok: true; doc: StandardEvalResult; bytes: number } | { ok: false; problems: string[] };

/**
 * Reads one result file: v1 documents, or legacy ones normalised. Every
 * problem is a `file: field: what was expected` line. The one reader used by
 * push, the analytics commands and `cost`.
 */
export function readResultFile(file: string): ReadResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      ok: false,
      problems: [`${file}: ${code === 'ENOENT' ? 'no such file' : `cannot read it (${code ?? (error as Error).message})`}`],
    };
  }
  let json: unknown;
  try {
    json = isPartialLines(text) ? partialDocument(text) : JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [`${file}: not valid JSON (${(error as Error).message})`] };
  }
  if (json === undefined) return { ok: false, problems: [`${file}: a partial result file without a readable first line`] };
  const version = (json as { schema_version?: unknown } | null)?.schema_version;
  if (version !== undefined && version !== 1) {
    return {
      ok: false,
      problems: [
        `${file}: schema_version: this gstack reads version 1 result files, not ${JSON.stringify(version)} (upgrade gstack to read it)`,
      ],
    };
  }
  const parsed = parseEvalResult(json);
  if (!parsed.ok) return { ok: false, problems: describeProblems(file, parsed.error).split('\n') };
  return { ok: true, doc: parsed.result, bytes: Buffer.byteLength(text) };
}
