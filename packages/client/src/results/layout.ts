/**
 * The local results folder, defined once: `<state>/projects/<repo-slug>/evals/`
 * holds, per run,
 *   `<timestamp>-<suite>.json`           the result document (written once, atomically)
 *   `<timestamp>-<suite>.summary`        its summary: what `list` and `status` need (summary.ts)
 *   `<timestamp>-<suite>.no-push`        made with `--no-push`: pushed only when named
 *   `<timestamp>-<suite>_partial.json`   while the run goes (append-only lines, partial.ts)
 *   `<timestamp>-<suite>_partial.json.owner`  the process writing the partial
 * The writer (`eval run`), `list` and the other analytics commands, `push` and
 * `status` all find their files through these functions.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** The folder of one repository's results. */
export function resultsDir(stateRoot: string, repoSlug: string): string {
  return path.join(stateRoot, 'projects', repoSlug, 'evals');
}

/** The results folders of every repository with local results. */
export function allResultsDirs(stateRoot: string): string[] {
  const projects = path.join(stateRoot, 'projects');
  if (!existsSync(projects)) return [];
  return readdirSync(projects).map((slug) => resultsDir(stateRoot, slug));
}

/** The repository slug whose folder holds `resultFile` (as named on disk). */
export function repoSlugOfFile(resultFile: string): string {
  return path.basename(path.dirname(path.dirname(resultFile)));
}

export function resultFileName(timestamp: string, suite: string): string {
  return `${timestamp.replace(/[:.]/g, '-')}-${suite}.json`;
}

/** True for a finished result file's name (not a partial, summary or marker). */
export function isResultFileName(name: string): boolean {
  return name.endsWith('.json') && !name.endsWith('_partial.json');
}

/** True for a partial file's name. */
export function isPartialFileName(name: string): boolean {
  return name.endsWith('_partial.json');
}

/** The finished result files in `dir`, by name (empty when the folder does not exist). */
export function resultFilesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter(isResultFileName)
    .map((name) => path.join(dir, name));
}

/** The partial file a run appends to while it goes. */
export function partialPath(resultFile: string): string {
  return resultFile.replace(/\.json$/, '_partial.json');
}

/** The finished result file a partial file becomes. */
export function resultOfPartial(partial: string): string {
  return partial.replace(/_partial\.json$/, '.json');
}

/** `<partial>.owner`: which process writes the partial (`{ pid, hostname }`), so others can tell a live run from a killed one. */
export function ownerPath(partial: string): string {
  return `${partial}.owner`;
}

/** The owner record of `resultFile`'s partial. */
export function partialOwnerPath(resultFile: string): string {
  return ownerPath(partialPath(resultFile));
}

/**
 * The marker written next to a result made with `gstack eval run --no-push`: such a run is
 * pushed only when its file is named (`gstack-sync push FILE`), never by a bare push.
 */
export function noPushMarker(resultFile: string): string {
  return resultFile.replace(/\.json$/, '.no-push');
}

/** The summary written next to a result file (summary.ts). Not `.json`, so older readers of the folder skip it. */
export function summaryPath(resultFile: string): string {
  return resultFile.replace(/\.json$/, '.summary');
}
