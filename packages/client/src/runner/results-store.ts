/**
 * Result files: `<state>/projects/<repo-slug>/evals/<timestamp>-<suite>.json`
 * (or under --out), written atomically, with `<name>_partial.json` kept
 * current while the run goes so a crash loses nothing that finished.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describeProblems, parseEvalResult, type StandardEvalResult } from '@gstack/core';

export function resultsDir(stateRoot: string, repoSlug: string): string {
  return path.join(stateRoot, 'projects', repoSlug, 'evals');
}

export function resultFileName(timestamp: string, suite: string): string {
  return `${timestamp.replace(/[:.]/g, '-')}-${suite}.json`;
}

export function partialPath(file: string): string {
  return file.replace(/\.json$/, '_partial.json');
}

export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`);
  await rename(tmp, file);
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
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [`${file}: not valid JSON (${(error as Error).message})`] };
  }
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
