/** `gstack team remove`: remove a member (admins) or leave the team. */
import type { Command } from 'commander';
import { printJson } from '../../cli/run.ts';
import { teamId } from '../../sync/connection.ts';
import { memberId, rpc, user } from './common.ts';

export function registerTeamRemove(team: Command): void {
  team
    .command('remove')
    .argument('<email>', "the member's email")
    .option('--json', 'print JSON')
    .description('Remove a member (admins), or yourself (leave)')
    .action(async (email: string, flags: { json?: boolean }) => {
      const connection = await user();
      const id = await teamId(connection);
      await rpc(connection, 'remove_member', { p_team_id: id, p_user_id: await memberId(connection, id, email) });
      if (flags.json) return printJson({ removed: email });
      process.stdout.write(`removed ${email} from ${connection.team}\n`);
    });
}
