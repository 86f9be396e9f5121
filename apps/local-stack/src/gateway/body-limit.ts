/**
 * The gateway's request body limits, per route, like the body size limits in
 * front of a hosted Supabase project: a body over its route's limit is
 * answered 413 before it reaches PostgREST, auth or a function, and before
 * more than the limit is held in memory. Only the push RPCs (the body-taking
 * ones the client calls and the named-argument ones older clients call) take
 * megabytes (PUSH_REQUEST_BYTES from core, so no valid push is ever refused);
 * everything else is small: credentials, a webhook payload, an activity record.
 */
import { PUSH_REQUEST_BYTES } from '@gstack/core';
import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv } from './env.ts';
import { GatewayError } from './errors.ts';

/** The largest body the gateway takes at all: a whole run pushed in one RPC. */
export const MAX_BODY_BYTES = PUSH_REQUEST_BYTES;

/** Per path (`exact`) or path prefix, the most a request body may hold; the first match wins. */
export const ROUTE_BODY_LIMITS: ReadonlyArray<{ path: string; exact?: boolean; maxBytes: number }> = [
  { path: '/rest/v1/rpc/push_eval_run_body', exact: true, maxBytes: PUSH_REQUEST_BYTES },
  { path: '/rest/v1/rpc/ingest_eval_run_body', exact: true, maxBytes: PUSH_REQUEST_BYTES },
  { path: '/rest/v1/rpc/push_eval_run', exact: true, maxBytes: PUSH_REQUEST_BYTES },
  { path: '/rest/v1/rpc/ingest_eval_run', exact: true, maxBytes: PUSH_REQUEST_BYTES },
  { path: '/rest/v1', maxBytes: 1024 * 1024 },
  { path: '/auth/v1', maxBytes: 64 * 1024 },
  { path: '/functions/v1', maxBytes: 1024 * 1024 },
];

/** Anything else (the gateway's own routes, unknown paths). */
const OTHER_BODY_BYTES = 64 * 1024;

/** The body limit for a request path (normalised by URL, as the routes see it). */
export function bodyLimitFor(pathname: string): number {
  const route = ROUTE_BODY_LIMITS.find((r) => pathname === r.path || (!r.exact && pathname.startsWith(`${r.path}/`)));
  return route?.maxBytes ?? OTHER_BODY_BYTES;
}

/** The 413 body (Kong's `{message, hint}`). */
export function tooLargeBody(maxBytes: number) {
  return { message: 'Request body too large', hint: `This route takes at most ${maxBytes} bytes per request.` };
}

/**
 * Sets the route's limit for the proxy's reader and refuses (413, connection closed) a declared
 * length over it before anything is read. A body without a length (chunked) is counted where it
 * is read (proxy.ts readBody) and refused there once it passes the limit.
 */
export function bodyLimit(): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const maxBytes = bodyLimitFor(new URL(c.req.url).pathname);
    c.set('bodyLimit', maxBytes);
    if (Number(c.env.incoming.headers['content-length'] ?? 0) > maxBytes) {
      c.env.incoming.resume();
      throw new GatewayError(413, tooLargeBody(maxBytes), { connection: 'close' });
    }
    await next();
  };
}
