/** `gstack team role`: change a member's role (admins). */
import type { Command } from 'commander';
import { printJson } from '../../cli/run.ts';
import { teamId } from '../../sync/connection.ts';
import { memberId, role, rpc, user } from './common.ts';

export function registerTeamRole(team: Command): void {
  team
    .command('role')
    .argument('<email>', "the member's email")
    .argument('<role>', 'admin or member')
    .option('--json', 'print JSON')
    .description("Change a member's role (admins)")
    .action(async (email: string, newRole: string, flags: { json?: boolean }) => {
      const connection = await user();
      const id = await teamId(connection);
      await rpc(connection, 'set_member_role', { p_team_id: id, p_user_id: await memberId(connection, id, email), p_role: role(newRole) });
      if (flags.json) return printJson({ email, role: newRole });
      process.stdout.write(`${email} is now ${newRole} of ${connection.team}\n`);
    });
}
