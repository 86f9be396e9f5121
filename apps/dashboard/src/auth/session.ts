/**
 * Cookie sessions through @supabase/ssr: one supabase-js client per request,
 * reading the session from the request's cookies (getAll) and writing refreshed
 * or cleared sessions back by appending Set-Cookie headers (setAll), never
 * overwriting another cookie. Cookies are httpOnly (no browser code needs
 * them), SameSite=Lax (the CSRF baseline) and Secure on https.
 */
import type { Database } from '@gstack/core';
import { type CookieOptions, createServerClient } from '@supabase/ssr';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { DashboardConfig } from '../config.ts';
import type { DashboardClient, DashboardEnv } from '../env.ts';
import { DashboardError } from '../errors.ts';
import { publicPath } from '../ui/layout.ts';

/** Attaches `supabase` (this request's client) to the context. */
export function sessionMiddleware(config: DashboardConfig): MiddlewareHandler<DashboardEnv> {
  return async (c, next) => {
    c.set('config', config);
    c.set('supabase', serverClient(c, config));
    await next();
  };
}

function serverClient(c: Context<DashboardEnv>, config: DashboardConfig): DashboardClient {
  const secure = config.cookieSecure ?? (config.siteOrigin ?? c.req.url).startsWith('https:');
  return createServerClient<Database>(config.supabaseUrl, config.supabaseKey, {
    cookieOptions: { httpOnly: true, sameSite: 'lax', secure, path: publicPath(config) || '/' },
    cookies: {
      getAll: () => Object.entries(getCookie(c)).map(([name, value]) => ({ name, value })),
      setAll: (cookies, headers) => {
        for (const { name, value, options } of cookies) setCookie(c, name, value, honoCookieOptions(options));
        // @supabase/ssr asks for no-store on responses that carry a session.
        for (const [key, value] of Object.entries(headers ?? {})) c.header(key, value);
      },
    },
    auth: { flowType: 'pkce', autoRefreshToken: false, detectSessionInUrl: false },
    // Auth limits sign-ins and refreshes per address: it must see the visitor's, not the dashboard's.
    ...(c.var.clientAddress ? { global: { headers: { 'sb-forwarded-for': c.var.clientAddress } } } : {}),
    ...(config.realtimeTransport ? { realtime: { transport: config.realtimeTransport as never } } : {}),
  });
}

function honoCookieOptions(options: CookieOptions): Parameters<typeof setCookie>[3] {
  const sameSite = typeof options.sameSite === 'string' ? options.sameSite : options.sameSite ? 'strict' : undefined;
  return {
    path: options.path,
    domain: options.domain,
    maxAge: options.maxAge,
    expires: options.expires,
    httpOnly: options.httpOnly,
    secure: options.secure,
    sameSite: sameSite as 'strict' | 'lax' | 'none' | undefined,
  };
}

/**
 * Requires a signed-in user, confirmed by Auth (`getUser()` checks the JWT with
 * the server, not only the cookie). Browsers go to /login with a return path.
 */
export const requireUser: MiddlewareHandler<DashboardEnv> = async (c, next) => {
  const { data, error } = await c.var.supabase.auth.getUser();
  if (error || !data.user) {
    if (error && error.status !== undefined && error.status >= 500) throw new DashboardError(502, 'Sign-in service unavailable.');
    const url = new URL(c.req.url);
    const next = url.pathname.slice(c.var.config.basePath.length) + url.search;
    return c.redirect(`${publicPath(c.var.config)}/login?next=${encodeURIComponent(next)}`, 303);
  }
  c.set('user', data.user);
  await next();
};

/** A same-site path to return to after sign-in; anything else becomes "/". */
export function safeNext(value: string | undefined): string {
  // Not "//host" or "/\\host" (other origins), and no control characters (browsers drop tabs and newlines, turning "/\t/host" into "//host").
  if (typeof value !== 'string' || !/^\/(?![/\\])/.test(value) || hasControlCharacter(value)) return '/';
  return value;
}

function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
