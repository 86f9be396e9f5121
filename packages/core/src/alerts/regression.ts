/**
 * The regression-alert rules, applied to one pushed run.
 *
 * - Stale runs are never alerted.
 * - Only branches the team lists alert (`branchAlerts`); other branches are
 *   decided and recorded, never posted.
 * - Episodes: a regression (core's `runRegression`: a drop vs the mean of up
 *   to 19 earlier runs of the run's branch, above the team's threshold) opens
 *   an episode with the tests that newly fail (core's `newlyFailing`). While
 *   it is open, runs where the same tests still fail post nothing; a test that
 *   newly fails then joins it and alerts, named alone. A run at or above the
 *   mean the episode opened from closes it with one recovery message. Flaky
 *   tests (core's `classifyTrend`) never open or join an episode.
 * - Cooldown and roll-up: at most one regression message per suite per the
 *   team's cooldown; tests that joined meanwhile are named in the next message
 *   or in the sweep's roll-up.
 */
import { newlyFailing, REGRESSION_RULES, runRegression } from '../analytics/regression.ts';
import { classifyTrend } from '../analytics/trend.ts';

export const ALERT_RULES = {
  /** Runs older than this when processed are recorded as stale and never alerted (back-fills, seeds). */
  staleHours: 24,
  /** Default cooldown: one regression message per team, repo and suite per this many minutes. */
  defaultCooldownMinutes: 5,
  /** Default alert branches; `(none)` stands for CI-token runs with no branch. */
  defaultBranches: ['main', 'master', '(none)'] as readonly string[],
  /** Newly failing tests named in a message; the rest are "+N more". */
  maxTestsShown: 10,
  /** Failure reasons are cut (at a word boundary) to at most this many characters. */
  maxReasonChars: 80,
  /** Names kept in the delivery record (the roll-up reads them). */
  maxNamesRecorded: 50,
} as const;

/** The alert-branch pattern that matches CI-token runs with no branch. */
export const NO_BRANCH_PATTERN = '(none)';

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
  /** Pushed with a CI token (not a member's session). */
  via_token?: boolean;
}

export interface FailingTest {
  name: string;
  error: string | null;
  /** The model and ladder tier whose answer failed. */
  model?: string | null;
  tier?: string | null;
  /** Earlier outcomes, oldest first. */
  history: boolean[];
}

/** The open episode of the run's suite and branch. */
export interface AlertEpisode {
  baseline: number;
  opened_at: string;
  opened_run_id?: string;
  /** Test name → when and in which run it joined. */
  tests: Record<string, { since: string; run_id: string }>;
  /** Tests of the episode that pass in this run. */
  fixed: string[];
}

export interface AlertSettings {
  slack_webhook_url: string | null;
  alert_threshold_pp: number | null;
  dashboard_url: string | null;
  alert_branches?: string[] | null;
  alert_cooldown_minutes?: number | null;
}

export interface AlertContext {
  run: AlertRun;
  /** The branch whose history is the baseline (the run's own, or the default branch while it is new). */
  baseline_branch?: string | null;
  /** Earlier runs of the baseline branch, newest first. */
  earlier: Array<{ id: string; pass_rate: number | null; cost_usd: number }>;
  failing: FailingTest[];
  settings: AlertSettings | null;
  episode?: AlertEpisode | null;
}

export type AlertDecision =
  | { kind: 'stale' }
  | {
      kind: 'none';
      reason: 'no_pass_rate' | 'no_baseline' | 'within_threshold' | 'no_newly_failing';
      baseline: number | null;
      flaky?: FailingTest[];
    }
  | {
      kind: 'regression';
      /** True when this run opens the episode; false when its tests join an open one. */
      opens: boolean;
      baseline: number;
      drop: number;
      baselineRuns: number;
      costBaseline: number;
      newlyFailing: FailingTest[];
      flaky: FailingTest[];
    }
  | { kind: 'ongoing'; baseline: number; still: string[] }
  | { kind: 'recovery'; baseline: number; fixed: string[]; still: string[] };

/** `glob` as a regular expression: `**` any characters, `*` any within a path segment, `?` one. */
function globRegex(glob: string): RegExp {
  // A dozen lines, so no dependency (core runs in Deno and Node and stays dependency-light).
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] as string;
    if (ch === '*' && glob[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else source += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** Whether a run of `branch` posts to Slack under the team's `patterns` (default main, master, CI runs with no branch). */
export function branchAlerts(patterns: readonly string[] | null | undefined, branch: string | null, viaToken = false): boolean {
  const list = patterns ?? ALERT_RULES.defaultBranches;
  if (branch === null || branch === '') return viaToken && list.includes(NO_BRANCH_PATTERN);
  return list.some((p) => p !== NO_BRANCH_PATTERN && globRegex(p).test(branch));
}

/** Decides what one run means. `now` is when it is processed. */
export function decideRunAlert(ctx: AlertContext, now: Date = new Date()): AlertDecision {
  const { run } = ctx;
  if (now.getTime() - new Date(run.run_at).getTime() > ALERT_RULES.staleHours * 3_600_000) return { kind: 'stale' };
  if (run.pass_rate === null) return { kind: 'none', reason: 'no_pass_rate', baseline: null };
  const current = Number(run.pass_rate);
  const episode = ctx.episode ?? null;
  const inEpisode = new Set(Object.keys(episode?.tests ?? {}));
  const still = ctx.failing.filter((t) => inEpisode.has(t.name)).map((t) => t.name);
  if (episode && current >= Number(episode.baseline))
    return { kind: 'recovery', baseline: Number(episode.baseline), fixed: episode.fixed, still };

  const earlier = ctx.earlier.filter((e) => e.pass_rate !== null).map((e) => Number(e.pass_rate));
  const threshold = Number(ctx.settings?.alert_threshold_pp ?? REGRESSION_RULES.defaultThresholdPp);
  const verdict = runRegression(current, earlier, threshold);
  const flakyNames = new Set(ctx.failing.filter((t) => classifyTrend([...t.history, false]).classification === 'flaky').map((t) => t.name));
  const flaky = ctx.failing.filter((t) => flakyNames.has(t.name));
  const newly = new Set(
    newlyFailing(new Map(ctx.failing.map((t) => [t.name, false])), new Map(ctx.failing.map((t) => [t.name, t.history]))),
  );
  // Tests that start failing now: newly failing, not flaky, not already in the episode.
  const starting = ctx.failing.filter((t) => newly.has(t.name) && !flakyNames.has(t.name) && !inEpisode.has(t.name));
  const costs = ctx.earlier.slice(0, REGRESSION_RULES.maxBaselineRuns).map((e) => Number(e.cost_usd));
  const regression = (baseline: number, drop: number) =>
    ({
      kind: 'regression',
      opens: !episode,
      baseline,
      drop,
      baselineRuns: verdict.baselineRuns,
      costBaseline: costs.length ? costs.reduce((a, b) => a + b, 0) / costs.length : 0,
      newlyFailing: starting,
      flaky,
    }) as const;

  if (episode) {
    const baseline = Number(episode.baseline);
    if (starting.length) return regression(baseline, Math.round((baseline - current) * 100) / 100);
    return { kind: 'ongoing', baseline, still };
  }
  if (!(verdict.regressed && verdict.baseline !== null && verdict.drop !== null))
    return { kind: 'none', reason: verdict.baseline === null ? 'no_baseline' : 'within_threshold', baseline: verdict.baseline };
  // A drop that only flaky (or brand-new) tests explain opens no episode and posts nothing.
  if (!starting.length) return { kind: 'none', reason: 'no_newly_failing', baseline: verdict.baseline, flaky };
  return regression(verdict.baseline, verdict.drop);
}

/** What a delivery row keeps about a regression (no webhook URL, names capped). */
export interface HeldRegression {
  run_id: string;
  run_at: string;
  pass_rate: number | null;
  baseline: number | null;
  detail: { newly_failing?: string[]; newly_failing_count?: number; flaky?: string[] };
}

const names = (tests: Array<{ name: string }> | string[]) =>
  tests.slice(0, ALERT_RULES.maxNamesRecorded).map((t) => (typeof t === 'string' ? t : t.name));

/** The `detail` stored with a decision. */
export function decisionDetail(decision: AlertDecision): Record<string, unknown> {
  if (decision.kind === 'regression')
    return {
      drop: decision.drop,
      opens: decision.opens,
      newly_failing: names(decision.newlyFailing),
      newly_failing_count: decision.newlyFailing.length,
      flaky: names(decision.flaky),
    };
  if (decision.kind === 'none')
    return decision.flaky?.length ? { reason: decision.reason, flaky: names(decision.flaky) } : { reason: decision.reason };
  if (decision.kind === 'stale') return { reason: `run_at older than ${ALERT_RULES.staleHours} hours` };
  if (decision.kind === 'ongoing') return { still_failing: names(decision.still) };
  return { fixed: names(decision.fixed), still_failing: names(decision.still) };
}
