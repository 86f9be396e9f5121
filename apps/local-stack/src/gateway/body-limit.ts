/**
 * The gateway's request body limit, like the body size limit in front of a
 * hosted Supabase project: a body over the limit is answered 413 before it
 * reaches PostgREST, auth or a function. The limit is the largest valid push
 * (PUSH_REQUEST_BYTES from core), so no real client is ever refused.
 */
import { PUSH_REQUEST_BYTES } from '@gstack/core';
import type { HttpBindings } from '@hono/node-server';
import type { MiddlewareHandler } from 'hono';
import { GatewayError } from './errors.ts';

export const MAX_BODY_BYTES = PUSH_REQUEST_BYTES;

/** The 413 body (Kong's `{message, hint}`). */
export function tooLargeBody(maxBytes: number) {
  return { message: 'Request body too large', hint: `The gateway takes at most ${maxBytes} bytes per request.` };
}

/**
 * Refuses (413, connection closed) a declared length over `maxBytes` before
 * anything is read. A body without a length (chunked) is counted where it is
 * read (proxy.ts readBody) and refused there once it passes the limit.
 */
export function bodyLimit(maxBytes = MAX_BODY_BYTES): MiddlewareHandler<{ Bindings: HttpBindings }> {
  return async (c, next) => {
    if (Number(c.env.incoming.headers['content-length'] ?? 0) > maxBytes) {
      c.env.incoming.resume();
      throw new GatewayError(413, tooLargeBody(maxBytes), { connection: 'close' });
    }
    await next();
  };
}
