/**
 * Fisher's exact test, one-sided, on a 2×2 table of trial outcomes: is the
 * run's failure rate higher than the baseline's by more than chance?
 *
 * Hand-written on purpose: the npm registry has no maintained Fisher's-exact
 * package (the lists in env show only @stdlib's hypergeometric CDF, a
 * 700-downloads-a-month package with a dozen stdlib dependencies), and core is
 * imported by the Deno functions too, whose import maps would have to carry it.
 * The test is a sum of hypergeometric probabilities: a dozen lines, checked in
 * fisher.test.ts against values computed by hand.
 */

/** ln(k!) for k = 0..n, by summing logs (exact enough for the trial counts of a run: thousands, not millions). */
function logFactorials(n: number): Float64Array {
  const table = new Float64Array(n + 1);
  for (let k = 2; k <= n; k++) table[k] = (table[k - 1] ?? 0) + Math.log(k);
  return table;
}

export interface TrialCounts {
  /** Trials that failed. */
  failed: number;
  /** Trials that ran (failed + passed; skipped ones left out). */
  total: number;
}

/**
 * One-sided p-value that `run` fails more often than `baseline`: with the
 * margins fixed, the probability of the run having at least as many of all the
 * failures as it has (a hypergeometric upper tail). 1 when nothing failed.
 */
export function fisherGreater(run: TrialCounts, baseline: TrialCounts): number {
  const n = run.total + baseline.total;
  const failures = run.failed + baseline.failed;
  for (const [label, c] of [
    ['run', run],
    ['baseline', baseline],
  ] as const)
    if (!Number.isInteger(c.failed) || !Number.isInteger(c.total) || c.failed < 0 || c.failed > c.total)
      throw new RangeError(`fisherGreater: ${label} counts must be integers with 0 ≤ failed ≤ total`);
  if (failures === 0 || run.total === 0 || baseline.total === 0) return 1;
  const lf = logFactorials(n);
  const f = (k: number) => lf[k] ?? 0;
  const logChoose = (a: number, b: number) => f(a) - f(b) - f(a - b);
  const denominator = logChoose(n, run.total);
  let p = 0;
  for (let x = run.failed; x <= Math.min(failures, run.total); x++) {
    if (failures - x > baseline.total) continue;
    p += Math.exp(logChoose(failures, x) + logChoose(n - failures, run.total - x) - denominator);
  }
  return Math.min(1, p);
}

/**
 * p < alpha, with a relative tolerance: p is a sum of floating-point exponentials, so an exact
 * 1/20 comes out as 0.04999999999999999 and would pass for significant at alpha = 0.05.
 */
export function significant(p: number, alpha: number): boolean {
  return p < alpha * (1 - 1e-9);
}
