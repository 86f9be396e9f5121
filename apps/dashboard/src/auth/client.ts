/**
 * The visitor's address, for the sign-in limit and for Auth's own per-address
 * limits. Behind a proxy the socket's peer is the proxy: its X-Forwarded-For (or
 * `config.clientAddressHeader`) is believed only when the peer is one of
 * `config.trustedProxies` (core's clientAddress). The address goes to Auth as `Sb-Forwarded-For`, Supabase's
 * header for a server that signs users in on their behalf, so Auth counts each
 * visitor, not the dashboard as one client.
 */
import { clientAddress } from '@gstack/core';
import type { MiddlewareHandler } from 'hono';
import type { DashboardConfig } from '../config.ts';
import type { DashboardEnv } from '../env.ts';

/** The socket's peer from the runtime's bindings: Node (@hono/node-server) or Deno (Deno.serve's info). */
function peerAddress(env: unknown): string | undefined {
  const bindings = env as { incoming?: { socket?: { remoteAddress?: string } }; remoteAddr?: { hostname?: string } } | undefined;
  return bindings?.incoming?.socket?.remoteAddress ?? bindings?.remoteAddr?.hostname;
}

/** Sets `clientAddress` for the request (undefined when the runtime does not say). */
export function clientAddressMiddleware(config: DashboardConfig): MiddlewareHandler<DashboardEnv> {
  return async (c, next) => {
    const header = config.clientAddressHeader;
    const address = clientAddress({
      peer: peerAddress(c.env),
      forwarded: c.req.header(header ?? 'x-forwarded-for'),
      trustedProxies: config.trustedProxies,
      pick: header ? 'first' : 'last-untrusted',
    });
    if (address) c.set('clientAddress', address);
    await next();
  };
}
