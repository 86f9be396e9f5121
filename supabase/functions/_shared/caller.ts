/**
 * Who is calling: a machine caller with the service role (the database
 * webhook, pg_cron, the local stack's dispatcher) proves it with the
 * service-role key (legacy JWT or an `sb_secret_` key) as bearer or apikey,
 * or with the shared secret ALERTS_SHARED_SECRET in `x-gstack-alerts-secret`;
 * a person with their session JWT. Anything else is nobody (401).
 */
import { sinkAllowHosts } from './core.ts';
import { userOf } from './store.ts';

export type Caller = { kind: 'service' } | { kind: 'user'; jwt: string; userId: string } | { kind: 'none' };

/** Compares secrets in time independent of where they differ. */
function same(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

function serviceKeys(): string[] {
  const keys = [Deno.env.get('SUPABASE_SERVICE_ROLE_KEY') ?? ''];
  try {
    keys.push(...Object.values(JSON.parse(Deno.env.get('SUPABASE_SECRET_KEYS') ?? '{}') as Record<string, string>));
  } catch {
    // unreadable: only the legacy key counts
  }
  return keys.filter((k) => typeof k === 'string' && k.length > 0);
}

export async function callerOf(req: Request): Promise<Caller> {
  const shared = Deno.env.get('ALERTS_SHARED_SECRET');
  const given = req.headers.get('x-gstack-alerts-secret');
  if (shared && given && same(given, shared)) return { kind: 'service' };
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.get('authorization') ?? '')?.[1]?.trim();
  const apikey = req.headers.get('apikey') ?? undefined;
  const keys = serviceKeys();
  if (bearer && keys.some((k) => same(bearer, k))) return { kind: 'service' };
  // An sb_secret_ key goes in apikey only; the gateway may then put a role JWT in Authorization.
  if (apikey && keys.some((k) => same(apikey, k)) && (!bearer || keys.some((k) => same(bearer, k)))) return { kind: 'service' };
  if (bearer && bearer.split('.').length === 3) {
    const userId = await userOf(bearer).catch(() => null);
    if (userId) return { kind: 'user', jwt: bearer, userId };
  }
  return { kind: 'none' };
}

/** Extra Slack hosts allowed here: the local stack's sink (SLACK_SINK_URL is set by the local stack only). */
export function allowHosts(): string[] {
  return sinkAllowHosts(Deno.env.get('SLACK_SINK_URL'));
}
