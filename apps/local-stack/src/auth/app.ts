/**
 * The subset of the Supabase Auth (GoTrue) HTTP API that supabase-js uses:
 * signup, token grants (password, refresh_token, pkce), user, logout,
 * authorize (PKCE with a local sign-in page) and admin user management.
 * Mounted by the gateway at /auth/v1; errors use GoTrue's
 * `{code, error_code, msg}` shape.
 */
import { createHash } from 'node:crypto';
import { emailProblem } from '@gstack/core';
import { getConnInfo } from '@hono/node-server/conninfo';
import { type Context, Hono } from 'hono';
import type pg from 'pg';
import type { ProjectConfig } from '../project-config.ts';
import { bearer, signAccessToken, verifyToken } from './jwt.ts';
import { errorPage, signInPage } from './page.ts';
import { RateLimiter } from './rate-limit.ts';
import { resolveRedirect } from './redirect.ts';
import { AuthStore, type UserRow, userJson } from './store.ts';

export interface AuthOptions {
  pool: pg.Pool;
  jwtSecret: string;
  /** Public URL of the auth API (the `iss` claim), e.g. http://127.0.0.1:54321/auth/v1. */
  issuer: string;
  config: ProjectConfig['auth'];
}

const API_VERSION = '2024-01-01';
/** GoTrue's default lifetime for a PKCE auth code. */
const FLOW_STATE_TTL_SECONDS = 300;

class AuthError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    /** Seconds, for 429 answers. */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

export function createAuthApp(options: AuthOptions): Hono {
  const store = new AuthStore(options.pool);
  const { config } = options;
  const app = new Hono();
  const limits = {
    signInByIp: new RateLimiter(config.rateLimit.signInSignUps),
    signInByEmail: new RateLimiter(config.rateLimit.signInSignUps),
    refreshByIp: new RateLimiter(config.rateLimit.tokenRefresh),
  };

  /** The caller's address as the socket says (the gateway runs in-process, so no proxy header to trust). */
  function clientIp(c: Context): string {
    try {
      return getConnInfo(c).remote.address ?? 'unknown';
    } catch {
      return 'unknown';
    }
  }

  /** Throws 429 (GoTrue's over_request_rate_limit) when any of the keyed limiters is over its limit. */
  function rateLimit(pairs: Array<[RateLimiter, string]>) {
    const wait = Math.max(0, ...pairs.map(([limiter, key]) => limiter.hit(key)));
    if (wait) throw new AuthError(429, 'over_request_rate_limit', 'Request rate limit reached', wait);
  }

  /** Sign-in and sign-up count per IP address and per email address. */
  const limitSignIn = (c: Context, email: string) =>
    rateLimit([
      [limits.signInByIp, clientIp(c)],
      [limits.signInByEmail, email.toLowerCase()],
    ]);

  app.onError((error, c) => {
    c.header('x-supabase-api-version', API_VERSION);
    if (error instanceof AuthError) {
      if (error.retryAfter) c.header('retry-after', String(error.retryAfter));
      return c.json({ code: error.status, error_code: error.errorCode, msg: error.message }, error.status as 400);
    }
    console.error('[auth] unexpected error', error);
    return c.json({ code: 500, error_code: 'unexpected_failure', msg: 'Unexpected failure, see the stack log' }, 500);
  });
  app.use('*', async (c, next) => {
    await next();
    c.header('x-supabase-api-version', API_VERSION);
  });

  async function session(
    user: UserRow,
    method: 'password' | 'pkce' | 'token_refresh',
    existing?: { sessionId: string; refreshToken: string },
  ) {
    const { sessionId, refreshToken } = existing ?? (await store.createSession(user.id));
    const { token, expiresAt } = await signAccessToken(options.jwtSecret, options.issuer, {
      userId: user.id,
      email: user.email,
      sessionId,
      appMetadata: user.raw_app_meta_data ?? {},
      userMetadata: user.raw_user_meta_data ?? {},
      method,
      expiresIn: config.jwtExpiry,
    });
    return {
      access_token: token,
      token_type: 'bearer',
      expires_in: config.jwtExpiry,
      expires_at: expiresAt,
      refresh_token: refreshToken,
      user: userJson(user),
    };
  }

  async function body(c: { req: { json(): Promise<unknown> } }): Promise<Record<string, unknown>> {
    const value = await c.req.json().catch(() => undefined);
    if (!value || typeof value !== 'object') throw new AuthError(400, 'bad_json', 'Could not parse request body as JSON');
    return value as Record<string, unknown>;
  }

  function credentials(input: Record<string, unknown>): { email: string; password: string } {
    const email = typeof input.email === 'string' ? input.email.trim() : '';
    const password = typeof input.password === 'string' ? input.password : '';
    if (!email || !password) throw new AuthError(400, 'validation_failed', 'An email address and a password are required');
    return { email, password };
  }

  /** GoTrue's answer to a malformed address (sign-up and admin user creation). */
  function checkEmail(email: string) {
    if (emailProblem(email)) throw new AuthError(400, 'email_address_invalid', 'Unable to validate email address: invalid format');
  }

  function checkPasswordStrength(password: string) {
    if (password.length < config.minimumPasswordLength) {
      throw new AuthError(422, 'weak_password', `Password should be at least ${config.minimumPasswordLength} characters.`);
    }
  }

  /** Resolves the caller from the access token, or throws 401/403 like GoTrue. */
  async function caller(header: string | undefined) {
    const token = bearer(header);
    const claims = token ? await verifyToken(options.jwtSecret, token) : null;
    if (!claims) throw new AuthError(401, 'bad_jwt', 'invalid JWT: unable to parse or verify signature, token is expired or malformed');
    if (claims.role !== 'authenticated' || !claims.sub) throw new AuthError(403, 'not_user', 'This endpoint requires a user token');
    if (claims.session_id && !(await store.sessionExists(claims.session_id))) {
      throw new AuthError(403, 'session_not_found', 'Session from session_id claim in JWT does not exist');
    }
    const user = await store.findUserById(claims.sub);
    if (!user) throw new AuthError(403, 'user_not_found', 'User from sub claim in JWT does not exist');
    return { user, sessionId: claims.session_id };
  }

  async function requireServiceRole(header: string | undefined) {
    const token = bearer(header);
    const claims = token ? await verifyToken(options.jwtSecret, token) : null;
    if (claims?.role !== 'service_role') throw new AuthError(403, 'not_admin', 'User not allowed');
  }

  app.get('/health', (c) => c.json({ version: 'gstack-local', name: 'GoTrue', description: 'gstack local stack auth' }));
  app.get('/settings', (c) =>
    c.json({
      external: { email: true, phone: false, anonymous_users: false },
      disable_signup: !config.enableSignup,
      mailer_autoconfirm: true,
      phone_autoconfirm: false,
    }),
  );

  app.post('/signup', async (c) => {
    if (!config.enableSignup) throw new AuthError(422, 'signup_disabled', 'Signups not allowed for this instance');
    const input = await body(c);
    const { email, password } = credentials(input);
    limitSignIn(c, email);
    checkEmail(email);
    checkPasswordStrength(password);
    const data = input.data && typeof input.data === 'object' ? (input.data as Record<string, unknown>) : {};
    const user = await store.createUser({ email, password, userMetadata: data, confirmed: true });
    if (!user) throw new AuthError(422, 'user_already_exists', 'User already registered');
    return c.json(await session(user, 'password'));
  });

  app.post('/token', async (c) => {
    const grant = c.req.query('grant_type');
    const input = await body(c);
    if (grant === 'password') {
      const { email, password } = credentials(input);
      limitSignIn(c, email);
      const user = await store.checkPassword(email, password);
      if (!user) throw new AuthError(400, 'invalid_credentials', 'Invalid login credentials');
      return c.json(await session(user, 'password'));
    }
    if (grant === 'refresh_token') {
      rateLimit([[limits.refreshByIp, clientIp(c)]]);
      const token = typeof input.refresh_token === 'string' ? input.refresh_token : '';
      if (!token) throw new AuthError(400, 'validation_failed', 'refresh_token required');
      const rotated = await store.rotateRefreshToken(token, config.refreshTokenReuseInterval);
      if (!rotated.ok) {
        if (rotated.reason === 'already_used')
          throw new AuthError(400, 'refresh_token_already_used', 'Invalid Refresh Token: Already Used');
        throw new AuthError(400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
      }
      const user = await store.findUserById(rotated.userId);
      if (!user) throw new AuthError(400, 'user_not_found', 'User not found');
      return c.json(await session(user, 'token_refresh', rotated));
    }
    if (grant === 'pkce') {
      const authCode = typeof input.auth_code === 'string' ? input.auth_code : '';
      const verifier = typeof input.code_verifier === 'string' ? input.code_verifier : '';
      if (!authCode || !verifier)
        throw new AuthError(400, 'validation_failed', 'invalid request: both auth code and code verifier should be non-empty');
      const flow = await store.takeFlowState(authCode, FLOW_STATE_TTL_SECONDS);
      if (!flow) throw new AuthError(404, 'flow_state_not_found', 'invalid flow state, no valid flow state found');
      const expected = flow.method === 'plain' ? verifier : createHash('sha256').update(verifier).digest('base64url');
      if (expected !== flow.codeChallenge)
        throw new AuthError(403, 'bad_code_verifier', 'code challenge does not match previously saved code verifier');
      const user = await store.findUserById(flow.userId);
      if (!user) throw new AuthError(404, 'user_not_found', 'User not found');
      return c.json(await session(user, 'pkce'));
    }
    throw new AuthError(400, 'unsupported_grant_type', `Unsupported grant type ${JSON.stringify(grant ?? '')}`);
  });

  app.get('/user', async (c) => {
    const { user } = await caller(c.req.header('authorization'));
    return c.json(userJson(user));
  });

  app.put('/user', async (c) => {
    const { user } = await caller(c.req.header('authorization'));
    const input = await body(c);
    const password = typeof input.password === 'string' ? input.password : undefined;
    if (password !== undefined) checkPasswordStrength(password);
    const data = input.data && typeof input.data === 'object' ? (input.data as Record<string, unknown>) : undefined;
    const updated = await store.updateUser(user.id, { password, userMetadata: data });
    return c.json(userJson(updated ?? user));
  });

  app.post('/logout', async (c) => {
    const { user, sessionId } = await caller(c.req.header('authorization'));
    const scope = c.req.query('scope');
    await store.signOut(user.id, sessionId, scope === 'local' || scope === 'others' ? scope : 'global');
    return c.body(null, 204);
  });

  // --- PKCE authorize with the local sign-in page -----------------------------

  const allowedRedirect = (candidate: string | undefined) => resolveRedirect(candidate, config);

  app.get('/authorize', (c) => {
    const codeChallenge = c.req.query('code_challenge') ?? '';
    if (!codeChallenge) {
      return c.html(
        errorPage(
          'This local stack supports the PKCE flow only: the request has no code_challenge. Use flowType "pkce" in supabase-js.',
        ).toString(),
        400,
      );
    }
    return c.html(
      signInPage({
        redirectTo: allowedRedirect(c.req.query('redirect_to')),
        codeChallenge,
        codeChallengeMethod: (c.req.query('code_challenge_method') ?? 's256').toLowerCase(),
        mode: c.req.query('mode') === 'signup' ? 'signup' : 'signin',
      }).toString(),
    );
  });

  /** The sign-up form's account, or why not (shown on the form). */
  async function signUpFromForm(params: { email: string }, password: string) {
    if (!config.enableSignup) return 'Signups are not allowed on this stack';
    try {
      const { email } = credentials({ email: params.email, password });
      checkPasswordStrength(password);
      return (await store.createUser({ email, password, userMetadata: {}, confirmed: true })) ?? 'User already registered';
    } catch (error) {
      return error instanceof AuthError ? error.message : 'Could not create the account';
    }
  }

  app.post('/authorize', async (c) => {
    const form = await c.req.parseBody();
    const field = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : '');
    const params = {
      redirectTo: allowedRedirect(field('redirect_to')),
      codeChallenge: field('code_challenge'),
      codeChallengeMethod: field('code_challenge_method') === 'plain' ? 'plain' : 's256',
      email: field('email'),
    };
    if (!params.codeChallenge) return c.html(errorPage('Missing code_challenge.').toString(), 400);
    try {
      limitSignIn(c, params.email);
    } catch (error) {
      if (!(error instanceof AuthError) || !error.retryAfter) throw error;
      c.header('retry-after', String(error.retryAfter));
      return c.html(signInPage({ ...params, error: 'Too many sign-in attempts: wait a few minutes and try again.' }).toString(), 429);
    }
    const user =
      field('mode') === 'signup'
        ? await signUpFromForm(params, field('password'))
        : await store.checkPassword(params.email, field('password'));
    if (typeof user === 'string') return c.html(signInPage({ ...params, mode: 'signup', error: user }).toString(), 400);
    if (!user) return c.html(signInPage({ ...params, error: 'Invalid login credentials' }).toString(), 400);
    const code = await store.createFlowState({
      userId: user.id,
      codeChallenge: params.codeChallenge,
      method: params.codeChallengeMethod,
      redirectTo: params.redirectTo,
    });
    const target = new URL(params.redirectTo);
    target.searchParams.set('code', code);
    return c.redirect(target.toString(), 303);
  });

  // --- admin (service role) ---------------------------------------------------

  app.post('/admin/users', async (c) => {
    await requireServiceRole(c.req.header('authorization'));
    const input = await body(c);
    const email = typeof input.email === 'string' ? input.email.trim() : '';
    if (!email) throw new AuthError(400, 'validation_failed', 'An email address is required');
    checkEmail(email);
    const password = typeof input.password === 'string' ? input.password : undefined;
    if (password !== undefined) checkPasswordStrength(password);
    const meta = (v: unknown) => (v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined);
    const user = await store.createUser({
      email,
      password,
      userMetadata: meta(input.user_metadata),
      appMetadata: meta(input.app_metadata),
      confirmed: input.email_confirm === true,
    });
    if (!user) throw new AuthError(422, 'email_exists', 'A user with this email address has already been registered');
    return c.json(userJson(user));
  });

  app.get('/admin/users', async (c) => {
    await requireServiceRole(c.req.header('authorization'));
    const page = Math.max(1, Number(c.req.query('page') ?? 1) || 1);
    const perPage = Math.min(1000, Math.max(1, Number(c.req.query('per_page') ?? 50) || 50));
    const { users, total } = await store.listUsers(page, perPage);
    c.header('x-total-count', String(total));
    return c.json({ users: users.map(userJson), aud: 'authenticated' });
  });

  app.get('/admin/users/:id', async (c) => {
    await requireServiceRole(c.req.header('authorization'));
    const user = await store.findUserById(c.req.param('id'));
    if (!user) throw new AuthError(404, 'user_not_found', 'User not found');
    return c.json(userJson(user));
  });

  app.delete('/admin/users/:id', async (c) => {
    await requireServiceRole(c.req.header('authorization'));
    const user = await store.findUserById(c.req.param('id'));
    if (!user || !(await store.deleteUser(user.id))) throw new AuthError(404, 'user_not_found', 'User not found');
    return c.json(userJson(user));
  });

  app.notFound((c) => c.json({ code: 404, error_code: 'not_found', msg: 'Not found' }, 404));
  return app;
}
