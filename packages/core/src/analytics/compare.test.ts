import { describe, expect, it } from 'vitest';
import { parseEvalResult } from '../eval-result.ts';
import { CHANGE_ORDER, compareRuns, testChange } from './compare.ts';

function run(
  results: Array<{ name: string; passed: boolean; score?: number; cost?: number; tier?: string; trial?: number }>,
  extra: Record<string, unknown> = {},
) {
  const passed = results.filter((r) => r.passed).length;
  const parsed = parseEvalResult({
    schema_version: 1,
    version: 't',
    run_id: Math.random().toString(36),
    suite: 's',
    tier: 'ladder',
    repo_slug: 'r',
    git: { branch: 'main', sha: null },
    hostname: 'h',
    timestamp: '2026-11-21T10:00:00Z',
    prompt_sha: 'p1',
    duration_ms: 1,
    totals: { tests: results.length, passed, failed: results.length - passed, skipped: 0, errors: 0 },
    pass_rate: (100 * passed) / results.length,
    cost_usd: results.reduce((a, r) => a + (r.cost ?? 0), 0),
    judge_cost_usd: 0,
    cost_exact: true,
    costs: [],
    by_category: {},
    all_results: results.map((r) => ({
      name: r.name,
      passed: r.passed,
      score: r.score ?? null,
      cost_usd: r.cost ?? 0,
      resolved_tier: r.tier ?? null,
      trial: r.trial ?? 1,
    })),
    ...extra,
  });
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.result;
}

describe('compareRuns', () => {
  it('classifies every test and reports score, cost and tier changes', () => {
    const before = run([
      { name: 'a', passed: true, score: 1, cost: 0.01, tier: 't1' },
      { name: 'b', passed: false, score: 0, cost: 0.02, tier: 't2' },
      { name: 'c', passed: true, score: 1 },
      { name: 'gone', passed: true },
    ]);
    const after = run([
      { name: 'a', passed: false, score: 0.5, cost: 0.03, tier: 't2' },
      { name: 'b', passed: true, score: 1, cost: 0.01, tier: 't1' },
      { name: 'c', passed: true, score: 1 },
      { name: 'new', passed: true },
    ]);
    const diff = compareRuns(before, after);
    expect(diff.tests.map((t) => [t.name, t.change])).toEqual([
      ['a', 'newly-failing'],
      ['b', 'newly-passing'],
      ['c', 'still-passing'],
      ['gone', 'removed'],
      ['new', 'added'],
    ]);
    expect(diff.tests[0]).toMatchObject({ scoreDelta: -0.5, costDelta: 0.02, tierBefore: 't1', tierAfter: 't2' });
    expect(diff.passRateDelta).toBe(0);
    expect(diff.warnings).toEqual([]);
  });

  it('counts a test with a failing trial as failing, and warns on changed suites', () => {
    const before = run([{ name: 'a', passed: true }]);
    const after = run(
      [
        { name: 'a', passed: true, trial: 1 },
        { name: 'a', passed: false, trial: 2 },
      ],
      { prompt_sha: 'p2' },
    );
    const diff = compareRuns(before, after);
    expect(diff.tests[0]?.change).toBe('newly-failing');
    expect(diff.warnings).toEqual(['the suite file changed between the runs (prompt_sha differs)']);
  });
});

describe('the change of one test', () => {
  it('is one rule, and regressions sort first, then fixes, then what still fails', () => {
    expect(testChange({ passed: true }, { passed: false })).toBe('newly-failing');
    expect(testChange({ passed: false }, { passed: true })).toBe('newly-passing');
    expect(testChange({ passed: false }, { passed: false })).toBe('still-failing');
    expect(testChange({ passed: true }, { passed: true })).toBe('still-passing');
    expect(testChange(null, { passed: true })).toBe('added');
    expect(testChange({ passed: true }, undefined)).toBe('removed');
    const changes = ['still-passing', 'added', 'newly-passing', 'still-failing', 'newly-failing'] as const;
    expect([...changes].sort((a, b) => CHANGE_ORDER.indexOf(a) - CHANGE_ORDER.indexOf(b))).toEqual([
      'newly-failing',
      'newly-passing',
      'still-failing',
      'added',
      'still-passing',
    ]);
  });
});
