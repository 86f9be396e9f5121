/**
 * The team store's side of a CI report: push the run (a re-push is a no-op), read its
 * context (ci_report_context: the run, its baseline, the base branch's history, the
 * team's threshold and dashboard), apply core's rules, and record the verdict
 * (ci_record_report). As a member or with the CI token; refusals and an unreachable
 * store are RemoteErrors.
 */
import { CI_RULES, type CiMarkdownSection, type CiReport, ciDashboardLinks, ciReport, parseCiContext } from '@gstack/core';
import { type Connection, teamId } from '../sync/connection.ts';
import { sendItem } from '../sync/push/send.ts';
import { RemoteError, remoteError } from '../sync/remote-error.ts';
import type { Target } from './targets.ts';

/** Who asks: a member names the team, the CI token is its team (the RPCs take one or the other). */
async function caller(connection: Connection): Promise<{ p_team_id: string; p_token: string }> {
  // The generated types call every argument a string; the RPCs take null for the one not used.
  const none = null as unknown as string;
  return connection.mode === 'token'
    ? { p_team_id: none, p_token: connection.token }
    : { p_team_id: await teamId(connection), p_token: none };
}

export interface ReportOptions {
  branches: string[];
  baseline?: string;
  threshold?: number;
  alpha: number;
}

/** One run's report, with the dashboard's links when the team set its dashboard address. */
export async function reportRun(connection: Connection, target: Target, options: ReportOptions): Promise<CiMarkdownSection> {
  if (target.errored) throw new RemoteError('refused', `${target.ref}: the run errored: ${target.errored}`);
  if (target.item) {
    // The run must be in the store to have a baseline and a verdict.
    const pushed = await sendItem(connection, target.item);
    if (pushed.error) throw pushed.error;
  }
  const answer = await connection.client.rpc('ci_report_context', {
    ...(await caller(connection)),
    p_run: target.key,
    p_branches: options.branches,
    p_baseline: options.baseline as string,
    p_history_runs: CI_RULES.historyRuns,
  });
  if (answer.error) throw remoteError(answer.error, answer.status);
  const context = parseCiContext(answer.data);
  if (context.data === null) throw new RemoteError('refused', context.error);
  const { run, baseline, history, threshold_pp, dashboard_url } = context.data;
  const report = ciReport(run, baseline, new Map(Object.entries(history)), {
    thresholdPp: options.threshold ?? threshold_pp,
    alpha: options.alpha,
  });
  return { report, ...ciDashboardLinks(dashboard_url, run.id, baseline?.id ?? null) };
}

/** Records the gate's verdict on the run (and the pull request it was for); a sentence when the store refused. */
export async function recordVerdict(
  connection: Connection,
  report: CiReport,
  pullRequest: { number: number; url: string | null } | null,
): Promise<string | null> {
  const { error } = await connection.client.rpc('ci_record_report', {
    ...(await caller(connection)),
    p_run: report.run.id,
    p_report: {
      baseline_run_id: report.baseline?.id ?? null,
      pull_request: pullRequest?.number ?? null,
      pull_request_url: pullRequest?.url ?? null,
      gated: report.gate.stopped,
      reasons: report.gate.reasons,
      counts: report.counts,
    },
  });
  return error ? error.message : null;
}
