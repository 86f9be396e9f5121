/**
 * GET/POST /authorize: the PKCE flow with the local sign-in page standing in
 * for a hosted identity provider. The page posts back here; a good sign-in
 * (or sign-up) stores a flow state and redirects to the validated
 * `redirect_to` with `?code=`. Answers are HTML pages, not JSON.
 */
import { Hono } from 'hono';
import { AuthError } from '../errors.ts';
import { errorPage, signInPage } from '../page.ts';
import { resolveRedirect } from '../redirect.ts';
import { authorizeForm, authorizeParams, CREDENTIALS_REQUIRED, credentialsBody, parseInput } from '../schemas.ts';
import type { AuthServices } from '../services.ts';

export function authorizeRoutes(auth: AuthServices): Hono {
  const { db, config } = auth;
  const app = new Hono();
  const allowedRedirect = (candidate: string) => resolveRedirect(candidate, config);

  app.get('/authorize', (c) => {
    const query = authorizeParams.parse(c.req.query());
    if (!query.code_challenge) {
      return c.html(
        errorPage(
          'This local stack supports the PKCE flow only: the request has no code_challenge. Use flowType "pkce" in supabase-js.',
        ).toString(),
        400,
      );
    }
    return c.html(
      signInPage({
        redirectTo: allowedRedirect(query.redirect_to),
        codeChallenge: query.code_challenge,
        codeChallengeMethod: (query.code_challenge_method || 's256').toLowerCase(),
        mode: query.mode,
      }).toString(),
    );
  });

  /** The sign-up form's account, or why not (shown on the form). */
  async function signUpFromForm(form: { email: string; password: string }) {
    if (!config.enableSignup) return 'Signups are not allowed on this stack';
    try {
      const { email, password } = parseInput(credentialsBody, form, CREDENTIALS_REQUIRED);
      auth.checkPasswordStrength(password);
      return (await db.createUser({ email, password, userMetadata: {}, confirmed: true })) ?? 'User already registered';
    } catch (error) {
      return error instanceof AuthError ? error.message : 'Could not create the account';
    }
  }

  app.post('/authorize', async (c) => {
    const form = authorizeForm.parse(await c.req.parseBody());
    const params = {
      redirectTo: allowedRedirect(form.redirect_to),
      codeChallenge: form.code_challenge,
      codeChallengeMethod: form.code_challenge_method === 'plain' ? 'plain' : 's256',
      email: form.email,
    };
    if (!params.codeChallenge) return c.html(errorPage('Missing code_challenge.').toString(), 400);
    try {
      auth.limitSignIn(c, params.email);
    } catch (error) {
      if (!(error instanceof AuthError) || !error.retryAfter) throw error;
      c.header('retry-after', String(error.retryAfter));
      return c.html(signInPage({ ...params, error: 'Too many sign-in attempts: wait a few minutes and try again.' }).toString(), 429);
    }
    const user = form.mode === 'signup' ? await signUpFromForm(form) : await db.checkPassword(params.email, form.password);
    if (typeof user === 'string') return c.html(signInPage({ ...params, mode: 'signup', error: user }).toString(), 400);
    if (!user) return c.html(signInPage({ ...params, error: 'Invalid login credentials' }).toString(), 400);
    const code = await db.createFlowState({
      userId: user.id,
      codeChallenge: params.codeChallenge,
      method: params.codeChallengeMethod,
      redirectTo: params.redirectTo,
    });
    const target = new URL(params.redirectTo);
    target.searchParams.set('code', code);
    return c.redirect(target.toString(), 303);
  });

  return app;
}
