/**
 * A connection to the team store: the configured URL and key, and either the
 * signed-in user's session (from auth.json, refreshed by supabase-js when it
 * nears expiry) or, in CI, an ingest token that can push and nothing else.
 */
import type { Env } from '../state-dir.ts';
import type { AuthStore } from './auth-store.ts';
import { type RequiredSyncConfig, requireConfig, type SyncConfig } from './config.ts';
import { authStore } from './local-state.ts';
import { RemoteError, remoteError } from './remote-error.ts';
import type { StoreClient } from './supabase.ts';
import { createSupabase } from './supabase.ts';

export type { RequiredSyncConfig };
// Defined where they need no network client (status loads them alone); imported from here by older callers.
export { authStore, requireConfig };

/** Every request to the store gives up after this long; a push then queues. */
export const SYNC_TIMEOUT_MS = 5000;

interface ConnectionBase {
  config: SyncConfig;
  url: string;
  team: string;
  client: StoreClient;
  auth: AuthStore;
}

/** A signed-in person (RLS-scoped reads and writes), or a CI ingest token that can push eval runs and nothing else. */
export type Connection =
  | (ConnectionBase & { mode: 'user'; user: { id: string; email: string }; token?: undefined })
  | (ConnectionBase & { mode: 'token'; token: string; user?: undefined });

/** A client for the configured store with the saved session (if any) loaded. */
export function storeClient(config: RequiredSyncConfig, env: Env, timeoutMs = SYNC_TIMEOUT_MS): { client: StoreClient; auth: AuthStore } {
  const auth = authStore(env);
  const client = createSupabase({
    url: config.supabaseUrl.value,
    key: config.anonKey.value,
    storage: auth.storageFor(config.supabaseUrl.value),
    timeoutMs,
  });
  return { client, auth };
}

export interface ConnectOptions {
  cwd: string;
  env: Env;
  /** Refuse the CI token: the command needs a person (team management, reads). */
  requireUser?: boolean;
  timeoutMs?: number;
  /** The config already read by the caller (a push reads it once); read from cwd/env when omitted. */
  config?: RequiredSyncConfig;
}

export async function connect(options: ConnectOptions): Promise<Connection> {
  const config = options.config ?? requireConfig(options.cwd, options.env);
  const url = config.supabaseUrl.value;
  const { client, auth } = storeClient(config, options.env, options.timeoutMs);
  const base = { config, url, team: config.team.value, client, auth };
  if (config.syncToken && !options.requireUser) return { ...base, mode: 'token', token: config.syncToken.value };
  let session: Awaited<ReturnType<typeof client.auth.getSession>>;
  // Refreshing an expired session retries on its own for up to half a minute; the sync budget is shorter.
  const budget = options.timeoutMs ?? SYNC_TIMEOUT_MS;
  const timeout = new Promise<never>((_, reject) => {
    setTimeout(() => reject(new RemoteError('unreachable', `the team store did not answer within ${budget} ms`)), budget).unref();
  });
  try {
    session = await Promise.race([client.auth.getSession(), timeout]);
  } catch (error) {
    throw error instanceof RemoteError ? error : remoteError(error as Error);
  }
  if (session.error) {
    const kind = remoteError(session.error, session.error.status);
    if (kind.kind === 'unreachable') throw kind;
  }
  const user = session.data.session?.user;
  if (!user) {
    throw new RemoteError(
      'refused',
      config.syncToken
        ? 'this command needs a signed-in person, not the CI token: run `gstack-sync login`'
        : `not signed in to ${url}: run \`gstack-sync login\``,
    );
  }
  return { ...base, mode: 'user', user: { id: user.id, email: user.email ?? '' } };
}

/** What looking up a connection's team gave: its id, or why not (supabase-js style, never thrown). */
export type TeamIdResult = { data: string; error: null } | { data: null; error: RemoteError };

/** The one team-id cache: per connection, so every caller (push, heartbeat, team commands, analytics) asks once. */
const teamIds = new WeakMap<Connection, Promise<TeamIdResult>>();

/**
 * The id of the configured team, which the user must belong to, looked up once
 * per connection. A failed lookup is not remembered, so a later call retries.
 */
export function resolveTeamId(connection: Connection): Promise<TeamIdResult> {
  let lookup = teamIds.get(connection);
  if (!lookup) {
    lookup = lookupTeamId(connection).then((result) => {
      if (result.error) teamIds.delete(connection);
      return result;
    });
    teamIds.set(connection, lookup);
  }
  return lookup;
}

async function lookupTeamId(connection: Connection): Promise<TeamIdResult> {
  // No client-side retries: a push must give up within its timeout and queue instead.
  const { data, error, status } = await connection.client
    .from('teams')
    .select('id')
    .eq('slug', connection.team)
    .retry(false)
    .maybeSingle()
    .then(
      (response) => response,
      (thrown: Error) => ({ data: null, error: thrown, status: undefined }),
    );
  if (error) return { data: null, error: remoteError(error, status) };
  if (!data)
    return {
      data: null,
      error: new RemoteError(
        'refused',
        `team "${connection.team}" not found, or you are not a member (ask an admin for an invite: gstack team invite)`,
      ),
    };
  return { data: data.id, error: null };
}

/** `resolveTeamId` for commands that stop at the first error: throws the RemoteError. */
export async function teamId(connection: Connection): Promise<string> {
  const { data, error } = await resolveTeamId(connection);
  if (error) throw error;
  return data;
}
