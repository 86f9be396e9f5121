/** `gstack team set`: change a team setting (admins): Slack webhook, alert threshold, alert branches and cooldown, digest, dashboard URL, judge cache trust, push quotas, retention (each checked by core's TEAM_SETTINGS). */
import { parseTeamSetting, TEAM_SETTING_NAMES } from '@gstack/core';
import type { Command } from 'commander';
import { printJson } from '../../cli/run.ts';
import { UserError } from '../../errors.ts';
import { teamId } from '../../sync/connection.ts';
import { remoteError } from '../../sync/remote-error.ts';
import { requireAdmin, user } from './common.ts';

export function registerTeamSet(team: Command): void {
  team
    .command('set')
    .argument('<setting>', TEAM_SETTING_NAMES.join(' | '))
    .argument(
      '<value>',
      'a URL, percentage points, branch globs (main,release/*,(none)), minutes, a whole number, days or forever, or true|false',
    )
    .option('--json', 'print JSON')
    .description('Change a team setting (admins)')
    .addHelpText(
      'after',
      "\nretention-days N keeps each run's results, attempts and outputs for N days (14 to 3650); an hourly job\nremoves older ones in batches. Run totals, costs, trends and the leaderboard are kept. forever (the\ndefault) keeps everything. See docs/retention.md.",
    )
    .action(async (setting: string, value: string, flags: { json?: boolean }) => {
      // Checked before the network: a bad value is a usage error (exit 2), whoever runs it.
      const { data: change, error: problem } = parseTeamSetting(setting, value);
      if (problem !== null) throw new UserError(problem);
      const connection = await user();
      const id = await teamId(connection);
      await requireAdmin(connection, id, 'change its settings');
      const { error, status } = await connection.client.from('team_settings').upsert({ team_id: id, ...change }, { onConflict: 'team_id' });
      if (error) throw remoteError(error, status);
      if (flags.json) return printJson({ team: connection.team, ...change });
      process.stdout.write(`${setting} set for ${connection.team}\n`);
      if (change.retention_days != null)
        process.stdout.write(
          `runs older than ${change.retention_days} days lose their results, attempts and outputs at the next hourly prune (totals, costs and trends stay)\n`,
        );
    });
}
