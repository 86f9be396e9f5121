/** Shared by the `gstack team` subcommands: the signed-in connection, RPC calls, member and argument lookups. */
import { UserError } from '../../errors.ts';
import { type Connection, connect } from '../../sync/connection.ts';
import { remoteError } from '../../sync/remote-error.ts';

/** The connection of the signed-in user (team commands always act as a person). */
export const user = () => connect({ cwd: process.cwd(), env: process.env, requireUser: true });

/** Calls an RPC; a refusal becomes a RemoteError with the store's reason. */
export async function rpc<T>(connection: Connection, fn: string, args: Record<string, unknown>): Promise<T> {
  const { data, error, status } = await connection.client.rpc(fn, args);
  if (error) throw remoteError(error, status);
  return data as T;
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
  return data.user_id as string;
}

/** `7d`, `12h`, `30m` → a Postgres interval. */
export function parseExpiry(value: string): string {
  const match = /^(\d+)\s*([dhm])$/.exec(value.trim());
  if (!match) throw new UserError(`--expires must look like 7d, 12h or 30m, not ${JSON.stringify(value)}`);
  const unit = { d: 'days', h: 'hours', m: 'minutes' }[match[2] as 'd' | 'h' | 'm'];
  return `${match[1]} ${unit}`;
}

/** `admin` or `member`, else a usage error. */
export function role(value: string): 'admin' | 'member' {
  if (value !== 'admin' && value !== 'member') throw new UserError(`role must be admin or member, not ${JSON.stringify(value)}`);
  return value;
}
