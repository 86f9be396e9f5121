/** The per-request values the app's middlewares set for handlers (Hono `Env`). */
import type { Database } from '@gstack/core';
import type { SupabaseClient, User } from '@supabase/supabase-js';
import type { DashboardConfig } from './config.ts';

/** A team the signed-in user belongs to, resolved from the URL's slug. */
export interface Team {
  id: string;
  slug: string;
  name: string;
}

export type DashboardClient = SupabaseClient<Database>;

export interface DashboardEnv {
  Variables: {
    config: DashboardConfig;
    /** This request's supabase-js client: the user's session from cookies, so RLS applies. */
    supabase: DashboardClient;
    /** Set by requireUser: the user as Auth confirmed it (not just the cookie). */
    user: User;
    /** Set on /t/:slug routes. */
    team: Team;
    secureHeadersNonce?: string;
  };
}
