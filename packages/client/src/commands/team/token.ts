/** `gstack team token`: CI ingest tokens (admins): create, list, revoke. */
import type { Command } from 'commander';
import { printJson } from '../../cli/run.ts';
import { renderTable, terminalWidth } from '../../cli/table.ts';
import { formatRelative } from '../../cli/term.ts';
import { UserError } from '../../errors.ts';
import { teamId } from '../../sync/connection.ts';
import { remoteError } from '../../sync/remote-error.ts';
import { requireAdmin, rpc, user } from './common.ts';

export function registerTeamToken(team: Command): void {
  const token = team.command('token').description('CI ingest tokens (admins): push-only credentials for CI');
  token
    .command('create')
    .argument('<name>', 'what it is for, e.g. github-actions')
    .option('--json', 'print JSON')
    .action(async (name: string, flags: { json?: boolean }) => {
      const connection = await user();
      const id = await teamId(connection);
      await requireAdmin(connection, id, 'create CI tokens');
      const [created] = await rpc(connection, 'create_team_token', {
        p_team_id: id,
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
      const id = await teamId(connection);
      // Members see no rows (the policies hide tokens from them): say why instead of printing nothing.
      await requireAdmin(connection, id, 'list CI tokens');
      const { data, error, status } = await connection.client
        .from('team_tokens')
        .select('name, token_prefix, created_at, last_used_at, revoked_at')
        .eq('team_id', id)
        .order('created_at');
      if (error) throw remoteError(error, status);
      if (flags.json) return printJson(data);
      if (!data?.length) {
        process.stdout.write(`no CI tokens in ${connection.team} yet: gstack team token create NAME\n`);
        return;
      }
      type Row = (typeof data)[number];
      const table = renderTable<Row>(
        [
          { header: 'name', value: (t) => String(t.name), flexible: true },
          { header: 'prefix', value: (t) => `${t.token_prefix}…` },
          { header: 'created', value: (t) => formatRelative(t.created_at) },
          { header: 'last used', value: (t) => formatRelative(t.last_used_at) },
          { header: 'state', value: (t) => (t.revoked_at ? `revoked ${formatRelative(t.revoked_at)}` : 'active') },
        ],
        data,
        terminalWidth(),
      );
      process.stdout.write(`${table}\n`);
    });
  token
    .command('revoke')
    .argument('<name>', 'the token name')
    .option('--json', 'print JSON')
    .action(async (name: string, flags: { json?: boolean }) => {
      const connection = await user();
      const id = await teamId(connection);
      await requireAdmin(connection, id, 'revoke CI tokens');
      const revoked = await rpc(connection, 'revoke_team_token', { p_team_id: id, p_name: name });
      if (flags.json) return printJson({ name, revoked });
      if (!revoked) throw new UserError(`no active token named ${name}`, 1);
      process.stdout.write(`revoked ${name}\n`);
    });
}
