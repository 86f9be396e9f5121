/** `gstack team invite`: create a single-use invite code (admins). */
import type { Command } from 'commander';
import { printJson } from '../../cli/run.ts';
import { teamId } from '../../sync/connection.ts';
import { parseExpiry, role, rpc, user } from './common.ts';

export function registerTeamInvite(team: Command): void {
  team
    .command('invite')
    .option('--role <role>', 'admin or member', 'member')
    .option('--expires <duration>', 'e.g. 7d, 12h', '7d')
    .option('--email <email>', 'only this address can accept')
    .option('--json', 'print JSON')
    .description('Create a single-use invite code (admins)')
    .action(async (flags: { role: string; expires: string; email?: string; json?: boolean }) => {
      const connection = await user();
      const [invite] = await rpc<Array<{ invite_id: string; code: string; expires_at: string }>>(connection, 'create_invite', {
        p_team_id: await teamId(connection),
        p_role: role(flags.role),
        p_expires_in: parseExpiry(flags.expires),
        p_email: flags.email ?? null,
      });
      if (flags.json) return printJson(invite);
      process.stdout.write(
        `invite code (single use, expires ${invite?.expires_at}):\n  ${invite?.code}\njoin with: gstack team join ${invite?.code}\n`,
      );
    });
}
