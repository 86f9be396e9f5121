/**
 * Result files: `<state>/projects/<repo-slug>/evals/<timestamp>-<suite>.json`
 * (or under --out), written atomically, with `<name>_partial.json` kept
 * current while the run goes so a crash loses nothing that finished.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

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
