/**
 * The one definition of a test's trend over recent runs, used by the CLI, the
 * dashboard and the digest. Outcomes are oldest first. The rules (also in
 * docs/cli.md):
 *
 *  - every outcome passed → stable-pass; every one failed → stable-fail
 *  - one change of state only: ended passing → improving, ended failing → degrading
 *  - two or more changes: compare the newer half of the window with the older
 *    half; up by ≥ 50 points and the last two passed → improving; down by ≥ 50
 *    points and the last two failed → degrading; otherwise → flaky
 */

export type TrendClass = 'stable-pass' | 'stable-fail' | 'flaky' | 'improving' | 'degrading';

/** Thresholds of the rules above. */
export const TREND_RULES = {
  /** Outcomes considered (the newest ones). */
  window: 10,
  /** Runs per suite the CLI reads for trends and flaky tests unless told otherwise. */
  runs: 10,
  /** Newer-half minus older-half pass rate that counts as a real shift, in points. */
  shiftPoints: 50,
  /** Outcomes at the end that must agree with a shift. */
  confirm: 2,
} as const;

export interface TestTrend {
  classification: TrendClass;
  /** Outcomes considered, oldest first. */
  outcomes: boolean[];
  /** Percent passed in the window. */
  passRate: number;
  /** Changes between consecutive outcomes. */
  flips: number;
  /** The run of identical outcomes at the end. */
  streak: { passing: boolean; length: number };
  /** ✓ and ✗, oldest first. */
  sparkline: string;
}

const rate = (xs: boolean[]) => (xs.length ? xs.filter(Boolean).length / xs.length : 0);

export function classifyTrend(all: boolean[], window: number = TREND_RULES.window): TestTrend {
  const outcomes = all.slice(-window);
  if (!outcomes.length) throw new Error('classifyTrend needs at least one outcome');
  let flips = 0;
  for (let i = 1; i < outcomes.length; i++) if (outcomes[i] !== outcomes[i - 1]) flips += 1;
  const last = outcomes.at(-1) ?? false;
  let length = 0;
  for (let i = outcomes.length - 1; i >= 0 && outcomes[i] === last; i--) length += 1;
  const passRate = Math.round(rate(outcomes) * 10_000) / 100;

  let classification: TrendClass;
  if (flips === 0) classification = last ? 'stable-pass' : 'stable-fail';
  else if (flips === 1) classification = last ? 'improving' : 'degrading';
  else {
    const half = Math.floor(outcomes.length / 2);
    const shift = (rate(outcomes.slice(half)) - rate(outcomes.slice(0, half))) * 100;
    const tail = outcomes.slice(-TREND_RULES.confirm);
    if (shift >= TREND_RULES.shiftPoints && tail.every(Boolean)) classification = 'improving';
    else if (shift <= -TREND_RULES.shiftPoints && tail.every((x) => !x)) classification = 'degrading';
    else classification = 'flaky';
  }
  return {
    classification,
    outcomes,
    passRate,
    flips,
    streak: { passing: last, length },
    sparkline: outcomes.map((o) => (o ? '✓' : '✗')).join(''),
  };
}

/** Display order: what needs attention first. */
export const TREND_ORDER: TrendClass[] = ['flaky', 'degrading', 'stable-fail', 'improving', 'stable-pass'];

export function isFlaky(outcomes: boolean[]): boolean {
  return outcomes.length > 0 && classifyTrend(outcomes).classification === 'flaky';
}

/** Per-test outcomes of one suite (from local result files or the test_history RPC). */
export interface SuiteHistory {
  repoSlug: string;
  suite: string;
  /** test → outcomes, oldest first (trials in order; skipped tests left out). */
  tests: Map<string, boolean[]>;
  /** Runs the outcomes come from. */
  runs: number;
}

export interface TrendRow extends TestTrend {
  repo_slug: string;
  suite: string;
  test: string;
}

/**
 * Every test of every suite classified over the rules' window (its newest TREND_RULES.window
 * outcomes), attention first (TREND_ORDER), then by suite and test name.
 */
export function trendRows(histories: SuiteHistory[], testFilter?: string): TrendRow[] {
  const rows: TrendRow[] = [];
  for (const h of histories) {
    for (const [test, outcomes] of h.tests) {
      if (testFilter && test !== testFilter) continue;
      if (!outcomes.length) continue;
      rows.push({ repo_slug: h.repoSlug, suite: h.suite, test, ...classifyTrend(outcomes) });
    }
  }
  return rows.sort(
    (a, b) =>
      TREND_ORDER.indexOf(a.classification) - TREND_ORDER.indexOf(b.classification) ||
      a.suite.localeCompare(b.suite) ||
      a.test.localeCompare(b.test),
  );
}
