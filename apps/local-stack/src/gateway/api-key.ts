/**
 * The gateway's apikey check, as Supabase's Kong does it: the key comes in the
 * `apikey` header or `?apikey=`; it must be one of the stack's four keys; a
 * missing bearer token, or a bearer that is the (opaque, non-JWT) key itself,
 * becomes the key's role JWT. The key never reaches the upstream's query string.
 */
import type { MiddlewareHandler } from 'hono';
import { bearer } from '../auth/jwt.ts';
import type { StackKeys } from '../keys.ts';
import type { GatewayEnv } from './env.ts';
import { GatewayError } from './errors.ts';

export interface ApiKeyOptions {
  /** Whether a request without a key is refused (per path, e.g. auth routes a browser opens directly). */
  required: boolean | ((path: string) => boolean);
}

/** Middleware that checks the apikey and sets `authorization`, `pathname` and `search` for the upstream. */
export function apiKey(keys: StackKeys, options: ApiKeyOptions): MiddlewareHandler<GatewayEnv> {
  const roleJwtOfKey = new Map<string, string>([
    [keys.anonKey, keys.anonKey],
    [keys.publishableKey, keys.anonKey],
    [keys.serviceRoleKey, keys.serviceRoleKey],
    [keys.secretKey, keys.serviceRoleKey],
  ]);
  return async (c, next) => {
    const url = new URL(c.req.url);
    const key = c.req.header('apikey') ?? url.searchParams.get('apikey') ?? undefined;
    let authorization = c.req.header('authorization');
    if (key) {
      const jwt = roleJwtOfKey.get(key);
      if (!jwt)
        throw new GatewayError(401, { message: 'Invalid API key', hint: 'Double check your Supabase `anon` or `service_role` API key.' });
      const token = bearer(authorization);
      if (!token || token === key) authorization = `Bearer ${jwt}`;
      // The key is a credential, not a filter: upstream services never see it in the query.
      url.searchParams.delete('apikey');
    } else if (typeof options.required === 'function' ? options.required(url.pathname) : options.required) {
      throw new GatewayError(401, { message: 'No API key found in request', hint: 'No `apikey` request header or url param was found.' });
    }
    c.set('authorization', authorization);
    c.set('pathname', url.pathname);
    c.set('search', url.search);
    await next();
  };
}
