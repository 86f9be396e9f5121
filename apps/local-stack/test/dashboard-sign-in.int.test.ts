/**
 * Sign-in through the dashboard under attack (issue 23, items 1 and 2): the
 * dashboard limits sign-ins per visitor address and per address and email, and
 * tells Auth the visitor's address (Sb-Forwarded-For), so one visitor's failed
 * sign-ins never lock every user out. The real dashboard (Node) in front of the
 * real auth app on the test database, served with config.toml's limits made
 * small (the suite's shared stack runs with high ones); the test itself plays the
 * proxy in front of the dashboard (X-Forwarded-For from 127.0.0.1).
 */
import type { AddressInfo } from 'node:net';
import { type RunningDashboard, startDashboard } from '@gstack/dashboard/node';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthApp } from '../src/auth/app.ts';
import { defaultProjectRoot } from '../src/index.ts';
import { loadProjectConfig } from '../src/project-config.ts';
import { signedInClient, stackInfo } from './harness.ts';

/** Auth's per-address sign-in limit in these tests (config.toml says 30). */
const AUTH_LIMIT = 4;

let pool: pg.Pool;
let authServer: ReturnType<typeof serve>;
let authUrl: string;
const dashboards: RunningDashboard[] = [];

beforeAll(async () => {
  const config = await loadProjectConfig(defaultProjectRoot());
  pool = new pg.Pool({ connectionString: stackInfo().dbUrl, max: 2 });
  const auth = createAuthApp({
    pool,
    jwtSecret: stackInfo().jwtSecret,
    issuer: `${stackInfo().apiUrl}/auth/v1`,
    config: { ...config.auth, rateLimit: { signInSignUps: AUTH_LIMIT, tokenRefresh: 100 } },
    trustedProxies: ['127.0.0.1'],
    log: () => {},
  });
  // The gateway's part for /auth/v1 (the apikey check aside): the auth app with the node bindings.
  const gateway = new Hono().mount('/auth/v1', auth.fetch);
  await new Promise<void>((resolve) => {
    authServer = serve({ fetch: gateway.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      authUrl = `http://127.0.0.1:${info.port}`;
      resolve();
    });
  });
});

afterAll(async () => {
  await Promise.all(dashboards.map((d) => d.close()));
  await new Promise((resolve) => authServer.close(resolve));
  await pool.end();
});

async function dashboard(options: Parameters<typeof startDashboard>[0] extends infer O ? Partial<O> : never) {
  const running = await startDashboard({ supabaseUrl: authUrl, supabaseKey: stackInfo().publishableKey, ...options });
  dashboards.push(running);
  return running;
}

/** Posts the sign-in form as the visitor `forwardedFor` (through the proxy the test plays, in `header`). */
async function signIn(url: string, email: string, password: string, forwardedFor?: string, header = 'x-forwarded-for') {
  const res = await fetch(`${url}/login`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      origin: url,
      ...(forwardedFor ? { [header]: forwardedFor } : {}),
    },
    body: new URLSearchParams({ email, password, next: '/' }),
    redirect: 'manual',
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), text: await res.text() };
}

describe('dashboard sign-in limits', () => {
  it("one visitor's failed sign-ins do not lock out the others (Auth sees each visitor's address)", async () => {
    const { url } = await dashboard({ trustedProxies: ['127.0.0.1'], signInLimit: { perAddress: 1000, perAddressAndEmail: 1000 } });
    const [victim, target] = await Promise.all([signedInClient(), signedInClient()]);
    const attacker = '198.51.100.66';
    const attempts = [];
    for (let i = 0; i < AUTH_LIMIT + 2; i++) attempts.push((await signIn(url, target.email, 'wrong password', attacker)).status);
    // Auth refuses the attacker's address once it is over its limit: wrong password (400), then 429.
    expect(attempts).toEqual([400, 400, 400, 400, 400, 400]);
    const limited = await signIn(url, target.email, 'wrong password', attacker);
    expect(limited.text).toContain('Request rate limit reached');
    // Every other visitor signs in: before, Auth counted all of them as the dashboard's one address.
    const ok = await signIn(url, victim.email, victim.password, '203.0.113.7');
    expect(ok.status, ok.text).toBe(303);
    // The attacked account's owner too, from their own address.
    expect((await signIn(url, target.email, target.password, '203.0.113.8')).status).toBe(303);
  });

  it('limits sign-ins in the dashboard per address and per address and email, with Retry-After', async () => {
    const { url } = await dashboard({ trustedProxies: ['127.0.0.1'], signInLimit: { perAddress: 4, perAddressAndEmail: 2 } });
    const [alice, bob] = await Promise.all([signedInClient(), signedInClient()]);
    const from = '192.0.2.10';
    expect((await signIn(url, alice.email, 'nope', from)).status).toBe(400);
    expect((await signIn(url, alice.email, 'nope', from)).status).toBe(400);
    const limited = await signIn(url, alice.email, alice.password, from);
    expect(limited.status).toBe(429);
    expect(Number(limited.retryAfter)).toBeGreaterThan(0);
    expect(limited.text).toContain('Too many sign-in attempts from your address. Try again in 5 minutes.');
    // Another address is not affected, not even for the same email.
    expect((await signIn(url, alice.email, alice.password, '192.0.2.11')).status).toBe(303);
    // The same address, another email: the per-address limit (4, refused attempts count) has one left, then none.
    expect((await signIn(url, bob.email, bob.password, from)).status).toBe(303);
    expect((await signIn(url, bob.email, bob.password, from)).status).toBe(429);
  });

  it('believes X-Forwarded-For only from a configured proxy', async () => {
    // No trusted proxy: the socket's peer (127.0.0.1) is the visitor, whatever the header says.
    const { url } = await dashboard({ signInLimit: { perAddress: 2, perAddressAndEmail: 2 } });
    const who = await signedInClient();
    expect((await signIn(url, who.email, 'nope', '10.9.9.1')).status).toBe(400);
    expect((await signIn(url, who.email, 'nope', '10.9.9.2')).status).toBe(400);
    expect((await signIn(url, who.email, who.password, '10.9.9.3')).status).toBe(429);
  });

  it("reads the visitor from a proxy's single-address header when configured", async () => {
    const { url } = await dashboard({
      trustedProxies: ['127.0.0.1'],
      clientAddressHeader: 'x-real-ip',
      signInLimit: { perAddress: 1, perAddressAndEmail: 1 },
    });
    const who = await signedInClient();
    expect((await signIn(url, who.email, 'nope', '192.0.2.50', 'x-real-ip')).status).toBe(400);
    expect((await signIn(url, who.email, who.password, '192.0.2.50', 'x-real-ip')).status).toBe(429);
    expect((await signIn(url, who.email, who.password, '192.0.2.51', 'x-real-ip')).status).toBe(303);
  });
});
