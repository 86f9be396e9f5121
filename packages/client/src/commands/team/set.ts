/** `gstack team set`: change a team setting (admins): Slack webhook, alert threshold, digest, dashboard URL. */
import type { Command } from 'commander';
import { printJson } from '../../cli/run.ts';
import { UserError } from '../../errors.ts';
import { teamId } from '../../sync/connection.ts';
import { remoteError } from '../../sync/remote-error.ts';
import { requireAdmin, user } from './common.ts';

export function registerTeamSet(team: Command): void {
  team
    .command('set')
    .argument('<setting>', 'slack-webhook | alert-threshold | digest-enabled | dashboard-url')
    .argument('<value>', 'a URL, a percentage (points), or true|false')
    .option('--json', 'print JSON')
    .description('Change a team setting (admins)')
    .action(async (setting: string, value: string, flags: { json?: boolean }) => {
      let change: Record<string, unknown>;
      if (setting === 'slack-webhook') {
        if (!/^https?:\/\/\S+$/.test(value)) throw new UserError('slack-webhook must be an http(s) URL');
        change = { slack_webhook_url: value };
      } else if (setting === 'alert-threshold') {
        const n = Number(value);
        if (!Number.isFinite(n) || n <= 0 || n > 100)
          throw new UserError('alert-threshold must be percentage points, more than 0 and at most 100');
        change = { alert_threshold_pp: n };
      } else if (setting === 'dashboard-url') {
        if (!/^https?:\/\/\S+$/.test(value))
          throw new UserError(
            "dashboard-url must be the team's dashboard address, an http(s) URL ending in /t/<team> (alerts link to <url>/runs/<id>)",
          );
        change = { dashboard_url: value.replace(/\/+$/, '') };
      } else if (setting === 'digest-enabled') {
        if (value !== 'true' && value !== 'false') throw new UserError('digest-enabled must be true or false');
        change = { digest_enabled: value === 'true' };
      } else
        throw new UserError(`unknown setting ${JSON.stringify(setting)}: slack-webhook, alert-threshold, digest-enabled or dashboard-url`);
      const connection = await user();
      const id = await teamId(connection);
      await requireAdmin(connection, id, 'change its settings');
      const { error, status } = await connection.client.from('team_settings').upsert({ team_id: id, ...change }, { onConflict: 'team_id' });
      if (error) throw remoteError(error, status);
      if (flags.json) return printJson({ team: connection.team, ...change });
      process.stdout.write(`${setting} set for ${connection.team}\n`);
    });
}
