/**
 * The API gateway on one port, standing in for Supabase's Kong, as a Hono
 * app: routes /rest/v1 to PostgREST, /auth/v1 to the auth app, /functions/v1/<name>
 * to the function's Deno process; checks the apikey (api-key.ts), the body
 * size per route (body-limit.ts) and, for functions, the JWT; answers CORS (cors.ts).
 * Proxied requests go through node's own request/response (proxy.ts), so a
 * PostgREST or function answer streams through without web-stream copies.
 */
import type http from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { type Context, Hono } from 'hono';
import { bearer, verifyToken } from '../auth/jwt.ts';
import type { FunctionsRunner } from '../functions/runner.ts';
import type { StackKeys } from '../keys.ts';
import { apiKey } from './api-key.ts';
import { bodyLimit } from './body-limit.ts';
import { cors } from './cors.ts';
import { ALREADY_SENT_HEADER, type GatewayEnv } from './env.ts';
import { GatewayError, gatewayErrorHandler } from './errors.ts';
import { forward, readBody } from './proxy.ts';

export interface GatewayOptions {
  postgrestPort: number;
  keys: StackKeys;
  auth: Hono;
  functions: FunctionsRunner;
  /** Functions with `verify_jwt = false` in config.toml. */
  functionsWithoutJwt: Set<string>;
  /** The stack's logger: unexpected failures go here. */
  log: (line: string) => void;
}

/** Auth routes a browser opens directly, without an apikey (as on hosted Supabase). */
const OPEN_AUTH_ROUTES = new Set(['/auth/v1/authorize', '/auth/v1/callback', '/auth/v1/verify', '/auth/v1/health']);

/** Reads the body (413 over the limit) and streams the request to 127.0.0.1:`port`; the answer goes out on node's response. */
async function proxy(c: Context<GatewayEnv>, port: number, path: string): Promise<Response> {
  const { incoming, outgoing } = c.env;
  const body = await readBody(incoming, c.get('bodyLimit'));
  forward(incoming, outgoing, port, `${path}${c.get('search')}`, body, c.get('authorization'));
  return RESPONSE_ALREADY_SENT;
}

/** The gateway as a Hono app (see gatewayHandler for the node listener). */
export function createGatewayApp(options: GatewayOptions): Hono<GatewayEnv> {
  const { keys, functions } = options;
  const app = new Hono<GatewayEnv>();
  app.onError(gatewayErrorHandler(options.log));
  app.notFound((c) => c.json({ message: 'no Route matched with those values' }, 404));
  app.use('*', cors(), bodyLimit());

  const rest = apiKey(keys, { required: true });
  const toPostgrest = (c: Context<GatewayEnv>) => proxy(c, options.postgrestPort, c.get('pathname').slice('/rest/v1'.length) || '/');
  app.all('/rest/v1', rest, toPostgrest);
  app.all('/rest/v1/*', rest, toPostgrest);

  app.all('/auth/v1/*', apiKey(keys, { required: (path) => !OPEN_AUTH_ROUTES.has(path) }), async (c) => {
    const { incoming } = c.env;
    const url = new URL(c.req.url);
    url.pathname = c.get('pathname').slice('/auth/v1'.length);
    url.search = c.get('search');
    const headers = new Headers(c.req.raw.headers);
    const authorization = c.get('authorization');
    if (authorization !== undefined) headers.set('authorization', authorization);
    const body =
      c.req.method === 'GET' || c.req.method === 'HEAD' ? undefined : new Uint8Array(await readBody(incoming, c.get('bodyLimit')));
    const request = new Request(url, { method: c.req.method, headers, body });
    // The same node bindings go along, so the auth app sees the caller's address (rate limits).
    return options.auth.fetch(request, c.env);
  });

  const toFunction = async (c: Context<GatewayEnv>) => {
    const name = c.req.param('name') ?? '';
    if (!options.functionsWithoutJwt.has(name)) {
      const token = bearer(c.get('authorization'));
      if (!token || !(await verifyToken(keys.jwtSecret, token))) {
        throw new GatewayError(401, { code: 'UNAUTHORIZED_INVALID_JWT', message: 'Invalid JWT' });
      }
    }
    const target = await functions.target(name);
    if (!target.ok) throw new GatewayError(target.status, { code: target.code, message: target.message });
    return proxy(c, target.port, c.get('pathname').slice('/functions/v1'.length));
  };
  const functionKey = apiKey(keys, { required: false });
  app.all('/functions/v1/:name', functionKey, toFunction);
  app.all('/functions/v1/:name/*', functionKey, toFunction);
  app.all('/functions/v1/*', () => {
    throw new GatewayError(404, { code: 'NOT_FOUND', message: 'Function name missing' });
  });

  for (const path of ['/', '/health']) {
    app.all(path, (c) =>
      c.json({ name: 'gstack local stack', services: ['/rest/v1', '/auth/v1', '/functions/v1'], functions: functions.names() }),
    );
  }
  return app;
}

/** The gateway's node request listener (the stack listens early and installs it when the services are up). */
export function gatewayHandler(options: GatewayOptions): http.RequestListener {
  const app = createGatewayApp(options);
  return getRequestListener(async (request, env) => {
    const response = await app.fetch(request, env);
    // Hono answers HEAD by running the GET route and copying its answer into a new Response,
    // which the adapter would write out as an empty 200 on top of the proxied answer.
    return response.headers.has(ALREADY_SENT_HEADER) ? RESPONSE_ALREADY_SENT : response;
  });
}

/** The listener while the stack starts: 503 with Retry-After, so clients wait instead of failing. */
export function startingHandler(): http.RequestListener {
  const app = new Hono().all('*', (c) => c.json({ message: 'the stack is starting' }, 503, { 'retry-after': '1' }));
  return getRequestListener(app.fetch);
}
