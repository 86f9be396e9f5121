/**
 * The gateway's CORS answers, as Supabase's Kong sends them: every answer
 * allows any origin; a preflight is answered 200 and echoes the requested headers.
 */
import type { MiddlewareHandler } from 'hono';
import { ALREADY_SENT_HEADER } from './env.ts';

/** Headers on every gateway answer (JSON errors, auth answers and proxied ones). */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD',
  'access-control-max-age': '3600',
  'access-control-expose-headers': 'content-range, content-profile, x-total-count, x-supabase-api-version, preference-applied, location',
};

const DEFAULT_ALLOW_HEADERS = 'authorization, x-client-info, apikey, content-type, prefer, range, accept-profile, content-profile';

/** Answers preflights; adds CORS_HEADERS to answers made through Hono (the proxy adds its own). */
export function cors(): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method === 'OPTIONS') {
      return c.body(null, 200, {
        ...CORS_HEADERS,
        'access-control-allow-headers': c.req.header('access-control-request-headers') ?? DEFAULT_ALLOW_HEADERS,
      });
    }
    await next();
    // A proxied answer is already on the wire (the sentinel response has no body and must stay untouched).
    if (c.res.headers.has(ALREADY_SENT_HEADER)) return;
    for (const [name, value] of Object.entries(CORS_HEADERS)) c.res.headers.set(name, value);
  };
}
