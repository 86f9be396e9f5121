/** `gstack team settings`: the team's settings as they are now (admins; the Slack webhook URL is a secret, so it is masked). */
import { ALERT_RULES, describeRetention, maskWebhook, PUSH_QUOTA_DEFAULTS, REGRESSION_RULES } from '@gstack/core';
import type { Command } from 'commander';
import { printJson } from '../../cli/run.ts';
import { formatRelative } from '../../cli/term.ts';
import { teamId } from '../../sync/connection.ts';
import { remoteError } from '../../sync/remote-error.ts';
import { requireAdmin, user } from './common.ts';

/** The defaults a team has until an admin changes something (no row yet). */
const DEFAULTS = {
  slack_webhook_url: null,
  alert_threshold_pp: REGRESSION_RULES.defaultThresholdPp,
  alert_branches: [...ALERT_RULES.defaultBranches],
  alert_cooldown_minutes: ALERT_RULES.defaultCooldownMinutes,
  digest_enabled: true,
  judge_cache_trust_members: false,
  push_runs_per_hour: PUSH_QUOTA_DEFAULTS.runsPerHour,
  push_results_per_hour: PUSH_QUOTA_DEFAULTS.resultsPerHour,
  retention_days: null,
  updated_at: null,
} as const;

export function registerTeamSettings(team: Command): void {
  team
    .command('settings')
    .option('--json', 'print JSON')
    .description(
      'Show the team settings: Slack webhook (masked), alert threshold, branches and cooldown, digest, judge cache trust, push quotas, retention (admins)',
    )
    .action(async (flags: { json?: boolean }) => {
      const connection = await user();
      const id = await teamId(connection);
      await requireAdmin(connection, id, 'read its settings');
      const { data, error, status } = await connection.client
        .from('team_settings')
        .select(
          'slack_webhook_url, alert_threshold_pp, alert_branches, alert_cooldown_minutes, digest_enabled, judge_cache_trust_members, push_runs_per_hour, push_results_per_hour, retention_days, updated_at',
        )
        .eq('team_id', id)
        .maybeSingle();
      if (error) throw remoteError(error, status);
      const settings = { ...DEFAULTS, ...data };
      const shown = {
        team: connection.team,
        slack_webhook: maskWebhook(settings.slack_webhook_url),
        alert_threshold_pp: Number(settings.alert_threshold_pp),
        alert_branches: settings.alert_branches,
        alert_cooldown_minutes: settings.alert_cooldown_minutes,
        digest_enabled: settings.digest_enabled,
        judge_cache_trust_members: settings.judge_cache_trust_members,
        push_runs_per_hour: settings.push_runs_per_hour,
        push_results_per_hour: settings.push_results_per_hour,
        retention_days: settings.retention_days,
        updated_at: settings.updated_at,
      };
      if (flags.json) return printJson(shown);
      const line = (label: string, value: string) => process.stdout.write(`${label.padEnd(16)} ${value}\n`);
      line('team', shown.team);
      line('slack-webhook', shown.slack_webhook ?? 'not set (gstack team set slack-webhook URL)');
      line('alert-threshold', `${shown.alert_threshold_pp} percentage points`);
      line('alert-branches', `${shown.alert_branches.join(', ')} (other branches never post to Slack)`);
      line('alert-cooldown', `${shown.alert_cooldown_minutes} ${shown.alert_cooldown_minutes === 1 ? 'minute' : 'minutes'}`);
      line('digest-enabled', String(shown.digest_enabled));
      line('judge-cache-trust-members', String(shown.judge_cache_trust_members));
      line('push-runs-per-hour', `${shown.push_runs_per_hour} per member or CI token`);
      line('push-results-per-hour', `${shown.push_results_per_hour} per member or CI token`);
      line('retention-days', describeRetention(shown.retention_days));
      line('updated', shown.updated_at ? formatRelative(shown.updated_at) : 'never (defaults)');
    });
}
