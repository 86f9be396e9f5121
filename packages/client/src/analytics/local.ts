/** Local eval history: the result files under $GSTACK_STATE_DIR/projects/<repo>/evals (layout: results/layout.ts). */
import { existsSync } from 'node:fs';
import type { StandardEvalResult } from '@gstack/core';
import { UserError } from '../errors.ts';
import type { RunRow } from '../results/summary.ts';
import { localResultFiles, readResultFile, resultSummary } from '../runner/results-store.ts';

export interface LocalRun {
  file: string;
  doc: StandardEvalResult;
}

export interface RunFilter {
  suite?: string;
  branch?: string;
  tier?: string;
  /** Only runs at or after this ISO time. */
  since?: string;
  /** Only this repository (team reads; local reads pick the folder instead). */
  repo?: string;
}

export function matches(row: RunRow, filter: RunFilter): boolean {
  return (
    (!filter.suite || row.suite === filter.suite) &&
    (!filter.branch || row.branch === filter.branch) &&
    (!filter.tier || row.tier === filter.tier) &&
    (!filter.since || row.runAt >= filter.since)
  );
}

/** Finished runs (newest first) of one repository, or of all when `repoSlug` is 'all'. Unreadable files are reported, not fatal. */
export function localRuns(stateRoot: string, repoSlug: string, warn: (message: string) => void = () => {}): LocalRun[] {
  const runs: LocalRun[] = [];
  for (const file of localResultFiles(stateRoot, repoSlug, warn)) {
    const read = readResultFile(file);
    if (read.ok) runs.push({ file, doc: read.doc });
    else warn(`${read.problems[0]}; skipped`);
  }
  return runs.sort((a, b) => b.doc.timestamp.localeCompare(a.doc.timestamp));
}

/**
 * The list rows of the same runs, newest first, from the summaries beside
 * the result files (a whole document is read only where its summary is
 * missing or stale): what `gstack eval list` shows.
 */
export function localRunRows(stateRoot: string, repoSlug: string, warn: (message: string) => void = () => {}): RunRow[] {
  const rows: RunRow[] = [];
  for (const file of localResultFiles(stateRoot, repoSlug, warn)) {
    const read = resultSummary(file);
    if (read.summary) rows.push(read.summary.row);
    else warn(`${read.problems[0]}; skipped`);
  }
  return rows.sort((a, b) => b.runAt.localeCompare(a.runAt));
}

/** A run named on the command line: a result file, or a (prefix of a) run id among `runs`. */
export function pickRun(ref: string, runs: StandardEvalResult[]): StandardEvalResult {
  if (existsSync(ref)) {
    const read = readResultFile(ref);
    if (!read.ok) throw new UserError(read.problems.join('\n'));
    return read.doc;
  }
  const found = runs.filter((r) => r.run_id.startsWith(ref));
  if (found.length !== 1)
    throw new UserError(found.length ? `${ref} matches ${found.length} runs; give more of the run id` : `${ref}: no such file or run id`);
  return found[0] as StandardEvalResult;
}
