/** `gstack team purge-verdicts`: delete every shared judge verdict one member or one CI token wrote (admins). */
import type { Command } from 'commander';
import { printJson } from '../../cli/run.ts';
import { countOf } from '../../cli/term.ts';
import { UserError } from '../../errors.ts';
import { teamId } from '../../sync/connection.ts';
import { memberId, requireAdmin, rpc, user } from './common.ts';

export function registerTeamPurgeVerdicts(team: Command): void {
  team
    .command('purge-verdicts')
    .argument('[email]', 'the member whose verdicts go')
    .option('--token <name>', 'the CI token whose verdicts go, instead of a member')
    .option('--json', 'print JSON')
    .description("Delete the team judge cache's verdicts written by one member or CI token (admins)")
    .action(async (email: string | undefined, flags: { token?: string; json?: boolean }) => {
      // Checked before the network: exactly one writer (exit 2 otherwise).
      if (Boolean(email) === Boolean(flags.token)) throw new UserError("name one writer: a member's email, or --token NAME");
      const connection = await user();
      const id = await teamId(connection);
      await requireAdmin(connection, id, 'purge judge verdicts');
      const writer = email ? { p_user_id: await memberId(connection, id, email) } : { p_token_name: flags.token };
      const purged = await rpc(connection, 'purge_judge_verdicts', { p_team_id: id, ...writer });
      const who = email ?? `CI token ${flags.token}`;
      if (flags.json) return printJson({ team: connection.team, writer: who, purged });
      process.stdout.write(`purged ${countOf(purged, 'verdict')} written by ${who} from ${connection.team}'s judge cache\n`);
    });
}
