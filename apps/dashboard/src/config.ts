/**
 * What the dashboard needs to run, injected by its entry (Node or Deno) so the
 * app itself reads no environment: where Supabase is, which public key to use,
 * how cookies are set, and which sign-in providers to offer.
 */
import { normalizeAddress } from '@gstack/core';
import { z } from 'zod';

export const dashboardConfigSchema = z.object({
  /** The Supabase API URL the server calls (REST, Auth). */
  supabaseUrl: z.url(),
  /** The publishable or anon key. Never a secret key: every read uses the signed-in user's JWT. */
  supabaseKey: z.string().min(1),
  /**
   * The dashboard's public origin (https://dash.example.com). Used for the OAuth callback URL and
   * the CSRF origin check; when absent both come from the request's own URL.
   */
  siteOrigin: z.url().optional(),
  /** OAuth providers offered as "Continue with <provider>" (Supabase provider names, e.g. github). */
  providers: z.array(z.string().regex(/^[a-z0-9_-]+$/)).default([]),
  /** Secure cookies; defaults to true when siteOrigin is https. */
  cookieSecure: z.boolean().optional(),
  /** A path prefix when the app is mounted below the host's root (the edge function: /dashboard). */
  basePath: z
    .string()
    .regex(/^(\/[A-Za-z0-9_-]+)*$/)
    .default(''),
  /**
   * The path prefix browsers see, when a proxy adds one before basePath (hosted edge functions are
   * at /functions/v1/dashboard but receive /dashboard). Defaults to basePath.
   */
  publicPath: z
    .string()
    .regex(/^(\/[A-Za-z0-9_-]+)*$/)
    .optional(),
  /**
   * Addresses of the proxies in front of the dashboard whose X-Forwarded-For names the visitor; `*`
   * believes any peer (the edge function, reachable only through Supabase's gateway). Default none:
   * the socket's peer is the visitor.
   */
  trustedProxies: z
    .array(z.string().refine((v) => v === '*' || normalizeAddress(v) !== undefined, { error: 'an IP address, or * for any peer' }))
    .default([]),
  /**
   * A header in which a trusted proxy puts the visitor's address alone (`cf-connecting-ip`,
   * `x-real-ip`), read instead of walking X-Forwarded-For when the proxy chain's own addresses
   * are not known. Believed only from a trusted proxy, like X-Forwarded-For.
   */
  clientAddressHeader: z
    .string()
    .regex(/^[a-z0-9-]+$/i)
    .optional(),
  /** Sign-in attempts per 5 minutes, per visitor address and per address and email together. */
  signInLimit: z
    .object({ perAddress: z.number().int().positive(), perAddressAndEmail: z.number().int().positive() })
    .default({ perAddress: 30, perAddressAndEmail: 10 }),
});

export type DashboardConfigInput = z.input<typeof dashboardConfigSchema>;
export type DashboardConfig = z.output<typeof dashboardConfigSchema> & {
  /** The realtime transport for runtimes without a global WebSocket (Node 20); opaque to the app. */
  realtimeTransport?: unknown;
};

const SECRET_KEY = /^sb_secret_/;

/** Parses the entry's configuration; throws an Error naming the field when it is wrong. */
export function parseDashboardConfig(input: DashboardConfigInput & { realtimeTransport?: unknown }): DashboardConfig {
  const parsed = dashboardConfigSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`dashboard configuration: ${issue?.path.join('.') || 'config'}: ${issue?.message}`);
  }
  if (SECRET_KEY.test(parsed.data.supabaseKey) || /service_role/.test(jwtRole(parsed.data.supabaseKey))) {
    throw new Error('dashboard configuration: supabaseKey: use the publishable (or anon) key, never a secret or service key');
  }
  return { ...parsed.data, realtimeTransport: input.realtimeTransport };
}

/** The role claim of a legacy JWT key, or '' for anything else. */
function jwtRole(key: string): string {
  const payload = key.split('.')[1];
  if (!payload) return '';
  try {
    return String(JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))).role ?? '');
  } catch {
    return '';
  }
}
