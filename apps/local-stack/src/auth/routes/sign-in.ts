/**
 * POST /signup and POST /token: the grants supabase-js uses (password,
 * refresh_token, pkce). Each answers GoTrue's session response.
 */
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { AuthError } from '../errors.ts';
import { CREDENTIALS_REQUIRED, credentialsBody, jsonBody, parseInput, pkceBody, readBody, refreshTokenBody } from '../schemas.ts';
import type { AuthServices } from '../services.ts';

/** GoTrue's default lifetime for a PKCE auth code. */
const FLOW_STATE_TTL_SECONDS = 300;

export function signInRoutes(auth: AuthServices): Hono {
  const { db, config } = auth;
  const app = new Hono();

  app.post('/signup', async (c) => {
    if (!config.enableSignup) throw new AuthError(422, 'signup_disabled', 'Signups not allowed for this instance');
    const { email, password, data } = await readBody(c, credentialsBody, CREDENTIALS_REQUIRED);
    auth.limitSignIn(c, email);
    auth.checkEmail(email);
    auth.checkPasswordStrength(password);
    const user = await db.createUser({ email, password, userMetadata: data ?? {}, confirmed: true });
    if (!user) throw new AuthError(422, 'user_already_exists', 'User already registered');
    return c.json(await auth.session(user, 'password'));
  });

  app.post('/token', async (c) => {
    const grant = c.req.query('grant_type');
    const input = await jsonBody(c);
    if (grant === 'password') {
      const { email, password } = parseInput(credentialsBody, input, CREDENTIALS_REQUIRED);
      auth.limitSignIn(c, email);
      const user = await db.checkPassword(email, password);
      if (!user) throw new AuthError(400, 'invalid_credentials', 'Invalid login credentials');
      // GoTrue's answer for an address nobody confirmed (a user the admin API created with email_confirm false).
      if (!user.email_confirmed_at) throw new AuthError(400, 'email_not_confirmed', 'Email not confirmed');
      return c.json(await auth.session(user, 'password'));
    }
    if (grant === 'refresh_token') {
      auth.limitRefresh(c);
      const body = parseInput(refreshTokenBody, input, { errorCode: 'validation_failed', message: 'refresh_token required' });
      const rotated = await db.rotateRefreshToken(body.refresh_token, config.refreshTokenReuseInterval);
      if (!rotated.ok) {
        if (rotated.reason === 'already_used')
          throw new AuthError(400, 'refresh_token_already_used', 'Invalid Refresh Token: Already Used');
        throw new AuthError(400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
      }
      const user = await db.findUserById(rotated.userId);
      if (!user) throw new AuthError(400, 'user_not_found', 'User not found');
      return c.json(await auth.session(user, 'token_refresh', rotated));
    }
    if (grant === 'pkce') {
      const body = parseInput(pkceBody, input, {
        errorCode: 'validation_failed',
        message: 'invalid request: both auth code and code verifier should be non-empty',
      });
      const flow = await db.takeFlowState(body.auth_code, FLOW_STATE_TTL_SECONDS);
      if (!flow) throw new AuthError(404, 'flow_state_not_found', 'invalid flow state, no valid flow state found');
      const expected = flow.method === 'plain' ? body.code_verifier : createHash('sha256').update(body.code_verifier).digest('base64url');
      if (expected !== flow.codeChallenge)
        throw new AuthError(403, 'bad_code_verifier', 'code challenge does not match previously saved code verifier');
      const user = await db.findUserById(flow.userId);
      if (!user) throw new AuthError(404, 'user_not_found', 'User not found');
      return c.json(await auth.session(user, 'pkce'));
    }
    throw new AuthError(400, 'unsupported_grant_type', `Unsupported grant type ${JSON.stringify(grant ?? '')}`);
  });

  return app;
}
