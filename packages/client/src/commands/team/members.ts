/** `gstack team members`: list the team's members and their roles. */
import type { Command } from 'commander';
import { printJson } from '../../cli/run.ts';
import { renderTable, terminalWidth } from '../../cli/table.ts';
import { formatRelative } from '../../cli/term.ts';
import { teamId } from '../../sync/connection.ts';
import { remoteError } from '../../sync/remote-error.ts';
import { user } from './common.ts';

export function registerTeamMembers(team: Command): void {
  team
    .command('members')
    .option('--json', 'print JSON')
    .description('List the members of the team')
    .action(async (flags: { json?: boolean }) => {
      const connection = await user();
      const { data, error, status } = await connection.client
        .from('team_members')
        .select('email, display_name, role, joined_at')
        .eq('team_id', await teamId(connection))
        .order('joined_at');
      if (error) throw remoteError(error, status);
      if (flags.json) return printJson(data);
      type Row = NonNullable<typeof data>[number];
      const table = renderTable<Row>(
        [
          { header: 'email', value: (m) => String(m.email), flexible: true },
          { header: 'name', value: (m) => String(m.display_name ?? ''), flexible: true },
          { header: 'role', value: (m) => String(m.role) },
          { header: 'joined', value: (m) => formatRelative(m.joined_at) },
        ],
        data ?? [],
        terminalWidth(),
      );
      process.stdout.write(`${table}\n`);
    });
}
