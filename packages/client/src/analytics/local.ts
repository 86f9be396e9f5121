/** Local eval history: the result files under $GSTACK_STATE_DIR/projects/<repo>/evals. */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { StandardEvalResult } from '@gstack/core';
import { UserError } from '../errors.ts';
import { readResultFile, recoverOrphanedPartials } from '../runner/results-store.ts';

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

export function matches(doc: StandardEvalResult, filter: RunFilter): boolean {
  return (
    (!filter.suite || doc.suite === filter.suite) &&
    (!filter.branch || doc.git.branch === filter.branch) &&
    (!filter.tier || doc.tier === filter.tier) &&
    (!filter.since || doc.timestamp >= filter.since)
  );
}

/** Finished runs (newest first) of one repository, or of all when `repoSlug` is 'all'. Unreadable files are reported, not fatal. */
export function localRuns(stateRoot: string, repoSlug: string, warn: (message: string) => void = () => {}): LocalRun[] {
  const projects = path.join(stateRoot, 'projects');
  if (!existsSync(projects)) return [];
  const slugs = repoSlug === 'all' ? readdirSync(projects) : [repoSlug];
  const runs: LocalRun[] = [];
  for (const slug of slugs) {
    const dir = path.join(projects, slug, 'evals');
    if (!existsSync(dir)) continue;
    // A run that was killed left only its partial file: it becomes an interrupted run here.
    recoverOrphanedPartials(dir, warn);
    for (const name of readdirSync(dir)) {
      if (!name.endsWith('.json') || name.endsWith('_partial.json')) continue;
      const file = path.join(dir, name);
      const read = readResultFile(file);
      if (read.ok) runs.push({ file, doc: read.doc });
      else warn(`${read.problems[0]}; skipped`);
    }
  }
  return runs.sort((a, b) => b.doc.timestamp.localeCompare(a.doc.timestamp));
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
