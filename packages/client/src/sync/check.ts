/**
 * Can a push happen right now? Reaches the store for real (a saved session
 * alone says nothing about the store being up): the user behind the session,
 * team membership, or for CI the ingest token. Used by `gstack-sync test` and
 * by `gstack eval run`, which warns at the end of a run whose push cannot land.
 */
import { type Connection, connect, SYNC_TIMEOUT_MS, teamId } from './connection.ts';
import { RemoteError, remoteError } from './remote-error.ts';
import { fetchWithTimeout } from './supabase.ts';

export interface Check {
  check: string;
  ok: boolean;
  detail: string;
}

export interface CheckOutcome {
  url?: string;
  checks: Check[];
  /** The connection, when the store answered (for further checks by the caller). */
  connection?: Connection;
}

const failed = (check: string, error: unknown): Check => ({
  check,
  ok: false,
  detail: error instanceof Error ? error.message : String(error),
});

/** Checks in order, stopping at the first failure: store, sign-in (or token), team. Never throws RemoteError. */
export async function checkConnection(cwd: string, env: NodeJS.ProcessEnv, timeoutMs?: number): Promise<CheckOutcome> {
  let connection: Connection;
  try {
    connection = await connect({ cwd, env, timeoutMs });
  } catch (error) {
    if (!(error instanceof RemoteError)) throw error;
    return { checks: [failed(error.kind === 'unreachable' ? 'store' : 'signed in', error)] };
  }
  const checks: Check[] = [];
  const outcome = { url: connection.url, checks };
  // First a plain request: supabase-js prints a stack trace of its own when auth cannot be reached.
  const down = await probeStore(connection, timeoutMs ?? SYNC_TIMEOUT_MS);
  if (down) return { ...outcome, checks: [failed('store', down)] };
  if (connection.mode === 'token') {
    // The token can only write: an empty payload is refused after the token is checked
    // (28000: revoked or unknown) and before anything is written (22023: bad payload).
    const { error, status } = await connection.client.rpc('ingest_eval_run', { p_token: connection.token, p_payload: {} });
    const classified = error ? remoteError(error, status) : undefined;
    if (classified?.kind === 'unreachable') return { ...outcome, checks: [failed('store', classified)] };
    checks.push({ check: 'store', ok: true, detail: `${connection.url} answered` });
    if (classified?.code === '28000') checks.push(failed('ci token', classified));
    else checks.push({ check: 'ci token', ok: true, detail: `valid for ${connection.team}; it can push, not read` });
    return outcome;
  }
  const { data, error } = await connection.client.auth.getUser();
  if (error) {
    const classified = remoteError(error, error.status);
    if (classified.kind === 'unreachable') return { ...outcome, checks: [failed('store', classified)] };
    checks.push({ check: 'store', ok: true, detail: `${connection.url} answered` });
    checks.push(failed('signed in', new Error(`the saved session was refused (${error.message}): run \`gstack-sync login\``)));
    return outcome;
  }
  checks.push({ check: 'store', ok: true, detail: `${connection.url} answered` });
  checks.push({ check: 'signed in', ok: true, detail: data.user?.email ?? '' });
  try {
    const id = await teamId(connection);
    const member = await connection.client
      .from('team_members')
      .select('role')
      .eq('team_id', id)
      .eq('user_id', data.user?.id ?? '');
    checks.push({ check: 'team', ok: true, detail: `${connection.team} (${member.data?.[0]?.role ?? 'member'})` });
  } catch (error) {
    checks.push(failed('team', error));
    return outcome;
  }
  return { ...outcome, connection };
}

/** Returns why the store's auth endpoint did not answer, or undefined when it did. */
async function probeStore(connection: Connection, timeoutMs: number): Promise<RemoteError | undefined> {
  try {
    const response = await fetchWithTimeout(timeoutMs)(`${connection.url}/auth/v1/health`, {
      headers: { apikey: connection.config.anonKey?.value ?? '' },
    });
    await response.body?.cancel();
    if (response.status >= 500) return new RemoteError('unreachable', `the team store is unreachable: HTTP ${response.status}`);
  } catch (error) {
    return remoteError(error as Error);
  }
  return undefined;
}
