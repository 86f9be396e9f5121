/** Shared by the `gstack team` subcommands: the signed-in connection, RPC calls, member and argument lookups. */
import type { Database } from '@gstack/core';
import { UserError } from '../../errors.ts';
import { type Connection, connect } from '../../sync/connection.ts';
import { RemoteError, remoteError } from '../../sync/remote-error.ts';

/** The connection of the signed-in user (team commands always act as a person). */
export const user = () => connect({ cwd: process.cwd(), env: process.env, requireUser: true });

type Functions = Database['public']['Functions'];

/**
 * Calls an RPC; a refusal becomes a RemoteError with the store's reason. The
 * name, arguments and result are typed by the generated schema, so a renamed
 * RPC or argument is a compile error here, not a runtime refusal.
 */
export async function rpc<Fn extends keyof Functions>(
  connection: Connection,
  fn: Fn,
  args: Functions[Fn]['Args'],
): Promise<Functions[Fn]['Returns']> {
  const { data, error, status } = await connection.client.rpc(fn, args as never);
  if (error) throw remoteError(error, status);
  return data as Functions[Fn]['Returns'];
}

/** The user id of a team member by email, or a UserError naming the command that lists members. */
export async function memberId(connection: Connection, team: string, email: string): Promise<string> {
  const { data, error, status } = await connection.client
    .from('team_members')
    .select('user_id')
    .eq('team_id', team)
    .eq('email', email.trim().toLowerCase())
    .maybeSingle();
  if (error) throw remoteError(error, status);
  if (!data) throw new UserError(`${email} is not a member of ${connection.team} (gstack team members lists them)`);
  return data.user_id;
}

/**
 * Refuses (exit 1) unless the signed-in user is an admin of the team, with a
 * sentence saying so: the store's own refusal would be a row-level-security
 * error, or for reads no rows at all, which reads as "there are none".
 */
export async function requireAdmin(connection: Connection, team: string, action: string): Promise<void> {
  const { data, error, status } = await connection.client
    .from('team_members')
    .select('role')
    .eq('team_id', team)
    .eq('user_id', connection.user?.id ?? '')
    .maybeSingle();
  if (error) throw remoteError(error, status);
  if (data?.role !== 'admin')
    throw new RemoteError(
      'refused',
      `only an admin of ${connection.team} can ${action}; you are a ${data?.role ?? 'non-member'} (gstack team members lists the admins)`,
    );
}

/** The longest an invite may live; the store refuses longer ones too. */
const MAX_INVITE_MINUTES = 90 * 24 * 60;

/** `7d`, `12h`, `30m` (at most 90 days) → a Postgres interval. */
export function parseExpiry(value: string): string {
  const match = /^(\d+)\s*([dhm])$/.exec(value.trim());
  if (!match) throw new UserError(`--expires must look like 7d, 12h or 30m, not ${JSON.stringify(value)}`);
  const unit = match[2] as 'd' | 'h' | 'm';
  const minutes = Number(match[1]) * { d: 1440, h: 60, m: 1 }[unit];
  if (minutes <= 0 || minutes > MAX_INVITE_MINUTES) throw new UserError(`--expires must be more than 0 and at most 90d, not ${value}`);
  return `${match[1]} ${{ d: 'days', h: 'hours', m: 'minutes' }[unit]}`;
}

/** `admin` or `member`, else a usage error. */
export function role(value: string, label = 'role'): 'admin' | 'member' {
  if (value !== 'admin' && value !== 'member') throw new UserError(`${label} must be admin or member, not ${JSON.stringify(value)}`);
  return value;
}
