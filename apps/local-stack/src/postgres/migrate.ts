/**
 * Bootstrap (the Supabase image's roles, schemas and auth helpers) followed by
 * every migration in supabase/migrations, applied by the real supabase CLI so
 * local and hosted databases are migrated the same way.
 */
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { StackError } from '../errors.ts';
import { runSupabaseCli, withSslDisabled } from './supabase-cli.ts';

const BOOTSTRAP_SQL = new URL('./bootstrap.sql', import.meta.url);

export async function bootstrap(url: string): Promise<void> {
  const sql = await readFile(BOOTSTRAP_SQL, 'utf8');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Two stacks never share a cluster, but a lock keeps concurrent callers honest.
    await client.query('select pg_advisory_lock(7306)');
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Runs `supabase db push --remote=<url> --include-all --yes` from the project root. */
export async function pushMigrations(url: string, projectRoot: string): Promise<string> {
  const args = ['db', 'push', `--remote=${withSslDisabled(url)}`, '--include-all', '--yes', '--workdir', projectRoot];
  const { exitCode, output } = await runSupabaseCli(args, projectRoot);
  if (exitCode !== 0) {
    throw new StackError(
      `Applying migrations failed (supabase db push exited with ${exitCode}):\n${output.trim()}`,
      'Fix the migration named above; the database keeps every migration that applied before it.',
    );
  }
  return output;
}

/** Tells PostgREST to reload its schema cache (after migrations or test DDL). */
export async function reloadSchema(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("notify pgrst, 'reload schema'");
  } finally {
    await client.end();
  }
}

/**
 * Lets team settings point Slack webhooks at the stack's own Slack sink: the
 * security migration refuses every host but Slack's unless its origin is listed
 * in private.webhook_allowed_origins (empty on a real deployment).
 */
export async function allowWebhookOrigin(url: string, origin: string, reason: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      'insert into private.webhook_allowed_origins (origin, reason) values ($1, $2) on conflict (origin) do update set reason = excluded.reason',
      [origin, reason],
    );
  } finally {
    await client.end();
  }
}

/**
 * Sets the Vault secrets `private.invoke_function` reads (docs/alerts.md), with Vault's own
 * functions, as an admin does once on a hosted project: creates each, or updates it in place.
 */
export async function setVaultSecrets(url: string, secrets: Record<string, string>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const [name, value] of Object.entries(secrets)) {
      const { rows } = await client.query<{ id: string }>('select id from vault.secrets where name = $1', [name]);
      if (rows[0]) await client.query('select vault.update_secret($1, $2)', [rows[0].id, value]);
      else await client.query('select vault.create_secret($1, $2)', [value, name]);
    }
  } finally {
    await client.end();
  }
}
