/**
 * The database as the alert functions see it: PostgREST RPCs with the
 * service role (machine callers only, after `callerOf` said so), and the
 * signed-in user's own view (RLS applies) for admin checks.
 */
import type { Rpc } from './core.ts';

function env(name: string): string {
  const value = Deno.env.get(name);
  if (!value) throw new Error(`${name} is not set in the function's environment`);
  return value;
}

async function call<T>(path: string, init: RequestInit, key: string, bearer: string): Promise<T> {
  const res = await fetch(`${env('SUPABASE_URL')}/rest/v1/${path}`, {
    ...init,
    headers: { apikey: key, authorization: `Bearer ${bearer}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  if (!res.ok) {
    let message = text.slice(0, 300);
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? message;
    } catch {
      // not JSON: keep the text
    }
    throw new Error(`${path.split('?')[0]} answered ${res.status}: ${message}`);
  }
  return (text ? JSON.parse(text) : null) as T;
}

/** RPCs with the service role. */
export const serviceRpc: Rpc = <T>(name: string, args: Record<string, unknown>) => {
  const key = env('SUPABASE_SERVICE_ROLE_KEY');
  return call<T>(`rpc/${name}`, { method: 'POST', body: JSON.stringify(args) }, key, key);
};

/** The user's id when `jwt` is a valid session of this project, else null. */
export async function userOf(jwt: string): Promise<string | null> {
  const res = await fetch(`${env('SUPABASE_URL')}/auth/v1/user`, {
    headers: { apikey: env('SUPABASE_ANON_KEY'), authorization: `Bearer ${jwt}` },
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) {
    await res.body?.cancel();
    return null;
  }
  const user = (await res.json()) as { id?: string };
  return user.id ?? null;
}

/** True when the signed-in user is an admin of the team (read through RLS with their own token). */
export async function isTeamAdmin(jwt: string, userId: string, teamId: string): Promise<boolean> {
  const rows = await call<Array<{ role: string }>>(
    `team_members?select=role&team_id=eq.${encodeURIComponent(teamId)}&user_id=eq.${encodeURIComponent(userId)}`,
    { method: 'GET' },
    env('SUPABASE_ANON_KEY'),
    jwt,
  );
  return rows.some((r) => r.role === 'admin');
}
