/** `POST /theme`: the header's theme toggle (ui/theme.ts) stores the choice and returns to the page. */

import type { Handler } from 'hono';
import { setCookie } from 'hono/cookie';
import { safeNext } from '../auth/session.ts';
import type { DashboardEnv } from '../env.ts';
import { href, publicPath } from '../ui/layout.ts';
import { THEME_COOKIE, THEMES } from '../ui/theme.ts';

/** Stores the theme for a year (an unknown value changes nothing) and goes back to a same-site path. */
export const themeRoute: Handler<DashboardEnv> = async (c) => {
  const form = await c.req.parseBody();
  const theme = THEMES.find((t) => t === form.theme);
  if (theme) {
    const config = c.var.config;
    setCookie(c, THEME_COOKIE, theme, {
      path: publicPath(config) || '/',
      maxAge: 365 * 86_400,
      httpOnly: true,
      sameSite: 'Lax',
      secure: config.cookieSecure ?? (config.siteOrigin ?? c.req.url).startsWith('https:'),
    });
  }
  return c.redirect(href(c, safeNext(typeof form.next === 'string' ? form.next : undefined)), 303);
};
