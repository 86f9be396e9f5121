import { describe, expect, it } from 'vitest';
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

  it('works with the new publishable key, which is not a JWT', async () => {
    const client = anonClient(stackInfo().publishableKey);
    const email = `${unique('pub')}@example.test`.toLowerCase();
    const { data, error } = await client.auth.signUp({ email, password: 'password-123' });
    expect(error).toBeNull();
    expect(data.user?.email).toBe(email);
  });
});
