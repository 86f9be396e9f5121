/**
 * Result files: `<state>/projects/<repo-slug>/evals/<timestamp>-<suite>.json`
 * (or under --out), written atomically, with `<name>_partial.json` appended to
 * while the run goes so a crash loses nothing that finished (format: partial.ts).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { appendFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
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

export async function removePartial(file: string): Promise<void> {
  await rm(partialPath(file), { force: true });
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
