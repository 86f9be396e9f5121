/**
 * The gateway's one error type and its one error handler. Gateway refusals
 * use Kong's `{message, hint}` shape (what supabase-js and PostgREST clients
 * read from hosted Supabase); function refusals use the Edge Runtime's
 * `{code, message}`. Anything unexpected is logged and answered 500.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** A refusal the gateway answers with `status` and the JSON `body`. */
export class GatewayError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly body: { message: string; hint?: string; code?: string },
    /** Extra headers (e.g. `connection: close` for 413). */
    readonly headers: Record<string, string> = {},
  ) {
    super(body.message);
    this.name = 'GatewayError';
  }
}

/** `app.onError` for the gateway. */
export function gatewayErrorHandler(log: (line: string) => void) {
  return (error: Error, c: Context) => {
    if (error instanceof GatewayError) return c.json(error.body, error.status, error.headers);
    log(`[gateway] ${c.req.method} ${c.req.path} failed: ${error.stack ?? error.message}`);
    return c.json({ message: error.message }, 500);
  };
}
