/**
 * `gstack team`: create a team, invite and join, members and roles, settings
 * (Slack webhook, alert threshold, digest), CI ingest tokens. Every change is an
 * RPC or a row the store's policies allow; refusals exit 1 with the reason.
 */
import { teamSlugSchema } from '@gstack/core';
import type { Command } from 'commander';
import { printJson } from '../../cli/run.ts';
import { UserError } from '../../errors.ts';
import { type Connection, connect, teamId } from '../../sync/connection.ts';
import { remoteError } from '../../sync/remote-error.ts';
import { registerAlertCommands } from './alerts.ts';

const user = () => connect({ cwd: process.cwd(), env: process.env, requireUser: true });

async function rpc<T>(connection: Connection, fn: string, args: Record<string, unknown>): Promise<T> {
  const { data, error, status } = await connection.client.rpc(fn, args);
  if (error) throw remoteError(error, status);
  return data as T;
}

async function memberId(connection: Connection, team: string, email: string): Promise<string> {
  const { data, error, status } = await connection.client
    .from('team_members')
    .select('user_id')
    .eq('team_id', team)
    .eq('email', email.trim().toLowerCase())
    .maybeSingle();
  if (error) throw remoteError(error, status);
  if (!data) throw new UserError(`${email} is not a member of ${connection.team} (gstack team members lists them)`);
  return data.user_id as string;
}

/** `7d`, `12h`, `30m` → a Postgres interval. */
export function parseExpiry(value: string): string {
  const match = /^(\d+)\s*([dhm])$/.exec(value.trim());
  if (!match) throw new UserError(`--expires must look like 7d, 12h or 30m, not ${JSON.stringify(value)}`);
  const unit = { d: 'days', h: 'hours', m: 'minutes' }[match[2] as 'd' | 'h' | 'm'];
  return `${match[1]} ${unit}`;
}

function role(value: string): 'admin' | 'member' {
  if (value !== 'admin' && value !== 'member') throw new UserError(`role must be admin or member, not ${JSON.stringify(value)}`);
  return value;
}

export function registerTeam(program: Command): void {
  const team = program.command('team').description('Create and manage your team (needs gstack-sync setup and login)');

  team
    .command('create')
    .argument('<slug>', 'lowercase letters, digits and hyphens')
    .option('--name <name>', 'display name')
    .option('--json', 'print JSON')
    .description('Create a team; you become its admin')
    .action(async (slug: string, flags: { name?: string; json?: boolean }) => {
      const parsed = teamSlugSchema.safeParse(slug);
      if (!parsed.success) throw new UserError(`slug: ${parsed.error.issues[0]?.message}`);
      const connection = await user();
      const created = await rpc<{ id: string; slug: string; name: string }>(connection, 'create_team', {
        p_slug: slug,
        p_name: flags.name ?? null,
      });
      if (flags.json) return printJson(created);
      process.stdout.write(`created team ${created.slug} (${created.name}); you are its admin\n`);
      if (connection.team !== slug)
        process.stdout.write(`to sync with it, set team_slug to ${slug} in .gstack-sync.json (gstack-sync setup --team ${slug} ...)\n`);
    });

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
      for (const m of data ?? [])
        process.stdout.write(`${String(m.email).padEnd(32)} ${String(m.display_name ?? '').padEnd(20)} ${m.role}\n`);
    });

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

  team
    .command('join')
    .argument('<code>', 'an invite code (gsi_...)')
    .option('--json', 'print JSON')
    .description('Join a team with an invite code')
    .action(async (code: string, flags: { json?: boolean }) => {
      const connection = await user();
      const id = await rpc<string>(connection, 'accept_invite', { p_code: code });
      const { data } = await connection.client.from('teams').select('slug, name').eq('id', id).single();
      if (flags.json) return printJson({ team_id: id, ...data });
      process.stdout.write(`joined ${data?.slug ?? id}\n`);
    });

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

  team
    .command('set')
    .argument('<setting>', 'slack-webhook | alert-threshold | digest-enabled | dashboard-url')
    .argument('<value>', 'a URL, a percentage (points), or true|false')
    .option('--json', 'print JSON')
    .description('Change a team setting (admins)')
    .action(async (setting: string, value: string, flags: { json?: boolean }) => {
      let change: Record<string, unknown>;
      if (setting === 'slack-webhook') {
        if (!/^https?:\/\/\S+$/.test(value)) throw new UserError('slack-webhook must be an http(s) URL');
        change = { slack_webhook_url: value };
      } else if (setting === 'alert-threshold') {
        const n = Number(value);
        if (!Number.isFinite(n) || n <= 0 || n > 100)
          throw new UserError('alert-threshold must be percentage points, more than 0 and at most 100');
        change = { alert_threshold_pp: n };
      } else if (setting === 'dashboard-url') {
        if (!/^https?:\/\/\S+$/.test(value)) throw new UserError('dashboard-url must be an http(s) URL (alerts link to <url>/runs/<id>)');
        change = { dashboard_url: value };
      } else if (setting === 'digest-enabled') {
        if (value !== 'true' && value !== 'false') throw new UserError('digest-enabled must be true or false');
        change = { digest_enabled: value === 'true' };
      } else
        throw new UserError(`unknown setting ${JSON.stringify(setting)}: slack-webhook, alert-threshold, digest-enabled or dashboard-url`);
      const connection = await user();
      const { error, status } = await connection.client
        .from('team_settings')
        .upsert(
          { team_id: await teamId(connection), ...change, updated_by: connection.user?.id, updated_at: new Date().toISOString() },
          { onConflict: 'team_id' },
        );
      if (error) throw remoteError(error, status);
      if (flags.json) return printJson({ team: connection.team, ...change });
      process.stdout.write(`${setting} set for ${connection.team}\n`);
    });

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

  registerAlertCommands(team);
}
