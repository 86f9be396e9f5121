/** The gateway app's Hono environment: node's request/response (for the streaming proxy) and what the apikey check decided. */
import type { HttpBindings } from '@hono/node-server';

export interface GatewayEnv {
  Bindings: HttpBindings;
  Variables: {
    /** The Authorization header to send upstream (the role's JWT when the caller sent only an apikey). */
    authorization: string | undefined;
    /** The query string to send upstream (`?…` or ''), without the apikey. */
    search: string;
  };
}
