/**
 * Security headers and CSRF protection for every response: a strict CSP with a
 * per-request nonce for the one inline script and style, frame denial,
 * nosniff, a same-origin referrer policy; form POSTs only from our own origin
 * (on top of SameSite=Lax session cookies); request bodies of at most
 * FORM_BODY_LIMIT bytes (the forms are a few fields: a bigger body is refused
 * with 413 before it is read, or as soon as it passes the limit).
 */
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { csrf } from 'hono/csrf';
import { NONCE, secureHeaders } from 'hono/secure-headers';
import type { DashboardConfig } from './config.ts';
import type { DashboardEnv } from './env.ts';
import { errorPage } from './pages/error.ts';

/** The largest form body the dashboard reads (its biggest form, the team settings, is under 2 KB). */
export const FORM_BODY_LIMIT = 32 * 1024;

export function securityMiddleware(config: DashboardConfig): MiddlewareHandler<DashboardEnv>[] {
  return [
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        scriptSrc: [NONCE],
        styleSrc: [NONCE],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
        connectSrc: ["'self'"],
      },
      xFrameOptions: 'DENY',
      xContentTypeOptions: 'nosniff',
      referrerPolicy: 'same-origin',
      crossOriginResourcePolicy: 'same-origin',
    }),
    bodyLimit({
      maxSize: FORM_BODY_LIMIT,
      onError: (c) => {
        c.header('Connection', 'close');
        return errorPage(c, 413, `This form sent more than ${FORM_BODY_LIMIT / 1024} KB; the dashboard's forms need far less.`);
      },
    }),
    csrf(config.siteOrigin ? { origin: new URL(config.siteOrigin).origin } : {}),
    async (c, next) => {
      await next();
      // Pages show a team's data: never stored by shared caches.
      if (!c.res.headers.has('cache-control')) c.header('Cache-Control', 'private, no-store');
    },
  ];
}
