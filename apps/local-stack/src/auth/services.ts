/**
 * What the auth routes share: the database, the project's auth settings, the
 * rate limiters, session issuing and the caller checks (user token, service
 * role). Built once per auth app; the route files hold only request handling.
 */
import { clientAddress, emailProblem, RateLimiter } from '@gstack/core';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import type pg from 'pg';
import type { ProjectConfig } from '../project-config.ts';
import { AuthDatabase, type UserRow, userJson } from './database.ts';
import { AuthError } from './errors.ts';
import { bearer, signAccessToken, verifyToken } from './jwt.ts';

export interface AuthOptions {
  pool: pg.Pool;
  jwtSecret: string;
  /** Public URL of the auth API (the `iss` claim), e.g. http://127.0.0.1:54321/auth/v1. */
  issuer: string;
  config: ProjectConfig['auth'];
  /** The stack's logger: unexpected failures go here, never to the client. */
  log: (line: string) => void;
  /**
   * Peers whose `Sb-Forwarded-For` header names the client to rate-limit (Supabase's header for a
   * server that signs users in, like the dashboard). From anyone else the header is ignored.
   */
  trustedProxies?: readonly string[];
}

/** How a session was started (the token's `amr`). */
export type SessionMethod = 'password' | 'pkce' | 'token_refresh';

/** The shared parts of the auth app, handed to every route file. */
export interface AuthServices {
  db: AuthDatabase;
  config: ProjectConfig['auth'];
  /** A new session for `user` (or the rotated `existing` one), as GoTrue's token response. */
  session(user: UserRow, method: SessionMethod, existing?: { sessionId: string; refreshToken: string }): Promise<Record<string, unknown>>;
  /** The signed-in user behind the request's bearer token, or 401/403 like GoTrue. */
  caller(c: Context): Promise<{ user: UserRow; sessionId: string | undefined }>;
  /** 403 unless the bearer token is the service role's. */
  requireServiceRole(c: Context): Promise<void>;
  /** Counts a sign-in or sign-up per IP address and per IP address and email together (429 over the limit). */
  limitSignIn(c: Context, email: string): void;
  /** Counts a token refresh per IP address (429 over the limit). */
  limitRefresh(c: Context): void;
  /** GoTrue's answer to a malformed address (sign-up and admin user creation). */
  checkEmail(email: string): void;
  /** 422 weak_password below config.toml's minimum length. */
  checkPasswordStrength(password: string): void;
}

/**
 * The caller's address: the socket's peer (the gateway runs in-process, so that is the client), or
 * the `Sb-Forwarded-For` address when the peer is a trusted proxy such as the dashboard.
 */
function clientIp(c: Context, trustedProxies: readonly string[]): string {
  let peer: string | undefined;
  try {
    peer = getConnInfo(c).remote.address;
  } catch {
    peer = undefined;
  }
  return clientAddress({ peer, forwarded: c.req.header('sb-forwarded-for'), trustedProxies, pick: 'first' }) ?? 'unknown';
}

/** Throws 429 (GoTrue's over_request_rate_limit) when any of the keyed limiters is over its limit. */
function rateLimit(pairs: Array<[RateLimiter, string]>): void {
  const wait = Math.max(0, ...pairs.map(([limiter, key]) => limiter.hit(key)));
  if (wait) throw new AuthError(429, 'over_request_rate_limit', 'Request rate limit reached', wait);
}

export function authServices(options: AuthOptions): AuthServices {
  const db = new AuthDatabase(options.pool);
  const { config } = options;
  const trustedProxies = options.trustedProxies ?? [];
  const limits = {
    signInByIp: new RateLimiter(config.rateLimit.signInSignUps),
    // Address and email together, not the email alone: wrong passwords from one address must not lock
    // the account's owner out everywhere (GoTrue counts sign-ins per address only).
    signInByIpAndEmail: new RateLimiter(config.rateLimit.signInSignUps),
    refreshByIp: new RateLimiter(config.rateLimit.tokenRefresh),
  };
  const claimsOf = async (c: Context) => {
    const token = bearer(c.req.header('authorization'));
    return token ? await verifyToken(options.jwtSecret, token) : null;
  };

  return {
    db,
    config,
    async session(user, method, existing) {
      const { sessionId, refreshToken } = existing ?? (await db.createSession(user.id));
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
    },
    async caller(c) {
      const claims = await claimsOf(c);
      if (!claims) throw new AuthError(401, 'bad_jwt', 'invalid JWT: unable to parse or verify signature, token is expired or malformed');
      if (claims.role !== 'authenticated' || !claims.sub) throw new AuthError(403, 'not_user', 'This endpoint requires a user token');
      if (claims.session_id && !(await db.sessionExists(claims.session_id))) {
        throw new AuthError(403, 'session_not_found', 'Session from session_id claim in JWT does not exist');
      }
      const user = await db.findUserById(claims.sub);
      if (!user) throw new AuthError(403, 'user_not_found', 'User from sub claim in JWT does not exist');
      return { user, sessionId: claims.session_id };
    },
    async requireServiceRole(c) {
      if ((await claimsOf(c))?.role !== 'service_role') throw new AuthError(403, 'not_admin', 'User not allowed');
    },
    limitSignIn(c, email) {
      const ip = clientIp(c, trustedProxies);
      rateLimit([
        [limits.signInByIp, ip],
        [limits.signInByIpAndEmail, `${ip} ${email.toLowerCase()}`],
      ]);
    },
    limitRefresh(c) {
      rateLimit([[limits.refreshByIp, clientIp(c, trustedProxies)]]);
    },
    checkEmail(email) {
      if (emailProblem(email)) throw new AuthError(400, 'email_address_invalid', 'Unable to validate email address: invalid format');
    },
    checkPasswordStrength(password) {
      if (password.length < config.minimumPasswordLength) {
        throw new AuthError(422, 'weak_password', `Password should be at least ${config.minimumPasswordLength} characters.`);
      }
    },
  };
}
