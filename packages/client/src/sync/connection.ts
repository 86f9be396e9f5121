/**
 * A connection to the team store: the configured URL and key, and either the
 * signed-in user's session (from auth.json, refreshed by supabase-js when it
 * nears expiry) or, in CI, an ingest token that can push and nothing else.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Env } from '../state-dir.ts';
import type { AuthStore } from './auth-store.ts';
import { requireConfig, type SyncConfig } from './config.ts';
import { authStore } from './local-state.ts';
import { RemoteError, remoteError } from './remote-error.ts';
import { createSupabase } from './supabase.ts';

// Defined where they need no network client (status loads them alone); imported from here by older callers.
export { authStore, requireConfig };

/** Every request to the store gives up after this long; a push then queues. */
export const SYNC_TIMEOUT_MS = 5000;

export interface Connection {
  config: SyncConfig;
  url: string;
  team: string;
  client: SupabaseClient;
  mode: 'user' | 'token';
  token?: string;
  user?: { id: string; email: string };
  auth: AuthStore;
}

/** A client for the configured store with the saved session (if any) loaded. */
export function storeClient(
  config: ReturnType<typeof requireConfig>,
  env: Env,
  timeoutMs = SYNC_TIMEOUT_MS,
): { client: SupabaseClient; auth: AuthStore } {
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
}

export async function connect(options: ConnectOptions): Promise<Connection> {
  const config = requireConfig(options.cwd, options.env);
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

/** The id of the configured team, which the user must belong to. */
export async function teamId(connection: Connection, slug = connection.team): Promise<string> {
  // No client-side retries: a push must give up within its timeout and queue instead.
  const { data, error, status } = await connection.client.from('teams').select('id').eq('slug', slug).retry(false).maybeSingle();
  if (error) throw remoteError(error, status);
  if (!data)
    throw new RemoteError('refused', `team "${slug}" not found, or you are not a member (ask an admin for an invite: gstack team invite)`);
  return data.id as string;
}
