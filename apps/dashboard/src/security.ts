/**
 * Security headers and CSRF protection for every response: a strict CSP with a
 * per-request nonce for the one inline script and style, frame denial,
 * nosniff, a same-origin referrer policy; form POSTs only from our own origin
 * (on top of SameSite=Lax session cookies).
 */
import type { MiddlewareHandler } from 'hono';
import { csrf } from 'hono/csrf';
import { NONCE, secureHeaders } from 'hono/secure-headers';
import type { DashboardConfig } from './config.ts';
import type { DashboardEnv } from './env.ts';

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
    csrf(config.siteOrigin ? { origin: new URL(config.siteOrigin).origin } : {}),
    async (c, next) => {
      await next();
      // Pages show a team's data: never stored by shared caches.
      if (!c.res.headers.has('cache-control')) c.header('Cache-Control', 'private, no-store');
    },
  ];
}
