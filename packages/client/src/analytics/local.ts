/** Local eval history: the result files under $GSTACK_STATE_DIR/projects/<repo>/evals. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEvalResult, type StandardEvalResult } from '@gstack/core';

export interface LocalRun {
  file: string;
  doc: StandardEvalResult;
}

export interface RunFilter {
  suite?: string;
  branch?: string;
  tier?: string;
}

export function matches(doc: StandardEvalResult, filter: RunFilter): boolean {
  return (
    (!filter.suite || doc.suite === filter.suite) &&
    (!filter.branch || doc.git.branch === filter.branch) &&
    (!filter.tier || doc.tier === filter.tier)
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
    for (const name of readdirSync(dir)) {
      if (!name.endsWith('.json') || name.endsWith('_partial.json')) continue;
      const file = path.join(dir, name);
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(file, 'utf8'));
      } catch {
        warn(`${file}: not valid JSON; skipped`);
        continue;
      }
      const parsed = parseEvalResult(json);
      if (parsed.ok) runs.push({ file, doc: parsed.result });
      else warn(`${file}: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}; skipped`);
    }
  }
  return runs.sort((a, b) => b.doc.timestamp.localeCompare(a.doc.timestamp));
}
