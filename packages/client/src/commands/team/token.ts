/** `gstack team token`: CI ingest tokens (admins): create, list, revoke. */
import type { Command } from 'commander';
import { printJson } from '../../cli/run.ts';
import { UserError } from '../../errors.ts';
import { teamId } from '../../sync/connection.ts';
import { remoteError } from '../../sync/remote-error.ts';
import { rpc, user } from './common.ts';

export function registerTeamToken(team: Command): void {
  const token = team.command('token').description('CI ingest tokens (admins): push-only credentials for CI');
  token
    .command('create')
    .argument('<name>', 'what it is for, e.g. github-actions')
    .option('--json', 'print JSON')
    .action(async (name: string, flags: { json?: boolean }) => {
      const connection = await user();
      const [created] = await rpc<Array<{ token_id: string; token: string }>>(connection, 'create_team_token', {
        p_team_id: await teamId(connection),
        p_name: name,
      });
      if (flags.json) return printJson(created);
      process.stdout.write(`token ${name} (shown once; store it as the CI secret GSTACK_SYNC_TOKEN):\n  ${created?.token}\n`);
    });
  token
    .command('list')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      const connection = await user();
      const { data, error, status } = await connection.client
        .from('team_tokens')
        .select('name, token_prefix, created_at, last_used_at, revoked_at')
        .eq('team_id', await teamId(connection))
        .order('created_at');
      if (error) throw remoteError(error, status);
      if (flags.json) return printJson(data);
      for (const t of data ?? []) {
        process.stdout.write(
          `${String(t.name).padEnd(24)} ${t.token_prefix}…  ${t.revoked_at ? 'revoked' : `last used ${t.last_used_at ?? 'never'}`}\n`,
        );
      }
    });
  token
    .command('revoke')
    .argument('<name>', 'the token name')
    .option('--json', 'print JSON')
    .action(async (name: string, flags: { json?: boolean }) => {
      const connection = await user();
      const revoked = await rpc<boolean>(connection, 'revoke_team_token', { p_team_id: await teamId(connection), p_name: name });
      if (flags.json) return printJson({ name, revoked });
      if (!revoked) throw new UserError(`no active token named ${name}`, 1);
      process.stdout.write(`revoked ${name}\n`);
    });
}
