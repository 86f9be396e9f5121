/** Per-suite, per-test outcome histories: the input of the trend rules in core. */
import type { StandardEvalResult, SuiteHistory } from '@gstack/core';
import type { RunFilter } from './local.ts';
import type { TeamSource } from './team.ts';

/** From local runs (newest first): the last `limit` runs of each suite. */
export function localHistories(runs: StandardEvalResult[], limit: number): SuiteHistory[] {
  const bySuite = new Map<string, StandardEvalResult[]>();
  for (const run of runs) {
    const key = `${run.repo_slug}\u0000${run.suite}`;
    const list = bySuite.get(key) ?? [];
    if (list.length < limit) list.push(run);
    bySuite.set(key, list);
  }
  return [...bySuite.values()].map((list) => {
    const tests = new Map<string, boolean[]>();
    for (const run of [...list].reverse()) {
      for (const r of run.all_results) {
        if (r.skipped) continue;
        tests.set(r.name, [...(tests.get(r.name) ?? []), r.passed]);
      }
    }
    const first = list[0] as StandardEvalResult;
    return { repoSlug: first.repo_slug, suite: first.suite, tests, runs: list.length };
  });
}

/** From the team store: every (repo, suite) seen in recent runs (only `filter`'s suite and repository when given), through the test_history RPC. */
export async function teamHistories(team: TeamSource, filter: Pick<RunFilter, 'suite' | 'repo'>, limit: number): Promise<SuiteHistory[]> {
  const recent = await team.runs(filter, 500);
  const pairs = [...new Map(recent.map((r) => [`${r.repoSlug}\u0000${r.suite}`, r])).values()];
  return Promise.all(
    pairs.map(async (r) => ({
      repoSlug: r.repoSlug,
      suite: r.suite,
      tests: await team.history(r.repoSlug, r.suite, limit),
      runs: Math.min(limit, recent.filter((x) => x.suite === r.suite && x.repoSlug === r.repoSlug).length),
    })),
  );
}
