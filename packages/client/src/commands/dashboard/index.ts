/**
 * `gstack dashboard [--port N]`: serves the team dashboard (apps/dashboard, the
 * Node entry) on this machine against the configured Supabase project
 * (`.gstack-sync.json` or GSTACK_SUPABASE_URL / GSTACK_SUPABASE_ANON_KEY),
 * until Ctrl-C. Teammates sign in with their own accounts; every read uses
 * their session, so the store's row-level security decides what they see.
 */
import type { Command } from 'commander';
import { UserError } from '../../errors.ts';
import { loadSyncConfig } from '../../sync/config.ts';

export const DEFAULT_DASHBOARD_PORT = 3000;

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new UserError(`--port must be an integer between 0 and 65535, not ${JSON.stringify(value)}`);
  return n;
}

export function registerDashboard(program: Command): void {
  program
    .command('dashboard')
    .description("Serve the team dashboard against your team's Supabase project (until Ctrl-C)")
    .option('--port <n>', `port to listen on (0: any free port)`, String(DEFAULT_DASHBOARD_PORT))
    .option('--host <host>', 'address to listen on (0.0.0.0 to serve other machines, behind https)', '127.0.0.1')
    .option('--site-origin <url>', 'the public origin browsers use, when behind a proxy (CSRF check, OAuth callback)')
    .option('--provider <name...>', 'offer "Continue with <provider>" sign-in (Supabase provider names, e.g. github)')
    .option(
      '--trusted-proxy <address...>',
      "a reverse proxy's address whose X-Forwarded-For names the visitor (sign-in limits count per visitor)",
    )
    .addHelpText(
      'after',
      `
The Supabase URL and publishable (anon) key come from .gstack-sync.json (gstack-sync setup)
or GSTACK_SUPABASE_URL and GSTACK_SUPABASE_ANON_KEY. See docs/dashboard.md.`,
    )
    .action(async (flags: { port: string; host: string; siteOrigin?: string; provider?: string[]; trustedProxy?: string[] }) => {
      const config = loadSyncConfig(process.cwd(), process.env);
      if (!config.supabaseUrl || !config.anonKey) {
        throw new UserError(
          'no Supabase project configured: run `gstack-sync setup` in your repository, or set GSTACK_SUPABASE_URL and GSTACK_SUPABASE_ANON_KEY',
        );
      }
      // Loaded on use: the server's dependencies stay out of every other command's start-up.
      const { startDashboard } = await import('@gstack/dashboard/node');
      let dashboard: Awaited<ReturnType<typeof startDashboard>>;
      try {
        dashboard = await startDashboard({
          port: port(flags.port),
          host: flags.host,
          supabaseUrl: config.supabaseUrl.value,
          supabaseKey: config.anonKey.value,
          siteOrigin: flags.siteOrigin,
          providers: flags.provider ?? [],
          trustedProxies: flags.trustedProxy ?? [],
        });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE') throw new UserError(`port ${flags.port} is in use: pick another with --port`, 1);
        if (error instanceof Error && error.message.startsWith('dashboard configuration:')) throw new UserError(error.message);
        throw error;
      }
      process.stdout.write(
        `Dashboard  ${dashboard.url}  (Supabase ${config.supabaseUrl.value}, from ${config.supabaseUrl.source})\nPress Ctrl-C to stop.\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => void dashboard.close().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
