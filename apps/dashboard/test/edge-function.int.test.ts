/**
 * The same dashboard as the `dashboard` edge function: real Deno behind the
 * local stack's gateway, links and cookies under /functions/v1/dashboard, and
 * a password sign-in that lands on the user's team.
 */
import { person, run } from '@gstack/client/testing/people';
import { stackInfo, unique } from '@gstack/local-stack/testing';
import { beforeAll, describe, expect, it } from 'vitest';

const base = () => `${stackInfo().apiUrl}/functions/v1/dashboard`;
let teamSlug: string;
let who: Awaited<ReturnType<typeof person>>;

beforeAll(async () => {
  teamSlug = unique('edge').replace(/_/g, '-').toLowerCase().slice(0, 40);
  who = await person(teamSlug);
  expect((await run('gstack', ['team', 'create', teamSlug], who.env)).code).toBe(0);
});

describe('dashboard edge function', () => {
  it('serves the sign-in page as HTML with links under its public path', async () => {
    const res = await fetch(`${base()}/login`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(await res.text()).toContain('action="/functions/v1/dashboard/login"');
  });

  it('signs in with a password and sends the browser to its team', async () => {
    const login = await fetch(`${base()}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(stackInfo().apiUrl).origin },
      body: new URLSearchParams({ email: who.email, password: who.password, next: '/' }),
      redirect: 'manual',
    });
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/functions/v1/dashboard/');
    const cookies = login.headers.getSetCookie();
    expect(cookies.length).toBeGreaterThan(0);
    for (const cookie of cookies) expect(cookie).toMatch(/Path=\/functions\/v1\/dashboard;.*HttpOnly/);
    const cookieHeader = cookies.map((c) => c.split(';')[0]).join('; ');
    const home = await fetch(`${base()}/`, { headers: { cookie: cookieHeader }, redirect: 'manual' });
    expect(home.status).toBe(303);
    expect(home.headers.get('location')).toBe(`/functions/v1/dashboard/t/${teamSlug}`);
    const overview = await fetch(`${base()}/t/${teamSlug}`, { headers: { cookie: cookieHeader } });
    expect(overview.status).toBe(200);
    expect(await overview.text()).toContain('No runs yet');
  });
});
