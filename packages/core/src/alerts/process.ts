/**
 * The steps of both functions, runtime-neutral: the store is any `rpc`
 * (the functions pass PostgREST with the service role). Exactly once comes
 * from the database: a run or a team-week is claimed before anything is sent
 * (`alert_claim`, `digest_claim`), the cooldown slot and the recovery are
 * single atomic statements, and every outcome is recorded.
 */
import type { SlackMessage } from './blocks.ts';
import { type DeliveryResult, deliverSlack } from './deliver.ts';
import { buildDigest, type Digest, type DigestWeekData, digestMessage, digestText } from './digest.ts';
import {
  ALERT_RULES,
  type AlertContext,
  type AlertEpisode,
  branchAlerts,
  decideRunAlert,
  decisionDetail,
  type HeldRegression,
} from './regression.ts';
import { recoveryMessage, regressionMessage, rollupMessage } from './regression-message.ts';

/** Calls a database function; rejects with its error message. */
export type Rpc = <T>(name: string, args: Record<string, unknown>) => Promise<T>;

export interface SendOptions {
  /** Extra hosts the Slack sender accepts (the local stack's sink). */
  allowHosts?: string[];
  now?: () => Date;
}

export interface RunAlertOutcome {
  run_id: string;
  /** duplicate: another call owns or finished this run; missing: the run is gone. */
  outcome: 'duplicate' | 'missing' | 'stale' | 'none' | 'sent' | 'held' | 'skipped' | 'failed';
  decision?: string;
  slack_status?: number;
  error?: string;
}

function toHeld(rows: Array<Record<string, unknown>>): HeldRegression[] {
  return rows.map((r) => ({
    run_id: String(r.run_id),
    run_at: String(r.run_at),
    pass_rate: r.pass_rate === null ? null : Number(r.pass_rate),
    baseline: r.baseline === null ? null : Number(r.baseline),
    detail: (r.detail ?? {}) as HeldRegression['detail'],
  }));
}

/** The team's cooldown in seconds (default 5 minutes; 0 allowed). */
function cooldownSeconds(minutes: number | null | undefined): number {
  return Math.round(Number(minutes ?? ALERT_RULES.defaultCooldownMinutes) * 60);
}

/** Handles one inserted run: claim, decide, update the episode, send at most one message, record. */
export async function processRunAlert(rpc: Rpc, runId: string, options: SendOptions = {}): Promise<RunAlertOutcome> {
  const claimed = await rpc<boolean>('alert_claim', { p_run_id: runId });
  if (!claimed) return { run_id: runId, outcome: 'duplicate' };
  const ctx = await rpc<AlertContext | null>('alert_run_context', { p_run_id: runId });
  if (!ctx) return { run_id: runId, outcome: 'missing' };
  const { run } = ctx;
  let decision = decideRunAlert(ctx, options.now?.() ?? new Date());
  const passRate = run.pass_rate === null ? null : Number(run.pass_rate);
  const finish = (status: string, extra: { slack?: DeliveryResult; reason?: string } = {}) => {
    const detail = decisionDetail(decision);
    return rpc('alert_finish', {
      p_run_id: runId,
      p_decision: decision.kind,
      p_status: status,
      p_pass_rate: passRate,
      p_baseline: 'baseline' in decision ? decision.baseline : null,
      p_detail: extra.reason ? { ...detail, reason: extra.reason } : detail,
      p_slack_status: extra.slack ? extra.slack.status : null,
      p_error: extra.slack?.error ?? null,
    });
  };
  const skipped = async (reason?: string) => {
    await finish('skipped', reason ? { reason } : {});
    return { run_id: runId, outcome: 'skipped' as const, decision: decision.kind };
  };

  if (decision.kind === 'stale' || decision.kind === 'none') {
    await finish('skipped');
    return { run_id: runId, outcome: decision.kind, decision: decision.kind };
  }
  const suite = { p_team_id: run.team_id, p_repo_slug: run.repo_slug, p_suite: run.suite };
  const episodeKey = { ...suite, p_branch: run.branch ?? '' };
  // Other branches are decided and recorded (the dashboard shows them), never posted, and open no
  // episode; one opened before the branch left the list closes silently when it recovers.
  if (!branchAlerts(ctx.settings?.alert_branches, run.branch, run.via_token ?? false)) {
    if (decision.kind === 'recovery') await rpc('alert_episode_close', episodeKey);
    return skipped('branch_not_alerting');
  }
  if (decision.kind === 'ongoing') return skipped();
  const webhook = ctx.settings?.slack_webhook_url ?? null;
  const links = { dashboardUrl: ctx.settings?.dashboard_url, compareWith: ctx.earlier[0]?.id, baselineBranch: ctx.baseline_branch };
  let msg: SlackMessage;
  if (decision.kind === 'regression') {
    // Only the tests this call added to the episode are announced (a concurrent run may have added some).
    const added = new Set(
      await rpc<string[]>('alert_episode_join', {
        ...episodeKey,
        p_run_id: runId,
        p_run_at: run.run_at,
        p_baseline: decision.baseline,
        p_tests: decision.newlyFailing.map((t) => t.name),
      }),
    );
    decision = { ...decision, newlyFailing: decision.newlyFailing.filter((t) => added.has(t.name)) };
    if (!decision.newlyFailing.length) return skipped('already_in_episode');
    if (!webhook) return skipped('no_webhook');
    const seconds = cooldownSeconds(ctx.settings?.alert_cooldown_minutes);
    if (!(await rpc<boolean>('alert_take_slot', { ...suite, p_run_id: runId, p_seconds: seconds }))) {
      await finish('held', { reason: 'cooldown' });
      return { run_id: runId, outcome: 'held', decision: decision.kind };
    }
    const held = toHeld(await rpc<Array<Record<string, unknown>>>('alert_take_held', { ...suite, p_into: runId }));
    msg = regressionMessage(run, decision, { ...links, held });
  } else {
    // Recovery: only the call that closes the episode sends it.
    const closed = await rpc<AlertEpisode | null>('alert_episode_close', episodeKey);
    if (!closed) return skipped('already_recovered');
    if (!webhook) return skipped('no_webhook');
    await rpc<boolean>('alert_take_slot', { ...suite, p_run_id: runId, p_seconds: 0 });
    msg = recoveryMessage(run, decision, links);
  }
  const slack = await deliverSlack(webhook, msg, { allowHosts: options.allowHosts });
  await finish(slack.ok ? 'sent' : 'failed', { slack });
  return slack.ok
    ? { run_id: runId, outcome: 'sent', decision: decision.kind, slack_status: slack.status }
    : { run_id: runId, outcome: 'failed', decision: decision.kind, slack_status: slack.status, error: slack.error };
}

export interface SweepOutcome {
  redispatched: RunAlertOutcome[];
  rollups: Array<{ repo_slug: string; suite: string; held: number; ok: boolean }>;
}

/**
 * The 5-minute sweep: runs of the last `hours` with no delivery row go
 * through `processRunAlert`; suites whose held regressions outlived their
 * team's cooldown get a roll-up message naming the tests, with links.
 */
export async function sweepAlerts(rpc: Rpc, options: SendOptions & { hours?: number } = {}): Promise<SweepOutcome> {
  const missing = await rpc<Array<{ run_id: string }>>('alert_missing_runs', { p_hours: options.hours ?? 6, p_limit: 500 });
  const redispatched: RunAlertOutcome[] = [];
  for (const { run_id } of missing) redispatched.push(await processRunAlert(rpc, run_id, options));
  const rollups: SweepOutcome['rollups'] = [];
  const overdue = await rpc<
    Array<{ team_id: string; repo_slug: string; suite: string; cooldown_minutes: number; dashboard_url: string | null }>
  >('alert_overdue_holds', {});
  for (const s of overdue) {
    const suite = { p_team_id: s.team_id, p_repo_slug: s.repo_slug, p_suite: s.suite };
    const settings = await rpc<Array<{ slack_webhook_url: string | null }>>('alert_team_webhook', { p_team_id: s.team_id });
    const webhook = settings[0]?.slack_webhook_url;
    if (!webhook) continue;
    const marker = crypto.randomUUID();
    if (!(await rpc<boolean>('alert_take_slot', { ...suite, p_run_id: marker, p_seconds: cooldownSeconds(s.cooldown_minutes) }))) continue;
    const held = toHeld(await rpc<Array<Record<string, unknown>>>('alert_take_held', { ...suite, p_into: marker }));
    if (!held.length) continue;
    const msg = rollupMessage(s.repo_slug, s.suite, held, { dashboardUrl: s.dashboard_url });
    const slack = await deliverSlack(webhook, msg, { allowHosts: options.allowHosts });
    rollups.push({ repo_slug: s.repo_slug, suite: s.suite, held: held.length, ok: slack.ok });
  }
  return { redispatched, rollups };
}

export interface DigestOutcome {
  team_id: string;
  week_start: string;
  outcome: 'preview' | 'duplicate' | 'sent' | 'failed' | 'skipped';
  digest?: Digest;
  text?: string;
  message?: SlackMessage;
  slack_status?: number;
  error?: string;
}

/** A week's digest numbers: `digest_week`, and how many pull requests the CI gate stopped in it. */
async function digestWeek(rpc: Rpc, teamId: string, weekStart: string): Promise<DigestWeekData> {
  const from = new Date(`${weekStart}T00:00:00Z`);
  const until = new Date(from.getTime() + 7 * 86_400_000);
  const [week, stopped] = await Promise.all([
    rpc<DigestWeekData>('digest_week', { p_team_id: teamId, p_week_start: weekStart }),
    rpc<number>('ci_stopped_pull_requests', { p_team_id: teamId, p_from: from.toISOString(), p_until: until.toISOString() }),
  ]);
  return { ...week, ci_stopped_pull_requests: stopped };
}

/** One team's digest for one week: preview it (`dryRun`), or send it exactly once (`force`: again). */
export async function processDigest(
  rpc: Rpc,
  teamId: string,
  weekStart: string,
  options: SendOptions & { dryRun?: boolean; force?: boolean; webhook?: string | null } = {},
): Promise<DigestOutcome> {
  const base = { team_id: teamId, week_start: weekStart };
  if (options.dryRun) {
    const digest = buildDigest(await digestWeek(rpc, teamId, weekStart));
    return { ...base, outcome: 'preview', digest, text: digestText(digest), message: digestMessage(digest) };
  }
  if (!(await rpc<boolean>('digest_claim', { p_team_id: teamId, p_week_start: weekStart, p_force: options.force ?? false })))
    return { ...base, outcome: 'duplicate' };
  const digest = buildDigest(await digestWeek(rpc, teamId, weekStart));
  const finish = (status: string, slack?: DeliveryResult) =>
    rpc('digest_finish', {
      p_team_id: teamId,
      p_week_start: weekStart,
      p_status: status,
      p_digest: digest,
      p_slack_status: slack ? slack.status : null,
      p_error: slack?.error ?? (slack ? null : 'no Slack webhook set'),
    });
  if (!options.webhook) {
    await finish('skipped');
    return { ...base, outcome: 'skipped', digest };
  }
  const slack = await deliverSlack(options.webhook, digestMessage(digest), { allowHosts: options.allowHosts });
  await finish(slack.ok ? 'sent' : 'failed', slack);
  return { ...base, outcome: slack.ok ? 'sent' : 'failed', digest, slack_status: slack.status, error: slack.error };
}
