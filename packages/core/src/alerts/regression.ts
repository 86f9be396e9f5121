/**
 * The regression-alert rules, applied to one pushed run: stale runs are never
 * alerted; a regression is core's `runRegression` (drop vs the mean of up to
 * 19 earlier runs above the team's threshold); the tests named are those that
 * newly fail (core's `newlyFailing`), with flaky ones (core's `classifyTrend`)
 * listed apart; a suite that alerted owes one recovery message when a run is
 * back at or above the mean it dropped from. Cooldown and roll-up: at most one
 * message per suite per `cooldownSeconds`; regressions held meanwhile are
 * named in the next message.
 */
import { newlyFailing, REGRESSION_RULES, runRegression } from '../analytics/regression.ts';
import { classifyTrend } from '../analytics/trend.ts';

export const ALERT_RULES = {
  /** Runs older than this when processed are recorded as stale and never alerted (back-fills, seeds). */
  staleHours: 24,
  /** One message per team, repo and suite per this many seconds. */
  cooldownSeconds: 300,
  /** Newly failing tests named in a message; the rest are "+N more". */
  maxTestsShown: 10,
  /** Failure reasons are cut to this many characters. */
  maxReasonChars: 80,
  /** Names kept in the delivery record (the roll-up reads them). */
  maxNamesRecorded: 50,
} as const;

/** One run as regression-alert reads it (`alert_run_context`). */
export interface AlertRun {
  id: string;
  team_id: string;
  repo_slug: string;
  suite: string;
  branch: string | null;
  git_sha: string | null;
  run_at: string;
  pass_rate: number | null;
  cost_usd: number;
  total_tests: number;
  passed: number;
  failed: number;
  pushed_by: string | null;
}

export interface FailingTest {
  name: string;
  error: string | null;
  /** Earlier outcomes, oldest first. */
  history: boolean[];
}

export interface AlertContext {
  run: AlertRun;
  /** Earlier runs, newest first. */
  earlier: Array<{ id: string; pass_rate: number | null; cost_usd: number }>;
  failing: FailingTest[];
  settings: { slack_webhook_url: string | null; alert_threshold_pp: number | null; dashboard_url: string | null } | null;
  state: { alerting: boolean; alert_baseline: number | null; last_alerted_at: string } | null;
}

export type AlertDecision =
  | { kind: 'stale' }
  | { kind: 'none'; reason: 'no_pass_rate' | 'no_baseline' | 'within_threshold'; baseline: number | null }
  | {
      kind: 'regression';
      baseline: number;
      drop: number;
      baselineRuns: number;
      costBaseline: number;
      newlyFailing: FailingTest[];
      flaky: FailingTest[];
    }
  | { kind: 'recovery'; baseline: number };

/** Decides what one run means. `now` is when it is processed. */
export function decideRunAlert(ctx: AlertContext, now: Date = new Date()): AlertDecision {
  const { run } = ctx;
  if (now.getTime() - new Date(run.run_at).getTime() > ALERT_RULES.staleHours * 3_600_000) return { kind: 'stale' };
  if (run.pass_rate === null) return { kind: 'none', reason: 'no_pass_rate', baseline: null };
  const current = Number(run.pass_rate);
  const earlier = ctx.earlier.filter((e) => e.pass_rate !== null).map((e) => Number(e.pass_rate));
  const threshold = Number(ctx.settings?.alert_threshold_pp ?? REGRESSION_RULES.defaultThresholdPp);
  const verdict = runRegression(current, earlier, threshold);
  if (verdict.regressed && verdict.baseline !== null && verdict.drop !== null) {
    const flakyNames = new Set(
      ctx.failing.filter((t) => classifyTrend([...t.history, false]).classification === 'flaky').map((t) => t.name),
    );
    const newly = new Set(
      newlyFailing(new Map(ctx.failing.map((t) => [t.name, false])), new Map(ctx.failing.map((t) => [t.name, t.history]))),
    );
    const costs = ctx.earlier.slice(0, REGRESSION_RULES.maxBaselineRuns).map((e) => Number(e.cost_usd));
    return {
      kind: 'regression',
      baseline: verdict.baseline,
      drop: verdict.drop,
      baselineRuns: verdict.baselineRuns,
      costBaseline: costs.length ? costs.reduce((a, b) => a + b, 0) / costs.length : 0,
      newlyFailing: ctx.failing.filter((t) => newly.has(t.name) && !flakyNames.has(t.name)),
      flaky: ctx.failing.filter((t) => flakyNames.has(t.name)),
    };
  }
  const owed = ctx.state?.alerting ? ctx.state.alert_baseline : null;
  if (owed !== null && owed !== undefined && current >= Number(owed)) return { kind: 'recovery', baseline: Number(owed) };
  return { kind: 'none', reason: verdict.baseline === null ? 'no_baseline' : 'within_threshold', baseline: verdict.baseline };
}

/** What a delivery row keeps about a regression (no webhook URL, names capped). */
export interface HeldRegression {
  run_id: string;
  run_at: string;
  pass_rate: number | null;
  baseline: number | null;
  detail: { newly_failing?: string[]; flaky?: string[] };
}

/** The `detail` stored with a decision. */
export function decisionDetail(decision: AlertDecision): Record<string, unknown> {
  if (decision.kind === 'regression')
    return {
      drop: decision.drop,
      newly_failing: decision.newlyFailing.slice(0, ALERT_RULES.maxNamesRecorded).map((t) => t.name),
      newly_failing_count: decision.newlyFailing.length,
      flaky: decision.flaky.slice(0, ALERT_RULES.maxNamesRecorded).map((t) => t.name),
    };
  if (decision.kind === 'none') return { reason: decision.reason };
  if (decision.kind === 'stale') return { reason: `run_at older than ${ALERT_RULES.staleHours} hours` };
  return {};
}
