/**
 * Regressions, defined once: a run regressed when its pass rate is more than
 * `thresholdPp` percentage points below the mean of up to 19 earlier runs (at
 * least 2) of the same team, repo and suite; a test newly fails when it failed
 * now and passed in most (more than half) of its earlier runs.
 */

export const REGRESSION_RULES = {
  /** Earlier runs the mean is taken over, at most. */
  maxBaselineRuns: 19,
  /** Fewer earlier runs than this: no verdict. */
  minBaselineRuns: 2,
  /** Default alert threshold in percentage points. */
  defaultThresholdPp: 5,
} as const;

export interface RunRegression {
  regressed: boolean;
  /** Mean pass rate of the baseline runs (percent), null when there are too few. */
  baseline: number | null;
  /** baseline − current, in points (positive = worse). */
  drop: number | null;
  baselineRuns: number;
}

/** `earlier` are earlier runs' pass rates in percent, newest first. */
export function runRegression(
  current: number,
  earlier: number[],
  thresholdPp: number = REGRESSION_RULES.defaultThresholdPp,
): RunRegression {
  const baselineRuns = earlier.slice(0, REGRESSION_RULES.maxBaselineRuns);
  if (baselineRuns.length < REGRESSION_RULES.minBaselineRuns)
    return { regressed: false, baseline: null, drop: null, baselineRuns: baselineRuns.length };
  const baseline = Math.round((baselineRuns.reduce((a, b) => a + b, 0) / baselineRuns.length) * 100) / 100;
  const drop = Math.round((baseline - current) * 100) / 100;
  return { regressed: drop > thresholdPp, baseline, drop, baselineRuns: baselineRuns.length };
}

/**
 * The runs (pass rates, oldest first) that start a regression: regressed by runRegression against
 * the runs before them while the run before did not. A drop that persists is one regression, not
 * one per run (or day) spent below the earlier mean. Returns their indices.
 */
export function regressionStarts(rates: number[], thresholdPp: number = REGRESSION_RULES.defaultThresholdPp): number[] {
  const starts: number[] = [];
  let previous = false;
  rates.forEach((rate, i) => {
    const regressed = runRegression(rate, rates.slice(0, i).reverse(), thresholdPp).regressed;
    if (regressed && !previous) starts.push(i);
    previous = regressed;
  });
  return starts;
}

/**
 * Tests failing in `current` that passed in more than half of their earlier
 * outcomes (`history`: test → earlier outcomes, any order). Tests with no
 * history are not "newly" failing.
 */
export function newlyFailing(current: Map<string, boolean>, history: Map<string, boolean[]>): string[] {
  const out: string[] = [];
  for (const [name, passed] of current) {
    if (passed) continue;
    const earlier = history.get(name) ?? [];
    if (earlier.length && earlier.filter(Boolean).length * 2 > earlier.length) out.push(name);
  }
  return out.sort();
}
