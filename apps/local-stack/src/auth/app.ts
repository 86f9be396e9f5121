/**
 * The subset of the Supabase Auth (GoTrue) HTTP API that supabase-js uses, as
 * one Hono app: signup, token grants (password, refresh_token, pkce), user,
 * logout, authorize (PKCE with a local sign-in page) and admin user
 * management. Mounted by the gateway at /auth/v1. Request bodies are checked
 * with zod (schemas.ts); every error is answered by one handler in GoTrue's
 * `{code, error_code, msg}` shape (errors.ts).
 */
import { Hono } from 'hono';
import { API_VERSION, authErrorHandler } from './errors.ts';
import { adminRoutes } from './routes/admin.ts';
import { authorizeRoutes } from './routes/authorize.ts';
import { signInRoutes } from './routes/sign-in.ts';
import { userRoutes } from './routes/user.ts';
import { type AuthOptions, authServices } from './services.ts';

export type { AuthOptions } from './services.ts';

/** The auth API on the stack's database; `options.log` receives unexpected failures. */
export function createAuthApp(options: AuthOptions): Hono {
  const auth = authServices(options);
  const { config } = options;
  const app = new Hono();
  app.onError(authErrorHandler(options.log));
  app.use('*', async (c, next) => {
    await next();
    c.header('x-supabase-api-version', API_VERSION);
  });

  app.get('/health', (c) => c.json({ version: 'gstack-local', name: 'GoTrue', description: 'gstack local stack auth' }));
  app.get('/settings', (c) =>
    c.json({
      external: { email: true, phone: false, anonymous_users: false },
      disable_signup: !config.enableSignup,
      mailer_autoconfirm: true,
      phone_autoconfirm: false,
    }),
  );
  app.route('/', signInRoutes(auth));
  app.route('/', userRoutes(auth));
  app.route('/', authorizeRoutes(auth));
  app.route('/admin', adminRoutes(auth));

  app.notFound((c) => c.json({ code: 404, error_code: 'not_found', msg: 'Not found' }, 404));
  return app;
}
