/**
 * The CI report, defined once: a run compared with its baseline (the latest run
 * of the same repo and suite on the default branch), every test classified, and
 * the gate that decides whether the pull request is stopped. The rules (also in
 * docs/ci.md):
 *
 *  - A test's outcome on one side is "failing" when any of its trials failed;
 *    skipped trials count as not run, and a test with only skipped trials is
 *    absent on that side.
 *  - Classes: new (not on the baseline), removed (not in the run), flaky (failing
 *    now and known-flaky: core's trend classifier, `isFlaky`, on the baseline
 *    branch's recent history), newly failing (failing now, passing on the
 *    baseline), still failing (failing on both), fixed (passing now, failing on
 *    the baseline), passing.
 *  - The gate stops the pull request for
 *    1. a newly failing test that is not known-flaky; with trials (more than one
 *       on either side), any failing test that is not known-flaky, only when its
 *       failure rate is significantly higher than the baseline's: Fisher's exact
 *       test, one-sided, p < alpha (default 0.05);
 *    2. a drop of the pass rate (trials counted, over the tests in both runs,
 *       known-flaky ones left out) of more than the team's alert threshold; with
 *       trials, only when the same test on the pooled trials is significant.
 *  - Known-flaky, new and removed tests are reported, never gating.
 */
import { isFlaky } from '../analytics/trend.ts';
import { passRatePercent } from '../eval-result.ts';
import { fisherGreater, significant, type TrialCounts } from './fisher.ts';

export const CI_RULES = {
  /** Significance level of Fisher's exact test for tests with trials. */
  alpha: 0.05,
  /** Baseline-branch runs whose outcomes decide "known-flaky". */
  historyRuns: 10,
  /** Alert threshold when the team set none, in percentage points. */
  defaultThresholdPp: 5,
} as const;

/** One test result row of a run (a trial), as the store's ci_report_context gives it. */
export interface CiResultRow {
  test_name: string;
  trial: number;
  passed: boolean;
  skipped: boolean;
  cost_usd: number;
  duration_ms: number | null;
}

/** A run as the report reads it. */
export interface CiRun {
  id: string;
  run_key: string;
  repo_slug: string;
  suite: string;
  branch: string | null;
  git_sha: string | null;
  run_at: string;
  pass_rate: number | null;
  cost_usd: number;
  /** When retention removed the run's results (results is then empty); absent or null when they are there. */
  pruned_at?: string | null;
  results: CiResultRow[];
}

export type CiClass = 'newly-failing' | 'flaky' | 'still-failing' | 'fixed' | 'new' | 'removed' | 'passing';

/** Display order: what needs attention first. */
export const CI_CLASS_ORDER: CiClass[] = ['newly-failing', 'flaky', 'still-failing', 'fixed', 'new', 'removed', 'passing'];

export interface CiSide extends TrialCounts {
  passed: number;
}

export interface CiTest {
  name: string;
  class: CiClass;
  run: CiSide | null;
  baseline: CiSide | null;
  knownFlaky: boolean;
  /** More than one trial on either side: the gate asks Fisher's exact test. */
  trials: boolean;
  /** One-sided p of Fisher's exact test (tests with trials on both sides), else null. */
  pValue: number | null;
  /**
   * With trials: whether these trial counts could show a significant difference at all (the
   * most extreme outcome, every run trial failing and no baseline trial, has p < alpha). False:
   * "not enough trials to tell", whatever happened. Null without trials.
   */
  enoughTrials: boolean | null;
  gating: boolean;
}

export interface CiRate {
  run: number | null;
  baseline: number | null;
  /** run − baseline, in points (negative = worse); null when either side has none. */
  delta: number | null;
}

export interface CiGate {
  stopped: boolean;
  /** One sentence per reason the gate stopped the run; empty when it passed. */
  reasons: string[];
  /** Pass rate the drop rule compares (trials counted, tests in both runs, known-flaky left out). */
  comparedRate: CiRate & { tests: number; pValue: number | null };
  thresholdPp: number;
  alpha: number;
}

export interface CiReport {
  run: Pick<CiRun, 'id' | 'run_key' | 'repo_slug' | 'suite' | 'branch' | 'git_sha' | 'run_at'>;
  baseline: Pick<CiRun, 'id' | 'run_key' | 'branch' | 'git_sha' | 'run_at'> | null;
  tests: CiTest[];
  counts: Record<CiClass, number>;
  passRate: CiRate;
  /** Total cost of each run in USD. */
  cost: { run: number; baseline: number | null; delta: number | null };
  /** Median duration of a test trial in ms (null without durations). */
  latency: CiRate;
  gate: CiGate;
  /** What makes the comparison doubtful (a baseline of another suite or repository, named with --baseline). */
  warnings: string[];
}

export interface CiRules {
  thresholdPp?: number;
  alpha?: number;
}

function sides(run: CiRun): Map<string, CiSide> {
  const map = new Map<string, CiSide>();
  for (const r of run.results) {
    if (r.skipped) continue;
    const side = map.get(r.test_name) ?? { failed: 0, passed: 0, total: 0 };
    side.total += 1;
    if (r.passed) side.passed += 1;
    else side.failed += 1;
    map.set(r.test_name, side);
  }
  return map;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
const delta = (a: number | null, b: number | null, digits = 2) => (a === null || b === null ? null : round(a - b, digits));

function median(values: number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const latencyOf = (run: CiRun) => median(run.results.filter((r) => !r.skipped && r.duration_ms !== null).map((r) => Number(r.duration_ms)));

function classify(run: CiSide | undefined, baseline: CiSide | undefined, knownFlaky: boolean): CiClass {
  if (!baseline) return 'new';
  if (!run) return 'removed';
  const failing = run.failed > 0;
  if (failing && knownFlaky) return 'flaky';
  if (failing) return baseline.failed > 0 ? 'still-failing' : 'newly-failing';
  return baseline.failed > 0 ? 'fixed' : 'passing';
}

const name = (t: string) => JSON.stringify(t);

/**
 * Compares `run` with `baseline` (null: no baseline yet, every test is new and
 * nothing gates). `history` is each test's outcomes on the baseline branch, oldest
 * first (trials in order), without this run.
 */
export function ciReport(run: CiRun, baseline: CiRun | null, history: Map<string, boolean[]>, rules: CiRules = {}): CiReport {
  const thresholdPp = rules.thresholdPp ?? CI_RULES.defaultThresholdPp;
  const alpha = rules.alpha ?? CI_RULES.alpha;
  const now = sides(run);
  const before = baseline ? sides(baseline) : new Map<string, CiSide>();
  const names = [...new Set([...now.keys(), ...before.keys()])].sort();
  const reasons: string[] = [];
  const tests = names.map((test): CiTest => {
    const r = now.get(test);
    const b = before.get(test);
    const knownFlaky = isFlaky(history.get(test) ?? []);
    const cls = classify(r, b, knownFlaky);
    const trials = Boolean(r && b && Math.max(r.total, b.total) > 1);
    const pValue = r && b && trials ? fisherGreater(r, b) : null;
    const enoughTrials =
      r && b && trials ? significant(fisherGreater({ failed: r.total, total: r.total }, { failed: 0, total: b.total }), alpha) : null;
    let gating = false;
    if (cls === 'newly-failing' || cls === 'still-failing') {
      if (trials && pValue !== null && significant(pValue, alpha)) {
        gating = true;
        reasons.push(
          `${name(test)} fails ${r?.failed}/${r?.total} trials against ${b?.failed}/${b?.total} on the baseline (Fisher's exact test, one-sided p = ${pValue.toPrecision(2)} < ${alpha})`,
        );
      } else if (!trials && cls === 'newly-failing') {
        gating = true;
        reasons.push(`${name(test)} newly fails (it passed on the baseline and is not known-flaky)`);
      }
    }
    return { name: test, class: cls, run: r ?? null, baseline: b ?? null, knownFlaky, trials, pValue, enoughTrials, gating };
  });

  // The drop rule: both runs' trials over the tests they share, known noise left out.
  const compared = tests.filter((t) => t.run && t.baseline && !t.knownFlaky);
  const pool = (pick: (t: CiTest) => CiSide | null) =>
    compared.reduce(
      (acc, t) => {
        const s = pick(t) as CiSide;
        return { failed: acc.failed + s.failed, passed: acc.passed + s.passed, total: acc.total + s.total };
      },
      { failed: 0, passed: 0, total: 0 },
    );
  const runPool = pool((t) => t.run);
  const basePool = pool((t) => t.baseline);
  const runRate = passRatePercent(runPool.passed, runPool.total);
  const baseRate = passRatePercent(basePool.passed, basePool.total);
  const rateDelta = delta(runRate, baseRate);
  const anyTrials = compared.some((t) => t.trials);
  const pooledP = anyTrials ? fisherGreater(runPool, basePool) : null;
  if (rateDelta !== null && -rateDelta > thresholdPp) {
    if (pooledP === null || significant(pooledP, alpha))
      reasons.push(
        `the pass rate dropped ${round(-rateDelta, 2)} points (${baseRate}% → ${runRate}% over ${compared.length} ${compared.length === 1 ? 'test' : 'tests'} in both runs, known-flaky ones left out), more than the team's threshold of ${thresholdPp}${pooledP === null ? '' : `; Fisher's exact test on the trials, one-sided p = ${pooledP.toPrecision(2)} < ${alpha}`}`,
      );
  }

  const counts = Object.fromEntries(CI_CLASS_ORDER.map((c) => [c, tests.filter((t) => t.class === c).length])) as Record<CiClass, number>;
  const runLatency = latencyOf(run);
  const baseLatency = baseline ? latencyOf(baseline) : null;
  return {
    run: {
      id: run.id,
      run_key: run.run_key,
      repo_slug: run.repo_slug,
      suite: run.suite,
      branch: run.branch,
      git_sha: run.git_sha,
      run_at: run.run_at,
    },
    baseline: baseline
      ? { id: baseline.id, run_key: baseline.run_key, branch: baseline.branch, git_sha: baseline.git_sha, run_at: baseline.run_at }
      : null,
    tests: tests.sort((a, b) => CI_CLASS_ORDER.indexOf(a.class) - CI_CLASS_ORDER.indexOf(b.class) || a.name.localeCompare(b.name)),
    counts,
    passRate: { run: run.pass_rate, baseline: baseline?.pass_rate ?? null, delta: delta(run.pass_rate, baseline?.pass_rate ?? null) },
    cost: { run: run.cost_usd, baseline: baseline?.cost_usd ?? null, delta: baseline ? round(run.cost_usd - baseline.cost_usd, 6) : null },
    latency: { run: runLatency, baseline: baseLatency, delta: delta(runLatency, baseLatency, 1) },
    warnings: baseline
      ? [
          ...(baseline.suite !== run.suite ? [`the baseline is a run of another suite (${baseline.suite})`] : []),
          ...(baseline.repo_slug !== run.repo_slug ? [`the baseline is a run of another repository (${baseline.repo_slug})`] : []),
          ...(baseline.pruned_at
            ? [
                `the baseline's per-test results were removed on ${baseline.pruned_at.slice(0, 10)} under the team's retention: every test counts as new and nothing gates (name a newer baseline with --baseline)`,
              ]
            : []),
        ]
      : [],
    gate: {
      stopped: reasons.length > 0,
      reasons,
      comparedRate: { run: runRate, baseline: baseRate, delta: rateDelta, tests: compared.length, pValue: pooledP },
      thresholdPp,
      alpha,
    },
  };
}
