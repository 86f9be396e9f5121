/**
 * What a push of eval results sends: local result files parsed, checked against
 * the store's limits and mapped to run payloads; which ones a bare push picks
 * (this repository's, not yet synced, not held back); errored runs set aside.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fitForPush, type StandardEvalResult, toRunPayload } from '@gstack/core';
import { UserError } from '../../errors.ts';
import { noPushMarker, repoSlugOfFile } from '../../results/layout.ts';
import { pushProblemLines } from '../../results/summary.ts';
import { localResultFiles, readResultFile, resultSummary } from '../../runner/results-store.ts';
import { type SyncedRuns, syncedKey } from '../synced.ts';
import type { PushItem } from './types.ts';

export interface LoadedResult {
  file: string;
  doc: StandardEvalResult;
  item: PushItem;
}

/** Problems with one file, as `file: field: message` lines; empty when it can be pushed. */
export function checkResultFile(file: string): { result?: LoadedResult; problems: string[] } {
  const read = readResultFile(file);
  if (!read.ok) return { problems: read.problems };
  const problems = pushProblemLines(read.doc, read.bytes).map((line) => `${file}: ${line}`);
  if (problems.length) return { problems };
  // A string over the store's limit (a huge answer) is sent cut, with a marker: the run pushes.
  const doc = fitForPush(read.doc);
  return {
    problems: [],
    result: {
      file,
      doc,
      item: { kind: 'eval_run', label: path.basename(file), key: doc.run_id, payload: toRunPayload(doc) },
    },
  };
}

/** Drops errored runs (no model answered) unless `pushErrors`; `skipped` says which and why. */
export function withoutErroredRuns(results: LoadedResult[], pushErrors = false): { results: LoadedResult[]; skipped: string[] } {
  if (pushErrors) return { results, skipped: [] };
  const skipped: string[] = [];
  const kept = results.filter((r) => {
    const reason = erroredRunReason(r.doc);
    if (reason) skipped.push(`${r.file}: ${reason}`);
    return !reason;
  });
  return { results: kept, skipped };
}

/**
 * Why a run is not pushed unless asked (`--push-errors`): when no model
 * answered some of its tests (server down, bad key), its pass rate says
 * nothing about the system under test. Undefined when it can be pushed.
 */
export function erroredRunReason(doc: StandardEvalResult): string | undefined {
  if (!doc.errored) return undefined;
  return `no model answered ${doc.totals.errors} of ${doc.totals.tests} tests (the run errored); pass --push-errors to push it anyway`;
}

/** Loads files named by the user: any problem in any file is an error (exit 2) and nothing is sent. */
export function loadResultFiles(files: string[]): LoadedResult[] {
  const checked = files.map((file) => checkResultFile(file));
  const problems = checked.flatMap((c) => c.problems);
  if (problems.length) throw new UserError(`${problems.join('\n')}\nnothing was pushed`);
  return checked.map((c) => c.result as LoadedResult);
}

/** A local result not yet in this store and team. */
export interface PendingResult {
  file: string;
  repoSlug: string;
  /** Made with --no-push: pushed only when named. */
  held: boolean;
  /** The parsed run (only with `load`); absent when the file cannot be pushed (see problems). */
  result?: LoadedResult;
  item?: PushItem;
  /** Why it cannot be pushed, as `file: field: message` lines; empty when it can. */
  problems: string[];
}

/**
 * Every local result not yet synced to `url`/`team`, with its repository; `isSynced` tells
 * from the sync state. Which runs are pending comes from the result summaries; with `load`
 * (the default, what a push needs) each pending run's document is read and mapped to rows,
 * without it (`status`, which only counts) no document is read whose summary is current.
 */
export function pendingResults(stateRoot: string, isSynced: (runId: string) => boolean, options: { load?: boolean } = {}): PendingResult[] {
  const pending: PendingResult[] = [];
  // A killed run's partial file is pushed as the interrupted run it is.
  const files = localResultFiles(stateRoot, 'all', (line) => process.stderr.write(`note: ${line}\n`)).sort();
  for (const file of files) {
    const held = existsSync(noPushMarker(file));
    const { summary, problems } = resultSummary(file);
    if (!summary || summary.push_problems.length) {
      const lines = problems ?? summary?.push_problems.map((line) => `${file}: ${line}`) ?? [];
      pending.push({ file, repoSlug: repoSlugOfFile(file), held, problems: lines });
      continue;
    }
    if (isSynced(summary.row.runKey)) continue;
    if (options.load === false) {
      pending.push({ file, repoSlug: summary.row.repoSlug, held, problems: [] });
      continue;
    }
    const checked = checkResultFile(file);
    if (!checked.result) pending.push({ file, repoSlug: repoSlugOfFile(file), held, problems: checked.problems });
    else
      pending.push({ file, repoSlug: checked.result.doc.repo_slug, held, result: checked.result, item: checked.result.item, problems: [] });
  }
  return pending;
}

/** Pending results per repository: how many a bare push in that repo would send, and how many are held. */
export function pendingByRepo(pending: PendingResult[]): Array<{ repo: string; pending: number; held: number; unreadable: number }> {
  const byRepo = new Map<string, { repo: string; pending: number; held: number; unreadable: number }>();
  for (const p of pending) {
    const row = byRepo.get(p.repoSlug) ?? { repo: p.repoSlug, pending: 0, held: 0, unreadable: 0 };
    if (p.problems.length) row.unreadable++;
    else if (p.held) row.held++;
    else row.pending++;
    byRepo.set(p.repoSlug, row);
  }
  return [...byRepo.values()].sort((a, b) => a.repo.localeCompare(b.repo));
}

/**
 * What a bare `gstack-sync push` sends: `repo`'s local results not yet synced to
 * this store and team, except runs made with --no-push (they wait until named).
 * Other repositories' runs are pushed from their own checkout. `skipped` names
 * files that cannot be pushed, with their problems.
 */
export async function unsyncedResults(
  stateRoot: string,
  synced: SyncedRuns,
  target: { url: string; team: string; repo: string },
): Promise<{ results: LoadedResult[]; skipped: string[] }> {
  const done = await synced.load();
  const results: LoadedResult[] = [];
  const skipped: string[] = [];
  for (const p of pendingResults(stateRoot, (runId) => done.has(syncedKey(target.url, target.team, runId)))) {
    if (p.repoSlug !== target.repo || p.held) continue;
    if (p.result) results.push(p.result);
    else skipped.push(p.problems.join('; '));
  }
  return { results, skipped };
}
