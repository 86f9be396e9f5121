/**
 * Sign-in routes: the password form (/login), OAuth through PKCE
 * (/login/:provider then /auth/callback), and sign-out (POST /logout).
 * Sessions land in cookies through the request's @supabase/ssr client.
 */
import { Hono } from 'hono';
import type { DashboardConfig } from '../config.ts';
import type { DashboardEnv } from '../env.ts';
import { loginPage } from '../pages/login.ts';
import { href } from '../ui/layout.ts';
import { safeNext } from './session.ts';
import { signInLimiter } from './sign-in-limit.ts';

export function authRoutes(config: DashboardConfig): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>();
  const limiter = signInLimiter(config);

  app.get('/login', (c) => loginPage(c, { next: safeNext(c.req.query('next')) }));

  app.post('/login', async (c) => {
    const form = await c.req.parseBody();
    const email = typeof form.email === 'string' ? form.email.trim() : '';
    const password = typeof form.password === 'string' ? form.password : '';
    const next = safeNext(typeof form.next === 'string' ? form.next : undefined);
    if (!email || !password) return loginPage(c, { next, email, error: 'Enter your email and password.', status: 400 });
    const wait = limiter.hit(c.var.clientAddress, email);
    if (wait) {
      c.header('Retry-After', String(wait));
      const minutes = Math.ceil(wait / 60);
      const error = `Too many sign-in attempts from your address. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
      return loginPage(c, { next, email, error, status: 429 });
    }
    const { error } = await c.var.supabase.auth.signInWithPassword({ email, password });
    if (error) {
      const message = error.status === 400 ? 'Wrong email or password.' : `Sign-in failed: ${error.message}`;
      return loginPage(c, { next, email, error: message, status: 400 });
    }
    return c.redirect(href(c, next), 303);
  });

  app.get('/login/:provider', async (c) => {
    const provider = c.req.param('provider');
    if (!c.var.config.providers.includes(provider)) return c.notFound();
    const callback = new URL(href(c, '/auth/callback'), c.var.config.siteOrigin ?? c.req.url);
    callback.searchParams.set('next', safeNext(c.req.query('next')));
    const { data, error } = await c.var.supabase.auth.signInWithOAuth({
      provider: provider as 'github',
      options: { redirectTo: callback.toString(), skipBrowserRedirect: true },
    });
    if (error || !data.url)
      return loginPage(c, { next: '/', error: `Could not start sign-in: ${error?.message ?? 'no URL'}`, status: 400 });
    return c.redirect(data.url, 303);
  });

  app.get('/auth/callback', async (c) => {
    const code = c.req.query('code');
    const next = safeNext(c.req.query('next'));
    const problem = c.req.query('error_description') ?? c.req.query('error');
    if (problem || !code)
      return loginPage(c, { next, error: `Sign-in did not complete: ${problem ?? 'no code in the callback'}`, status: 400 });
    const { error } = await c.var.supabase.auth.exchangeCodeForSession(code);
    if (error) return loginPage(c, { next, error: `Sign-in did not complete: ${error.message}`, status: 400 });
    return c.redirect(href(c, next), 303);
  });

  app.post('/logout', async (c) => {
    // Local scope: this browser only; other devices keep their sessions.
    await c.var.supabase.auth.signOut({ scope: 'local' });
    return c.redirect(href(c, '/login'), 303);
  });

  return app;
}
