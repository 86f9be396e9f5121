/** The per-request values the app's middlewares set for handlers (Hono `Env`). */
import type { Database } from '@gstack/core';
import type { createServerClient } from '@supabase/ssr';
import type { DashboardConfig } from './config.ts';

/** A team the signed-in user belongs to, resolved from the URL's slug. */
export interface Team {
  id: string;
  slug: string;
  name: string;
}

/**
 * The typed client. Taken from @supabase/ssr's own return type so both runtimes agree on it
 * (Deno may resolve a different supabase-js copy than the one the app imports for types).
 */
export type DashboardClient = ReturnType<typeof createServerClient<Database>>;
export type DashboardUser = NonNullable<Awaited<ReturnType<DashboardClient['auth']['getUser']>>['data']['user']>;

export interface DashboardEnv {
  Variables: {
    config: DashboardConfig;
    /** This request's supabase-js client: the user's session from cookies, so RLS applies. */
    supabase: DashboardClient;
    /** Set by requireUser: the user as Auth confirmed it (not just the cookie). */
    user: DashboardUser;
    /** Set on /t/:slug routes. */
    team: Team;
    /** Set on /t/:slug routes: every team the user belongs to (the header's switcher). */
    teams?: Team[];
    secureHeadersNonce?: string;
    /** The visitor's address (auth/client.ts), when the runtime tells it. */
    clientAddress?: string;
  };
}
