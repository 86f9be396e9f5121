import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createAuthApp } from '../src/auth/app.ts';
import { defaultProjectRoot } from '../src/index.ts';
import { loadProjectConfig } from '../src/project-config.ts';
import { anonClient, serviceClient, signedInClient, stackInfo, unique } from './harness.ts';

describe('auth API through supabase-js', () => {
  it('signs up, signs in, refreshes and signs out', async () => {
    const { client, email, password, userId } = await signedInClient();

    const signIn = await anonClient().auth.signInWithPassword({ email, password });
    expect(signIn.error).toBeNull();
    expect(signIn.data.user?.id).toBe(userId);
    expect(signIn.data.session?.token_type).toBe('bearer');
    expect(signIn.data.session?.expires_in).toBe(3600);

    const before = (await client.auth.getSession()).data.session;
    const refreshed = await client.auth.refreshSession();
    expect(refreshed.error).toBeNull();
    expect(refreshed.data.session?.refresh_token).toBeTruthy();
    expect(refreshed.data.session?.refresh_token).not.toBe(before?.refresh_token);
    expect(refreshed.data.user?.email).toBe(email);

    const user = await client.auth.getUser();
    expect(user.error).toBeNull();
    expect(user.data.user?.id).toBe(userId);
    const accessToken = refreshed.data.session?.access_token ?? '';

    expect((await client.auth.signOut()).error).toBeNull();
    // The access token is still well-formed, but its session is gone.
    const afterSignOut = await anonClient().auth.getUser(accessToken);
    expect(afterSignOut.data.user).toBeNull();
    expect(afterSignOut.error?.name).toBe('AuthSessionMissingError');
    const raw = await fetch(`${stackInfo().authUrl}/user`, {
      headers: { apikey: stackInfo().anonKey, authorization: `Bearer ${accessToken}` },
    });
    expect(raw.status).toBe(403);
    expect(await raw.json()).toMatchObject({ error_code: 'session_not_found' });
    // And its refresh token no longer works.
    const reuse = await anonClient().auth.refreshSession({ refresh_token: refreshed.data.session?.refresh_token ?? '' });
    expect(reuse.data.session).toBeNull();
    expect(reuse.error?.code).toBe('refresh_token_not_found');
  });

  it('issues JWTs PostgREST accepts with the user as auth.uid()', async () => {
    const { client, userId } = await signedInClient();
    const { data: session } = await client.auth.getSession();
    const claims = JSON.parse(Buffer.from(session.session?.access_token.split('.')[1] ?? '', 'base64url').toString());
    expect(claims).toMatchObject({ sub: userId, role: 'authenticated', aud: 'authenticated', iss: `${stackInfo().apiUrl}/auth/v1` });
    expect(claims.exp - claims.iat).toBe(3600);
  });

  it('refuses bad credentials, duplicates and weak passwords with GoTrue error codes', async () => {
    const { email } = await signedInClient();
    const wrong = await anonClient().auth.signInWithPassword({ email, password: 'not the password' });
    expect(wrong.error?.code).toBe('invalid_credentials');
    expect(wrong.error?.status).toBe(400);

    const duplicate = await anonClient().auth.signUp({ email, password: 'another password' });
    expect(duplicate.error?.code).toBe('user_already_exists');

    const weak = await anonClient().auth.signUp({ email: `${unique('weak')}@example.test`, password: '123' });
    expect(weak.error?.code).toBe('weak_password');
  });

  it('rotated refresh tokens cannot be replayed after the reuse interval', async () => {
    const { client } = await signedInClient();
    const first = (await client.auth.getSession()).data.session?.refresh_token ?? '';
    expect((await client.auth.refreshSession()).error).toBeNull();
    // Within the reuse interval (10 s in config.toml) the old token is still accepted once more.
    const again = await anonClient().auth.refreshSession({ refresh_token: first });
    expect(again.error).toBeNull();
    const unknown = await anonClient().auth.refreshSession({ refresh_token: 'no-such-token' });
    expect(unknown.error?.code).toBe('refresh_token_not_found');
  });

  it('lets the service role create users, and nobody else', async () => {
    const email = `${unique('admin_made')}@example.test`.toLowerCase();
    const created = await serviceClient().auth.admin.createUser({
      email,
      password: 'password-123',
      email_confirm: true,
      user_metadata: { name: 'Ada' },
    });
    expect(created.error).toBeNull();
    expect(created.data.user?.email).toBe(email);
    expect(created.data.user?.user_metadata).toEqual({ name: 'Ada' });
    expect(created.data.user?.email_confirmed_at).toBeTruthy();

    const signIn = await anonClient().auth.signInWithPassword({ email, password: 'password-123' });
    expect(signIn.data.user?.id).toBe(created.data.user?.id);

    const missing = await fetch(`${stackInfo().authUrl}/admin/users/not-a-uuid`, { headers: { apikey: stackInfo().secretKey } });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error_code: 'user_not_found' });

    const asAnon = await anonClient().auth.admin.createUser({ email: `${unique('nope')}@example.test`, password: 'password-123' });
    expect(asAnon.data.user).toBeNull();
    expect(asAnon.error?.status).toBe(403);
  });

  it('refuses malformed requests with the GoTrue code and message of each endpoint', async () => {
    const post = async (path: string, body: string) => {
      const res = await fetch(`${stackInfo().authUrl}${path}`, {
        method: 'POST',
        headers: { apikey: stackInfo().anonKey, 'content-type': 'application/json' },
        body,
      });
      return { status: res.status, body: await res.json() };
    };
    expect(await post('/token?grant_type=password', 'not json')).toEqual({
      status: 400,
      body: { code: 400, error_code: 'bad_json', msg: 'Could not parse request body as JSON' },
    });
    expect(await post('/signup', JSON.stringify({ email: '  ', password: 'password-123' }))).toEqual({
      status: 400,
      body: { code: 400, error_code: 'validation_failed', msg: 'An email address and a password are required' },
    });
    expect(await post('/token?grant_type=password', JSON.stringify({ email: 'ada@example.test', password: 42 }))).toMatchObject({
      status: 400,
      body: { error_code: 'validation_failed' },
    });
    expect(await post('/token?grant_type=refresh_token', JSON.stringify({}))).toEqual({
      status: 400,
      body: { code: 400, error_code: 'validation_failed', msg: 'refresh_token required' },
    });
    expect(await post('/token?grant_type=pkce', JSON.stringify({ auth_code: 'x' }))).toEqual({
      status: 400,
      body: {
        code: 400,
        error_code: 'validation_failed',
        msg: 'invalid request: both auth code and code verifier should be non-empty',
      },
    });
    expect(await post('/token?grant_type=magic', JSON.stringify({}))).toEqual({
      status: 400,
      body: { code: 400, error_code: 'unsupported_grant_type', msg: 'Unsupported grant type "magic"' },
    });
    const admin = await fetch(`${stackInfo().authUrl}/admin/users`, {
      method: 'POST',
      headers: { apikey: stackInfo().secretKey, 'content-type': 'application/json' },
      body: JSON.stringify({ password: 'password-123' }),
    });
    expect(admin.status).toBe(400);
    expect(await admin.json()).toMatchObject({ error_code: 'validation_failed', msg: 'An email address is required' });
  });

  it('works with the new publishable key, which is not a JWT', async () => {
    const client = anonClient(stackInfo().publishableKey);
    const email = `${unique('pub')}@example.test`.toLowerCase();
    const { data, error } = await client.auth.signUp({ email, password: 'password-123' });
    expect(error).toBeNull();
    expect(data.user?.email).toBe(email);
  });
});

describe('sign-up validation and rate limits', () => {
  it.each(['not-an-email', 'ada@localhost', 'a..b@example.test', '<img src=x>@example.test'])('refuses to sign up %s', async (email) => {
    const { data, error } = await anonClient().auth.signUp({ email, password: 'password-123' });
    expect(data.user).toBeNull();
    expect(error?.status).toBe(400);
    expect(error?.code).toBe('email_address_invalid');
    const { data: listed } = await serviceClient().auth.admin.listUsers({ perPage: 1000 });
    expect(listed.users.some((u) => u.email === email)).toBe(false);
  });

  /** The real auth app on the test database, with config.toml's limits made small, called as if from `ip`. */
  async function limitedApp(limits: { signInSignUps: number; tokenRefresh: number }) {
    const config = await loadProjectConfig(defaultProjectRoot());
    expect(config.auth.rateLimit).toEqual({ signInSignUps: 30, tokenRefresh: 150 });
    const pool = new pg.Pool({ connectionString: stackInfo().dbUrl, max: 2 });
    const logged: string[] = [];
    const app = createAuthApp({
      pool,
      jwtSecret: stackInfo().jwtSecret,
      issuer: stackInfo().authUrl,
      config: { ...config.auth, rateLimit: limits },
      trustedProxies: ['10.0.9.9'],
      log: (line) => logged.push(line),
    });
    const call = (ip: string, path: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
      app.request(
        path,
        { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } },
        {
          incoming: { socket: { remoteAddress: ip } },
        },
      );
    return { call, logged, close: () => pool.end() };
  }

  it('limits sign-ins per IP address and per IP address and email, answering 429 with Retry-After', async () => {
    const { email, password } = await signedInClient();
    const { call, close } = await limitedApp({ signInSignUps: 2, tokenRefresh: 100 });
    try {
      const signIn = (ip: string, who = email) => call(ip, '/token?grant_type=password', { email: who, password });
      expect((await signIn('10.0.0.1')).status).toBe(200);
      expect((await signIn('10.0.0.1')).status).toBe(200);
      const limited = await signIn('10.0.0.1');
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await limited.json()).toMatchObject({ error_code: 'over_request_rate_limit' });
      // Same email from elsewhere: its owner is not locked out by someone else's attempts.
      expect((await signIn('10.0.0.2')).status).toBe(200);
      // Another email from a fresh address is fine; from the limited address it is not.
      const other = `${unique('rl')}@example.test`.toLowerCase();
      expect((await call('10.0.0.3', '/signup', { email: other, password: 'password-123' })).status).toBe(200);
      expect((await call('10.0.0.1', '/signup', { email: `x${other}`, password: 'password-123' })).status).toBe(429);
    } finally {
      await close();
    }
  });

  it('counts per Sb-Forwarded-For address when the caller is a trusted proxy, and ignores it from anyone else', async () => {
    const { email, password } = await signedInClient();
    const { call, close } = await limitedApp({ signInSignUps: 1, tokenRefresh: 100 });
    try {
      const signIn = (peer: string, forwarded: string) =>
        call(peer, '/token?grant_type=password', { email, password }, { 'sb-forwarded-for': forwarded });
      // Through the trusted proxy (the dashboard): each visitor has their own budget.
      expect((await signIn('10.0.9.9', '198.51.100.1')).status).toBe(200);
      expect((await signIn('10.0.9.9', '198.51.100.2')).status).toBe(200);
      expect((await signIn('10.0.9.9', '198.51.100.1')).status).toBe(429);
      // From any other peer the header is ignored: a new header value buys no new budget.
      expect((await signIn('10.0.8.8', '198.51.100.3')).status).toBe(200);
      expect((await signIn('10.0.8.8', '198.51.100.4')).status).toBe(429);
    } finally {
      await close();
    }
  });

  it('limits token refreshes per IP address', async () => {
    const { call, close } = await limitedApp({ signInSignUps: 100, tokenRefresh: 1 });
    try {
      const refresh = () => call('10.0.1.1', '/token?grant_type=refresh_token', { refresh_token: 'not-a-token' });
      expect((await refresh()).status).toBe(400);
      const limited = await refresh();
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    } finally {
      await close();
    }
  });

  it("answers an unexpected failure in GoTrue's shape and logs it to the injected logger only", async () => {
    const { call, logged, close } = await limitedApp({ signInSignUps: 100, tokenRefresh: 100 });
    await close(); // the database is gone: every query fails
    const res = await call('10.0.2.1', '/token?grant_type=password', { email: 'ada@example.test', password: 'password-123' });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ code: 500, error_code: 'unexpected_failure', msg: 'Unexpected failure, see the stack log' });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('[auth] unexpected error on POST /token');
  });
});
