import { describe, expect, it } from 'vitest';
import { problemCounts, problemTests, type RunOutcome } from './problems.ts';

/** Outcomes of runs r1..rN, one a day from 2026-11-01, commit c1..cN. */
const history = (passes: boolean[]): RunOutcome[] =>
  passes.map((passed, i) => ({
    run_id: `r${i + 1}`,
    run_at: `2026-11-${String(i + 1).padStart(2, '0')}T09:00:00Z`,
    sha: `c${i + 1}`,
    passed,
  }));

const T = true;
const F = false;

describe('the problem list', () => {
  const rows = [
    { repo_slug: 'app', suite: 's', test_name: 'always-fails', outcomes: history([F, F, F, F]) },
    { repo_slug: 'app', suite: 's', test_name: 'broke', outcomes: history([T, T, T, T, F, F]) },
    { repo_slug: 'app', suite: 's', test_name: 'wobbly', outcomes: history([T, T, F, T, F, T, F]) },
    { repo_slug: 'app', suite: 's', test_name: 'fixed', outcomes: history([F, F, F, T, T]) },
    { repo_slug: 'app', suite: 's', test_name: 'fine', outcomes: history([T, T, T]) },
  ];
  const problems = problemTests(rows);
  const by = Object.fromEntries(problems.map((p) => [p.test, p]));

  it('groups tests by the one trend rule, leaving stable passes out', () => {
    expect(problems.map((p) => [p.test, p.kind])).toEqual([
      ['always-fails', 'failing'],
      ['broke', 'degrading'],
      ['wobbly', 'flaky'],
      ['fixed', 'newly-passing'],
    ]);
    expect(problemCounts(problems)).toEqual({ failing: 1, degrading: 1, flaky: 1, 'newly-passing': 1 });
  });

  it('dates each problem: the failing streak, the first flip, the passing streak (hand-computed)', () => {
    // Failing in all four runs read: since r1 at least.
    expect([by['always-fails']?.since.run_id, by['always-fails']?.sinceAtLeast]).toEqual(['r1', true]);
    // Passed r1–r4, failing since r5 (commit c5).
    expect([by.broke?.since.run_id, by.broke?.since.sha, by.broke?.sinceAtLeast]).toEqual(['r5', 'c5', false]);
    // First flip at r3; 5 flips.
    expect([by.wobbly?.since.run_id, by.wobbly?.trend.flips]).toEqual(['r3', 5]);
    expect([by.fixed?.since.run_id, by.fixed?.latest.run_id]).toEqual(['r4', 'r5']);
  });
});
