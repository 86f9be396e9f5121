/** `gstack team join`: accept an invite code. */
import type { Command } from 'commander';
import { printJson } from '../../cli/run.ts';
import { rpc, user } from './common.ts';

export function registerTeamJoin(team: Command): void {
  team
    .command('join')
    .argument('<code>', 'an invite code (gsi_...)')
    .option('--json', 'print JSON')
    .description('Join a team with an invite code')
    .action(async (code: string, flags: { json?: boolean }) => {
      const connection = await user();
      const id = await rpc(connection, 'accept_invite', { p_code: code });
      const { data } = await connection.client.from('teams').select('slug, name').eq('id', id).single();
      if (flags.json) return printJson({ team_id: id, ...data });
      process.stdout.write(`joined ${data?.slug ?? id}\n`);
    });
}
