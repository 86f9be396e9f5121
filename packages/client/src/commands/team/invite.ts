/** `gstack team invite`: create a single-use invite code (admins). */
import { emailSchema } from '@gstack/core';
import type { Command } from 'commander';
import { printJson } from '../../cli/run.ts';
import { UserError } from '../../errors.ts';
import { teamId } from '../../sync/connection.ts';
import { parseExpiry, requireAdmin, role, rpc, user } from './common.ts';

export function registerTeamInvite(team: Command): void {
  team
    .command('invite')
    .option('--role <role>', 'admin or member', 'member')
    .option('--expires <duration>', 'e.g. 7d, 12h', '7d')
    .option('--email <email>', 'only this address can accept')
    .option('--json', 'print JSON')
    .description('Create a single-use invite code (admins)')
    .action(async (flags: { role: string; expires: string; email?: string; json?: boolean }) => {
      // Every flag is checked before the network: a typo is a usage error (exit 2), whoever runs it.
      const args = { p_role: role(flags.role, '--role'), p_expires_in: parseExpiry(flags.expires), p_email: inviteEmail(flags.email) };
      const connection = await user();
      const id = await teamId(connection);
      await requireAdmin(connection, id, 'invite people');
      const [invite] = await rpc(connection, 'create_invite', {
        p_team_id: id,
        ...args,
      });
      if (flags.json) return printJson(invite);
      process.stdout.write(
        `invite code (single use, expires ${invite?.expires_at}):\n  ${invite?.code}\njoin with: gstack team join ${invite?.code}\n`,
      );
    });
}

function inviteEmail(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const parsed = emailSchema.safeParse(value);
  if (!parsed.success) throw new UserError(`--email must be an email address such as ada@example.com, not ${JSON.stringify(value)}`);
  return parsed.data;
}
