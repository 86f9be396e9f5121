/**
 * dashboard: the team dashboard as an edge function, the same Hono app the
 * Node server runs (apps/dashboard). Hosted Supabase serves text/html from the
 * default functions domain as text/plain, so browsers need a custom domain in
 * front of it (docs/dashboard.md). Configuration comes from the function's
 * environment: SUPABASE_URL and SUPABASE_ANON_KEY (set by Supabase), and the
 * optional DASHBOARD_SITE_ORIGIN (default: the origin of SUPABASE_URL), DASHBOARD_PUBLIC_PATH, DASHBOARD_OAUTH_PROVIDERS,
 * DASHBOARD_TRUSTED_PROXIES (default `*`: the function is reached only through Supabase's gateway,
 * whose X-Forwarded-For names the visitor) and DASHBOARD_CLIENT_ADDRESS_HEADER (a header holding the
 * visitor's address alone, such as cf-connecting-ip, read instead of X-Forwarded-For).
 */
import { createDashboardApp } from '@gstack/dashboard';

const env = (name: string) => Deno.env.get(name)?.trim() || undefined;

const supabaseUrl = env('SUPABASE_URL') ?? '';
const app = createDashboardApp({
  supabaseUrl,
  supabaseKey: env('SUPABASE_ANON_KEY') ?? '',
  // The function sees a proxied request URL, so the origin browsers use must be known: the custom
  // domain in DASHBOARD_SITE_ORIGIN, else the project URL's origin (the CSRF check and OAuth callback use it).
  siteOrigin: env('DASHBOARD_SITE_ORIGIN') ?? (URL.canParse(supabaseUrl) ? new URL(supabaseUrl).origin : undefined),
  // Supabase routes /functions/v1/dashboard/* here as /dashboard/*.
  basePath: '/dashboard',
  // An empty value is meaningful: a proxy maps the domain's root to the function.
  publicPath: Deno.env.get('DASHBOARD_PUBLIC_PATH')?.trim() ?? '/functions/v1/dashboard',
  providers: list(env('DASHBOARD_OAUTH_PROVIDERS') ?? ''),
  trustedProxies: list(env('DASHBOARD_TRUSTED_PROXIES') ?? '*'),
  clientAddressHeader: env('DASHBOARD_CLIENT_ADDRESS_HEADER'),
});

function list(value: string): string[] {
  return value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}

// The connection info goes along as the app's bindings: the sign-in limit reads the peer's address.
Deno.serve((request, info) => app.fetch(request, info));
