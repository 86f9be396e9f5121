import { describe, expect, it } from 'vitest';
import { anonClient, signedInClient } from './harness.ts';

/** Fills in and submits the local sign-in page the way a browser would; returns the redirect. */
async function submitSignInPage(authorizeUrl: string, email: string, password: string): Promise<Response> {
  const page = await fetch(authorizeUrl);
  expect(page.status).toBe(200);
  const html = await page.text();
  const hidden = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]]));
  const form = new URLSearchParams({ ...hidden, email, password });
  return fetch(new URL('authorize', authorizeUrl), {
    method: 'POST',
    body: form,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    redirect: 'manual',
  });
}

describe('PKCE sign-in through the local sign-in page', () => {
  it('exchanges the code for a session', async () => {
    const { email, password, userId } = await signedInClient();
    const client = anonClient();
    const callback = 'http://127.0.0.1:65531/callback';
    const { data, error } = await client.auth.signInWithOAuth({
      provider: 'github',
      options: { redirectTo: callback, skipBrowserRedirect: true },
    });
    expect(error).toBeNull();
    const authorizeUrl = new URL(data.url ?? '');
    expect(authorizeUrl.searchParams.get('code_challenge_method')).toBe('s256');

    const redirect = await submitSignInPage(authorizeUrl.toString(), email, password);
    expect(redirect.status).toBe(303);
    const location = new URL(redirect.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(callback);
    const code = location.searchParams.get('code') ?? '';
    expect(code).toMatch(/^[0-9a-f-]{36}$/);

    const exchanged = await client.auth.exchangeCodeForSession(code);
    expect(exchanged.error).toBeNull();
    expect(exchanged.data.user?.id).toBe(userId);
    expect((await client.auth.getUser()).data.user?.email).toBe(email);

    // An auth code is single-use.
    const again = await anonClient().auth.exchangeCodeForSession(code);
    expect(again.data.session).toBeNull();
  });

  it.each([
    'http://127.0.0.1:3000@evil.example/steal',
    'http://127.0.0.1:3000.evil.example/steal',
    '//evil.example/callback',
    'https://evil.example/callback',
  ])('sends the code to the site URL, never to the hostile redirect %s', async (hostile) => {
    const { email, password } = await signedInClient();
    const { data } = await anonClient().auth.signInWithOAuth({
      provider: 'github',
      options: { redirectTo: hostile, skipBrowserRedirect: true },
    });
    const redirect = await submitSignInPage(data.url ?? '', email, password);
    expect(redirect.status).toBe(303);
    const location = new URL(redirect.headers.get('location') ?? '');
    expect(location.host).toBe('127.0.0.1:3000');
    expect(location.username).toBe('');
    expect(location.searchParams.get('code')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a code presented with the wrong verifier', async () => {
    const { email, password } = await signedInClient();
    const victim = anonClient();
    const { data } = await victim.auth.signInWithOAuth({
      provider: 'github',
      options: { redirectTo: 'http://127.0.0.1:65531/cb', skipBrowserRedirect: true },
    });
    const redirect = await submitSignInPage(data.url ?? '', email, password);
    const code = new URL(redirect.headers.get('location') ?? '').searchParams.get('code') ?? '';

    // An attacker with the code but another client's verifier gets nothing.
    const attacker = anonClient();
    await attacker.auth.signInWithOAuth({
      provider: 'github',
      options: { redirectTo: 'http://127.0.0.1:65531/cb', skipBrowserRedirect: true },
    });
    const stolen = await attacker.auth.exchangeCodeForSession(code);
    expect(stolen.data.session).toBeNull();
    expect(stolen.error?.status).toBe(403);
  });

  it('shows the form again, escaped, on a wrong password', async () => {
    const { email } = await signedInClient();
    const { data } = await anonClient().auth.signInWithOAuth({
      provider: 'github',
      options: { redirectTo: 'http://127.0.0.1:65531/callback?x="><script>alert(1)</script>', skipBrowserRedirect: true },
    });
    const page = await fetch(data.url ?? '');
    const html = await page.text();
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&quot;&gt;&lt;script&gt;');
    const redirect = await submitSignInPage(data.url ?? '', email, 'wrong password');
    expect(redirect.status).toBe(400);
    expect(await redirect.text()).toContain('Invalid login credentials');
  });
});
