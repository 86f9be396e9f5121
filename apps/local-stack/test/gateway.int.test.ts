import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
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
    });
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
