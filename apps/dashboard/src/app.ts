/**
 * The dashboard as one Hono app, built from injected configuration so the same
 * code runs under Node (node.ts: npm start, gstack dashboard) and Deno (the
 * `dashboard` edge function). Security headers and CSRF first, then the
 * per-request Supabase session, sign-in routes, and the team pages behind
 * requireUser and loadTeam.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { clientAddressMiddleware } from './auth/client.ts';
import { authRoutes } from './auth/routes.ts';
import { requireUser, sessionMiddleware } from './auth/session.ts';
import { type DashboardConfigInput, parseDashboardConfig } from './config.ts';
import type { DashboardEnv } from './env.ts';
import { DashboardError, notFound } from './errors.ts';
import { errorPage } from './pages/error.ts';
import { TEAM_PAGES, TEAM_POSTS } from './pages/index.ts';
import { joinInviteAction, joinInvitePage } from './pages/join.ts';
import { teamsPage } from './pages/teams.ts';
import { themeRoute } from './pages/theme.ts';
import { securityMiddleware } from './security.ts';
import { loadTeam } from './team.ts';
import { loadTeams } from './ui/team-switcher.ts';

export type { DashboardConfig, DashboardConfigInput } from './config.ts';
export { parseDashboardConfig } from './config.ts';

export function createDashboardApp(input: DashboardConfigInput & { realtimeTransport?: unknown }): Hono<DashboardEnv> {
  const config = parseDashboardConfig(input);
  // Not strict: /t/acme/ and /t/acme are the same page, and the edge function's root is /dashboard/.
  const app = new Hono<DashboardEnv>({ strict: false }).basePath(config.basePath || '/');

  app.use('*', ...securityMiddleware(config));
  app.use('*', clientAddressMiddleware(config));
  app.use('*', sessionMiddleware(config));
  app.get('/healthz', (c) => c.text('ok'));
  app.route('/', authRoutes(config));
  app.post('/theme', themeRoute);

  app.get('/', requireUser, teamsPage);
  app.get('/join/:code', requireUser, joinInvitePage);
  app.post('/join/:code', requireUser, joinInviteAction);
  // '/t/:slug/*' also matches '/t/:slug' itself: one sign-in check and team lookup per request.
  app.use('/t/:slug/*', requireUser, loadTeam);
  app.use('/t/:slug', loadTeams);
  app.use('/t/:slug/*', loadTeams);
  for (const page of TEAM_PAGES) app.get(`/t/:slug${page.path}`, page.handler);
  for (const action of TEAM_POSTS) app.post(`/t/:slug${action.path}`, action.handler);

  app.notFound((c) => errorPage(c, 404, notFound().message));
  app.onError((error, c) => {
    if (error instanceof DashboardError) return errorPage(c, error.status, error.message);
    // Hono's own refusals, such as the CSRF check's 403 for a cross-site form post.
    if (error instanceof HTTPException && error.status === 403) {
      return errorPage(c, 403, 'This form was sent from another site. Reload the page and try again.');
    }
    // Unexpected: log for the operator, show no internals to the user.
    console.error('dashboard error', error);
    return errorPage(c, 500, 'The dashboard hit an unexpected error. Try again; if it persists, check the server log.');
  });
  return app;
}
