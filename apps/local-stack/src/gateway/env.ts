/** The gateway app's Hono environment: node's request/response (for the streaming proxy) and what the apikey check decided. */
import type { HttpBindings } from '@hono/node-server';

export interface GatewayEnv {
  Bindings: HttpBindings;
  Variables: {
    /** The Authorization header to send upstream (the role's JWT when the caller sent only an apikey). */
    authorization: string | undefined;
    /** The request's path as sent (percent-encoded, unlike Hono's decoded `c.req.path`), for the upstream. */
    pathname: string;
    /** The query string to send upstream (`?…` or ''), without the apikey. */
    search: string;
    /** The route's body limit in bytes (body-limit.ts). */
    bodyLimit: number;
  };
}

/** The header @hono/node-server's RESPONSE_ALREADY_SENT carries: the answer went out on node's own response. */
export const ALREADY_SENT_HEADER = 'x-hono-already-sent';
