/**
 * The API gateway on one port, standing in for Supabase's Kong: routes
 * /rest/v1 to PostgREST, /auth/v1 to the auth API, /functions/v1/<name> to
 * the function's Deno process; checks the `apikey` header (or `?apikey=`);
 * turns new-style keys into role JWTs; answers CORS.
 */
import http from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import { bearer, verifyToken } from './auth/jwt.ts';
import { enforceBodyLimit } from './body-limit.ts';
import type { FunctionsRunner } from './functions/runner.ts';
import type { StackKeys } from './keys.ts';

export interface GatewayOptions {
  postgrestPort: number;
  keys: StackKeys;
  auth: Hono;
  functions: FunctionsRunner;
  /** Functions with `verify_jwt = false` in config.toml. */
  functionsWithoutJwt: Set<string>;
}

/** Auth routes a browser opens directly, without an apikey (as on hosted Supabase). */
const OPEN_AUTH_ROUTES = new Set(['/auth/v1/authorize', '/auth/v1/callback', '/auth/v1/verify', '/auth/v1/health']);

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD',
  'access-control-max-age': '3600',
  'access-control-expose-headers': 'content-range, content-profile, x-total-count, x-supabase-api-version, preference-applied, location',
};

function send(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', ...CORS_HEADERS });
  res.end(JSON.stringify(body));
}

/**
 * The gateway's keep-alive pool to PostgREST and the functions. Its own idle
 * timeout (2 s) is far below the upstreams' (PostgREST/Warp closes idle
 * connections after 30 s; Deno's server can close any time), so a pooled
 * socket is normally ours to close. The race remains — an upstream may close
 * a socket just as a request is written to it — so `proxyRequest` retries
 * such a request once on a fresh connection.
 */
export const upstreamAgent = new http.Agent({ keepAlive: true, timeout: 2000, scheduling: 'lifo' });

/** A reused keep-alive socket the upstream had already closed: the request never reached it. */
function staleSocketError(upstream: http.ClientRequest, error: NodeJS.ErrnoException): boolean {
  return upstream.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE');
}

/**
 * Forwards the request to 127.0.0.1:`port`. The body is read first so the
 * request can be sent again when a pooled socket turns out to be closed:
 * a proxy must not fail a request because of its own connection pool.
 */
export function proxyRequest(req: http.IncomingMessage, res: http.ServerResponse, port: number, pathAndQuery: string): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('error', () => res.destroy());
  req.on('end', () => forward(Buffer.concat(chunks), true));

  function forward(body: Buffer, mayRetry: boolean): void {
    const headers = { ...req.headers, host: `127.0.0.1:${port}` };
    const upstream = http.request(
      { host: '127.0.0.1', port, method: req.method, path: pathAndQuery, headers, agent: upstreamAgent },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, { ...upstreamRes.headers, ...CORS_HEADERS });
        upstreamRes.pipe(res);
      },
    );
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (mayRetry && !res.headersSent && staleSocketError(upstream, error)) return forward(body, false);
      send(res, 502, { message: `Upstream error: ${error.message}` });
    });
    upstream.end(body);
  }
}

/**
 * Replaces the Authorization header in both views of the request: `headers`
 * (used when proxying) and `rawHeaders` (what the auth app's adapter reads).
 */
function setAuthorization(req: http.IncomingMessage, value: string): void {
  req.headers.authorization = value;
  const raw: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i]?.toLowerCase() !== 'authorization') raw.push(req.rawHeaders[i] ?? '', req.rawHeaders[i + 1] ?? '');
  }
  raw.push('Authorization', value);
  req.rawHeaders.splice(0, req.rawHeaders.length, ...raw);
}

/** The gateway's request handler (the stack listens early and installs it when the services are up). */
export function gatewayHandler(options: GatewayOptions): http.RequestListener {
  const { keys } = options;
  const roleOfKey = new Map<string, { role: 'anon' | 'service_role'; jwt: string }>([
    [keys.anonKey, { role: 'anon', jwt: keys.anonKey }],
    [keys.publishableKey, { role: 'anon', jwt: keys.anonKey }],
    [keys.serviceRoleKey, { role: 'service_role', jwt: keys.serviceRoleKey }],
    [keys.secretKey, { role: 'service_role', jwt: keys.serviceRoleKey }],
  ]);
  const authListener = getRequestListener(options.auth.fetch);

  /**
   * Validates the apikey and fixes up Authorization: a missing bearer, or a
   * bearer that is the (non-JWT) apikey itself, becomes the role's JWT.
   * Returns false after answering 401.
   */
  function applyApiKey(req: http.IncomingMessage, res: http.ServerResponse, url: URL, required: boolean): boolean {
    const apikey = (req.headers.apikey as string | undefined) ?? url.searchParams.get('apikey') ?? undefined;
    if (!apikey) {
      if (!required) return true;
      send(res, 401, { message: 'No API key found in request', hint: 'No `apikey` request header or url param was found.' });
      return false;
    }
    const entry = roleOfKey.get(apikey);
    if (!entry) {
      send(res, 401, { message: 'Invalid API key', hint: 'Double check your Supabase `anon` or `service_role` API key.' });
      return false;
    }
    const token = bearer(req.headers.authorization);
    if (!token || token === apikey) setAuthorization(req, `Bearer ${entry.jwt}`);
    // The key is a credential, not a filter: upstream services never see it in the query.
    url.searchParams.delete('apikey');
    return true;
  }

  async function handleFunction(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const rest = url.pathname.slice('/functions/v1/'.length);
    const name = rest.split('/')[0] ?? '';
    if (!name) return send(res, 404, { code: 'NOT_FOUND', message: 'Function name missing' });
    if (!applyApiKey(req, res, url, false)) return;
    if (!options.functionsWithoutJwt.has(name)) {
      const token = bearer(req.headers.authorization);
      if (!token || !(await verifyToken(keys.jwtSecret, token))) {
        return send(res, 401, { code: 'UNAUTHORIZED_INVALID_JWT', message: 'Invalid JWT' });
      }
    }
    const target = await options.functions.target(name);
    if (!target.ok) return send(res, target.status, { code: target.code, message: target.message });
    proxyRequest(req, res, target.port, `/${rest}${url.search}`);
  }

  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://gateway');
    if (req.method === 'OPTIONS') {
      res.writeHead(200, {
        ...CORS_HEADERS,
        'access-control-allow-headers':
          req.headers['access-control-request-headers'] ??
          'authorization, x-client-info, apikey, content-type, prefer, range, accept-profile, content-profile',
      });
      res.end();
      return;
    }
    if (!enforceBodyLimit(req, res)) return;
    const { pathname } = url;
    if (pathname === '/rest/v1' || pathname.startsWith('/rest/v1/')) {
      if (applyApiKey(req, res, url, true))
        proxyRequest(req, res, options.postgrestPort, `${pathname.slice('/rest/v1'.length) || '/'}${url.search}`);
      return;
    }
    if (pathname.startsWith('/auth/v1/')) {
      if (!applyApiKey(req, res, url, !OPEN_AUTH_ROUTES.has(pathname))) return;
      req.url = `${pathname.slice('/auth/v1'.length)}${url.search}`;
      for (const [k, v] of Object.entries(CORS_HEADERS)) res.setHeader(k, v);
      void authListener(req, res);
      return;
    }
    if (pathname.startsWith('/functions/v1/')) {
      handleFunction(req, res, url).catch((error: Error) => send(res, 500, { message: error.message }));
      return;
    }
    if (pathname === '/' || pathname === '/health') {
      send(res, 200, {
        name: 'gstack local stack',
        services: ['/rest/v1', '/auth/v1', '/functions/v1'],
        functions: options.functions.names(),
      });
      return;
    }
    send(res, 404, { message: 'no Route matched with those values' });
  };
}

export function listen(server: http.Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}
