/**
 * Bootstrap (the Supabase image's roles, schemas and auth helpers) followed by
 * every migration in supabase/migrations, applied by the real supabase CLI so
 * local and hosted databases are migrated the same way.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { supabaseCliBinary } from '../binaries.ts';
import { StackError } from '../errors.ts';

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

export interface MigrateResult {
  output: string;
}

/** Runs `supabase db push --remote=<url> --include-all --yes` from the project root. */
export async function pushMigrations(url: string, projectRoot: string): Promise<MigrateResult> {
  const cli = supabaseCliBinary();
  const args = ['db', 'push', `--remote=${withSslDisabled(url)}`, '--include-all', '--yes', '--workdir', projectRoot];
  return new Promise((resolve, reject) => {
    const child = spawn(cli, args, {
      cwd: projectRoot,
      env: { ...process.env, SUPABASE_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.on('error', (error) => reject(new StackError(`Could not run the supabase CLI: ${error.message}`, 'Run `npm install`.')));
    child.on('close', (code) => {
      if (code === 0) resolve({ output });
      else
        reject(
          new StackError(
            `Applying migrations failed (supabase db push exited with ${code}):\n${output.trim()}`,
            'Fix the migration named above; the database keeps every migration that applied before it.',
          ),
        );
    });
  });
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

/** The local cluster speaks plain TCP on loopback; say so rather than let the CLI warn. */
export function withSslDisabled(url: string): string {
  return url.includes('sslmode=') ? url : `${url}${url.includes('?') ? '&' : '?'}sslmode=disable`;
}
