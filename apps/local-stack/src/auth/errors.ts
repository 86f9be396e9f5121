/**
 * The auth API's one error type and its one error handler: every failure is
 * answered in GoTrue's `{code, error_code, msg}` shape, so supabase-js maps it
 * to the same AuthApiError (status, code) it gets from hosted Supabase.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** GoTrue's API version header, sent on every answer. */
export const API_VERSION = '2024-01-01';

/** A failure GoTrue would answer with `status` and `errorCode`. */
export class AuthError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly errorCode: string,
    message: string,
    /** Seconds, for 429 answers (sent as Retry-After). */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

/** `app.onError` for the auth app: AuthErrors as GoTrue answers them; anything else is a bug, logged and answered 500. */
export function authErrorHandler(log: (line: string) => void) {
  return (error: Error, c: Context) => {
    c.header('x-supabase-api-version', API_VERSION);
    if (error instanceof AuthError) {
      if (error.retryAfter) c.header('retry-after', String(error.retryAfter));
      return c.json({ code: error.status, error_code: error.errorCode, msg: error.message }, error.status);
    }
    log(`[auth] unexpected error on ${c.req.method} ${c.req.path}: ${error.stack ?? error.message}`);
    return c.json({ code: 500, error_code: 'unexpected_failure', msg: 'Unexpected failure, see the stack log' }, 500);
  };
}
