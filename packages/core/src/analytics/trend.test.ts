import { describe, expect, it } from 'vitest';
import { classifyTrend, isFlaky, type SuiteHistory, TREND_RULES, trendRows } from './trend.ts';

const o = (s: string) => [...s].map((c) => c === '✓');

describe('classifyTrend', () => {
  it.each([
    // outcomes (oldest first), class, pass rate, flips, streak
    ['✓', 'stable-pass', 100, 0, 1],
    ['✗', 'stable-fail', 0, 0, 1],
    ['✓✓✓✓✓', 'stable-pass', 100, 0, 5],
    ['✗✗✗', 'stable-fail', 0, 0, 3],
    ['✗✗✗✓✓', 'improving', 40, 1, 2],
    ['✓✓✓✓✗', 'degrading', 80, 1, 1],
    ['✓✗✓✗✓✗', 'flaky', 50, 5, 1],
    ['✓✓✓✗✓✓✓✓', 'flaky', 87.5, 2, 4],
    ['✗✗✗✗✓✗✓✓✓✓', 'improving', 50, 3, 4],
    ['✓✓✓✓✗✓✗✗✗✗', 'degrading', 50, 3, 4],
    ['✗✓✗✓✓', 'flaky', 60, 3, 2],
  ] as const)('%s → %s', (outcomes, expected, passRate, flips, streak) => {
    const trend = classifyTrend(o(outcomes));
    expect(trend.classification).toBe(expected);
    expect(trend.passRate).toBe(passRate);
    expect(trend.flips).toBe(flips);
    expect(trend.streak.length).toBe(streak);
    expect(trend.sparkline).toBe(outcomes);
  });

  it('looks only at the newest window of outcomes', () => {
    // Ten failures long ago, then ten passes: within the window it is simply passing.
    const trend = classifyTrend([...o('✗✗✗✗✗✗✗✗✗✗'), ...o('✓✓✓✓✓✓✓✓✓✓')]);
    expect(trend.classification).toBe('stable-pass');
    expect(trend.outcomes).toHaveLength(10);
  });

  it('refuses an empty history', () => {
    expect(() => classifyTrend([])).toThrow();
    expect(isFlaky([])).toBe(false);
  });
});

describe('trendRows', () => {
  const history = (suite: string, tests: Record<string, boolean[]>): SuiteHistory => ({
    repoSlug: 'acme/app',
    suite,
    tests: new Map(Object.entries(tests)),
    runs: 12,
  });

  it('classifies over the rules window, attention first, then suite and test', () => {
    const rows = trendRows([
      history('smoke', {
        // 12 outcomes: the two oldest failures fall outside the 10-outcome window.
        steady: [false, false, ...Array<boolean>(10).fill(true)],
        wobbly: [true, false, true, false, true, false],
        empty: [],
      }),
      history('deep', { down: [true, true, false, false] }),
    ]);
    expect(rows.map((r) => [r.suite, r.test, r.classification, r.outcomes.length])).toEqual([
      ['smoke', 'wobbly', 'flaky', 6],
      ['deep', 'down', 'degrading', 4],
      ['smoke', 'steady', 'stable-pass', TREND_RULES.window],
    ]);
    expect(rows[0]).toMatchObject({ repo_slug: 'acme/app', sparkline: '✓✗✓✗✓✗', passRate: 50 });
  });

  it('keeps only the named test', () => {
    const rows = trendRows([history('smoke', { a: [true], b: [false] })], 'b');
    expect(rows.map((r) => r.test)).toEqual(['b']);
  });
});
