import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { bodyLimitFor, MAX_BODY_BYTES } from '../src/gateway/body-limit.ts';
import { anonClient, eventually, stackInfo } from './harness.ts';

describe('gateway', () => {
  it('refuses REST requests without an apikey or with a wrong one', async () => {
    const missing = await fetch(`${stackInfo().restUrl}/`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({
      message: 'No API key found in request',
      hint: 'No `apikey` request header or url param was found.',
    });

    const wrong = await fetch(`${stackInfo().restUrl}/`, { headers: { apikey: 'sb_publishable_wrong' } });
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).message).toBe('Invalid API key');

    const wrongJwt = await fetch(`${stackInfo().authUrl}/settings`, { headers: { apikey: `${stackInfo().anonKey}x` } });
    expect(wrongJwt.status).toBe(401);
  });

  it('accepts every valid key kind, in the header or the query string', async () => {
    const { anonKey, serviceRoleKey, publishableKey, secretKey, restUrl } = stackInfo();
    for (const key of [anonKey, serviceRoleKey, publishableKey, secretKey]) {
      const res = await fetch(`${restUrl}/`, { headers: { apikey: key } });
      expect(res.status, key.slice(0, 20)).toBe(200);
    }
    const viaQuery = await fetch(`${restUrl}/?apikey=${encodeURIComponent(publishableKey)}`);
    expect(viaQuery.status).toBe(200);
  });

  it('answers HEAD with the upstream status and headers, once', async () => {
    const res = await fetch(`${stackInfo().restUrl}/teams?select=*`, {
      method: 'HEAD',
      headers: { apikey: stackInfo().secretKey, prefer: 'count=exact' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-range')).toMatch(/^(\*|\d+-\d+)\/\d+$/);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(await res.text()).toBe('');
  });

  it('answers CORS preflights', async () => {
    const res = await fetch(`${stackInfo().restUrl}/anything`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:3000',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'apikey, authorization, x-client-info',
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toBe('apikey, authorization, x-client-info');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('serves supabase/functions/health through /functions/v1', async () => {
    const { data, error } = await anonClient().functions.invoke('health', { method: 'GET' });
    expect(error).toBeNull();
    expect(data).toMatchObject({ status: 'ok', database: 'ok' });
  });

  it('forwards method, path, query and body to a function, with the role from the key', async () => {
    const res = await fetch(`${stackInfo().functionsUrl}/echo/deep/path?x=1`, {
      method: 'POST',
      headers: { apikey: stackInfo().publishableKey, 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(await res.json()).toEqual({
      method: 'POST',
      path: '/echo/deep/path',
      query: { x: '1' },
      role: 'anon',
      body: 'hello',
      supabase_url: stackInfo().apiUrl,
      forwarded_for: '127.0.0.1',
    });
  });

  it("appends the caller's address to X-Forwarded-For, as Kong does: the last entry cannot be forged", async () => {
    const res = await fetch(`${stackInfo().functionsUrl}/echo`, {
      headers: { apikey: stackInfo().anonKey, 'x-forwarded-for': '6.6.6.6' },
    });
    expect(await res.json()).toMatchObject({ forwarded_for: '6.6.6.6, 127.0.0.1' });
  });

  it('forwards the path as sent, percent-encoding and all', async () => {
    const res = await fetch(`${stackInfo().functionsUrl}/echo/runs/a%2Fb%20c?q=x%26y`, { headers: { apikey: stackInfo().anonKey } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ path: '/echo/runs/a%2Fb%20c', query: { q: 'x&y' } });
  });

  it('requires a valid JWT for functions and reports unknown ones', async () => {
    const noJwt = await fetch(`${stackInfo().functionsUrl}/echo`);
    expect(noJwt.status).toBe(401);
    const badJwt = await fetch(`${stackInfo().functionsUrl}/echo`, { headers: { authorization: 'Bearer not-a-jwt' } });
    expect(badJwt.status).toBe(401);
    const unknown = await fetch(`${stackInfo().functionsUrl}/no-such-function`, { headers: { apikey: stackInfo().anonKey } });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).code).toBe('NOT_FOUND');
  });

  it("turns an apikey alone into the role's bearer token for the auth API too", async () => {
    const res = await fetch(`${stackInfo().authUrl}/admin/users`, {
      method: 'POST',
      headers: { apikey: stackInfo().secretKey, 'content-type': 'application/json' },
      body: JSON.stringify({ email: `apikey-only-${Date.now()}@example.test`, password: 'password-123', email_confirm: true }),
    });
    expect(res.status).toBe(200);
    const anon = await fetch(`${stackInfo().authUrl}/admin/users`, { headers: { apikey: stackInfo().publishableKey } });
    expect(anon.status).toBe(403);
  });

  it('keeps auth routes a browser opens reachable without an apikey', async () => {
    const health = await fetch(`${stackInfo().authUrl}/health`);
    expect(health.status).toBe(200);
    const settings = await fetch(`${stackInfo().authUrl}/settings`);
    expect(settings.status).toBe(401);
  });
});

describe('edge function processes', () => {
  it('listen on ports the OS hands out, so a stack on a nearby base holding our old fixed slots changes nothing', async () => {
    // A neighbour stack's services on the ports right after ours (where function N used to
    // listen on base + 10 + N): they must not stop a new function from starting.
    const base = stackInfo().ports.api;
    const neighbours: http.Server[] = [];
    for (let port = base + 10; port < base + 30; port++) {
      const server = http.createServer((_req, res) => res.end('neighbour'));
      await new Promise<void>((resolve) => server.once('error', () => resolve()).listen(port, '127.0.0.1', () => resolve()));
      if (server.listening) neighbours.push(server);
    }
    try {
      expect(neighbours.length).toBeGreaterThan(10);
      const dir = path.join(inject('scratchFunctions'), 'next-door');
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'index.ts'), `Deno.serve(() => Response.json({ mine: true }));\n`);
      const res = await fetch(`${stackInfo().functionsUrl}/next-door`, { headers: { apikey: stackInfo().anonKey } });
      expect(await res.json()).toEqual({ mine: true });
    } finally {
      for (const server of neighbours) server.close();
    }
  });

  it('serve a new function, and restart with its new code after a change', async () => {
    const dir = path.join(inject('scratchFunctions'), 'reloading');
    mkdirSync(dir, { recursive: true });
    const write = (version: number) =>
      writeFileSync(path.join(dir, 'index.ts'), `Deno.serve(() => Response.json({ version: ${version} }));\n`);
    write(1);
    const call = async () => {
      const res = await fetch(`${stackInfo().functionsUrl}/reloading`, { headers: { apikey: stackInfo().anonKey } });
      return res.ok ? ((await res.json()) as { version: number }).version : undefined;
    };
    expect(await call()).toBe(1);
    write(2);
    // The watcher marks the function stale; the next request starts the new code.
    expect(await eventually('the function to serve its new code', async () => ((await call()) === 2 ? 2 : undefined))).toBe(2);
  });

  it('answer 503 with the boot error when a function does not start', async () => {
    const dir = path.join(inject('scratchFunctions'), 'broken');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'index.ts'), 'this is not TypeScript (\n');
    const res = await fetch(`${stackInfo().functionsUrl}/broken`, { headers: { apikey: stackInfo().anonKey } });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: 'BOOT_ERROR' });
  });
});

describe('gateway body limit', () => {
  /** Sends a POST with the given headers and body chunks through node:http (fetch sets its own length). */
  function post(headers: Record<string, string>, chunks: Buffer[]): Promise<{ status: number; body: string }> {
    const url = new URL(`${stackInfo().restUrl}/rpc/ingest_eval_run`);
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { apikey: stackInfo().anonKey, ...headers } },
        (res) => {
          let body = '';
          res.on('data', (d: Buffer) => {
            body += d.toString();
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', (error) => (error.message.includes('EPIPE') || error.message.includes('ECONNRESET') ? undefined : reject(error)));
      for (const chunk of chunks) req.write(chunk);
      req.end();
    });
  }

  it('answers 413 to a declared body over the limit, before reading it', async () => {
    const res = await post({ 'content-type': 'application/json', 'content-length': String(MAX_BODY_BYTES + 1) }, []);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).message).toBe('Request body too large');
  });

  it('answers 413 to a chunked body once it passes the limit', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    const chunks = Array.from({ length: Math.ceil(MAX_BODY_BYTES / chunk.length) + 1 }, () => chunk);
    const res = await post({ 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, chunks);
    expect(res.status).toBe(413);
  });

  /** A POST to `pathname` through node:http, declaring `bytes` (content-length) or streaming them chunked. */
  function postTo(pathname: string, bytes: number, declared: boolean): Promise<number> {
    const url = new URL(`${stackInfo().apiUrl}${pathname}`);
    const chunk = Buffer.alloc(Math.min(bytes, 256 * 1024), 0x20);
    return new Promise((resolve, reject) => {
      let answered = false;
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: {
            apikey: stackInfo().anonKey,
            'content-type': 'application/json',
            ...(declared ? { 'content-length': String(bytes) } : { 'transfer-encoding': 'chunked' }),
          },
        },
        (res) => {
          answered = true;
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', (error) => (answered || /EPIPE|ECONNRESET/.test(error.message) ? undefined : reject(error)));
      if (declared) return void req.flushHeaders();
      let sent = 0;
      const pump = () => {
        while (!answered && sent < bytes) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        if (!answered) req.end();
      };
      pump();
    });
  }

  it('limits bodies per route: megabytes only for the push RPCs', async () => {
    // Declared 40 MB to an unauthenticated function: refused before anything is read (was a 401 after buffering it).
    expect(await postTo('/functions/v1/regression-alert', 40 * 1024 * 1024, true)).toBe(413);
    // Streamed without a length to a function that runs: refused once it passes 1 MiB.
    expect(await postTo('/functions/v1/echo', 40 * 1024 * 1024, false)).toBe(413);
    expect(await postTo('/rest/v1/eval_runs', 2 * 1024 * 1024, false)).toBe(413);
    expect(await postTo('/auth/v1/token', 100 * 1024, true)).toBe(413);
    // A push may still be as big as the largest valid run (it is refused below by the RPC, not the gateway).
    expect(await postTo('/rest/v1/rpc/ingest_eval_run', 5 * 1024 * 1024, false)).not.toBe(413);
    expect(bodyLimitFor('/rest/v1/rpc/push_eval_run')).toBe(MAX_BODY_BYTES);
    expect(bodyLimitFor('/rest/v1/rpc/ingest_eval_run')).toBe(MAX_BODY_BYTES);
    expect(bodyLimitFor('/rest/v1/rpc/push_eval_run/x')).toBe(1024 * 1024);
    expect(bodyLimitFor('/rest/v1/eval_runs')).toBe(1024 * 1024);
    expect(bodyLimitFor('/functions/v1/regression-alert')).toBe(1024 * 1024);
    expect(bodyLimitFor('/auth/v1/token')).toBe(64 * 1024);
  });

  it.each(['push_eval_run_body', 'ingest_eval_run_body'])(
    'takes a body of the push limit on /rest/v1/rpc/%s, and not a byte more',
    async (rpc) => {
      expect(bodyLimitFor(`/rest/v1/rpc/${rpc}`)).toBe(MAX_BODY_BYTES);
      expect(await postTo(`/rest/v1/rpc/${rpc}`, MAX_BODY_BYTES + 1, true)).toBe(413);
      // Streamed whole to PostgREST, which answers for itself (blanks are no JSON: 400).
      expect(await postTo(`/rest/v1/rpc/${rpc}`, MAX_BODY_BYTES, false)).toBe(400);
    },
  );

  it('forwards a chunked body whole to a function, even though the JWT check comes first', async () => {
    const url = new URL(`${stackInfo().functionsUrl}/echo`);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { apikey: stackInfo().anonKey, 'content-type': 'text/plain', 'transfer-encoding': 'chunked' },
        },
        (res) => {
          let body = '';
          res.on('data', (d: Buffer) => {
            body += d.toString();
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.write('first,');
      req.write('second');
      req.end();
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ method: 'POST', role: 'anon', body: 'first,second' });
  });

  it('passes a body under the limit through', async () => {
    const body = Buffer.from(JSON.stringify({ p_token: 'gst_nope', p_payload: {} }));
    const res = await post({ 'content-type': 'application/json', 'content-length': String(body.length) }, [body]);
    // PostgREST answered (the token is refused), so the body went through.
    expect(res.status).not.toBe(413);
    expect(res.body).toContain('this ingest token is not valid');
  });
});
