/**
 * Result files (where they live: results/layout.ts), written atomically with
 * their summary, with `<name>_partial.json` appended to while the run goes so
 * a crash loses nothing that finished (format: partial.ts).
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { appendFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  describeProblems,
  parseEvalResult,
  READABLE_SCHEMA_VERSIONS,
  type StandardEvalResult,
  type StandardEvalResultInput,
  type TestResult,
} from '@gstack/core';
import { readJsonSync, writeJsonAtomic, writeJsonAtomicSync, writeTextAtomic } from '../files/json.ts';
import {
  allResultsDirs,
  isPartialFileName,
  ownerPath,
  partialOwnerPath,
  partialPath,
  resultFilesIn,
  resultOfPartial,
  resultsDir,
} from '../results/layout.ts';
import { type ResultSummary, readSummary, writeSummary } from '../results/summary.ts';
import { isPartialLines, type PartialHeader, partialDocument, partialHeaderLine, partialResultLine, type RunningCosts } from './partial.ts';

/** Writes a finished run's result file, then its summary. */
export async function writeResultFile(file: string, doc: StandardEvalResult): Promise<void> {
  await writeJsonAtomic(file, doc);
  writeSummary(file, doc);
}

/** Writes a run's partial file (`partialPath(resultFile)`): the header once, then one appended line per finished test. */
export class PartialWriter {
  readonly file: string;

  constructor(resultFile: string) {
    this.file = partialPath(resultFile);
  }

  /** Atomic, so a reader never sees a partial file without its header. */
  start(header: PartialHeader): Promise<void> {
    return writeTextAtomic(this.file, partialHeaderLine(header));
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
  const owner = readJsonSync<{ pid?: unknown; hostname?: unknown } | null>(ownerPath(partial));
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
    if (!isPartialFileName(name)) continue;
    const partial = path.join(dir, name);
    if (isPartialLive(partial)) continue;
    const read = readResultFile(partial);
    if (!read.ok) {
      warn(`${read.problems[0]}; left in place`);
      continue;
    }
    const file = resultOfPartial(partial);
    if (existsSync(file)) continue; // the run finished after all; the partial is a leftover copy
    // The partial is append-only lines; the recovered result is the whole document, written atomically.
    writeJsonAtomicSync(file, read.doc);
    writeSummary(file, read.doc);
    rmSync(partial, { force: true });
    rmSync(ownerPath(partial), { force: true });
    recovered.push(file);
  }
  return recovered;
}

/**
 * The finished result files of one repository, or of every one when `repoSlug` is 'all',
 * after turning killed runs' partial files into interrupted runs (problems go to `warn`).
 */
export function localResultFiles(stateRoot: string, repoSlug: string, warn: (message: string) => void): string[] {
  const dirs = repoSlug === 'all' ? allResultsDirs(stateRoot) : [resultsDir(stateRoot, repoSlug)];
  return dirs.flatMap((dir) => {
    recoverOrphanedPartials(dir, warn);
    return resultFilesIn(dir);
  });
}

/** The partial files in `dir` whose run is still going, newest first. */
export function livePartials(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter(isPartialFileName)
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
  if (version !== undefined && !READABLE_SCHEMA_VERSIONS.includes(version as number)) {
    return {
      ok: false,
      problems: [
        `${file}: schema_version: this gstack reads version ${READABLE_SCHEMA_VERSIONS.join(' and ')} result files, not ${JSON.stringify(version)} (upgrade gstack to read it)`,
      ],
    };
  }
  const parsed = parseEvalResult(json);
  if (!parsed.ok) return { ok: false, problems: describeProblems(file, parsed.error).split('\n') };
  return { ok: true, doc: parsed.result, bytes: Buffer.byteLength(text) };
}

/**
 * What `list` and `status` need of one result file: its current summary, or
 * (none yet, or stale) the document read and validated, its summary written
 * for next time; `problems` when the file does not read as a result.
 */
export function resultSummary(
  file: string,
): { summary: ResultSummary; problems?: undefined } | { summary?: undefined; problems: string[] } {
  const cached = readSummary(file);
  if (cached) return { summary: cached };
  const read = readResultFile(file);
  if (!read.ok) return { problems: read.problems };
  return { summary: writeSummary(file, read.doc) };
}
