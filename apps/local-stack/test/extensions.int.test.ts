/**
 * The stand-ins for pg_net, pg_cron and Vault must be callable exactly as the
 * real extensions are on hosted Supabase, or the migrations would run one way
 * here and another there. The expected signatures are the documented ones:
 * supabase/pg_net docs/api.md (net.http_get, net.http_post, net.http_delete and
 * the queue and response tables), citusdata/pg_cron's README and SQL
 * (cron.schedule, cron.unschedule, cron.job, cron.job_run_details), and Supabase
 * Vault (vault.create_secret, vault.update_secret, vault.decrypted_secrets).
 */
import { describe, expect, it } from 'vitest';
import { sql } from './harness.ts';

async function signatures(schema: string, name: string): Promise<string[]> {
  const rows = await sql<{ signature: string }>(
    `select pg_get_function_arguments(p.oid) || ' -> ' || pg_get_function_result(p.oid) as signature
     from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = $1 and p.proname = $2 order by 1`,
    [schema, name],
  );
  return rows.map((r) => r.signature);
}

async function columns(schema: string, table: string): Promise<string[]> {
  const rows = await sql<{ col: string }>(
    `select a.attname || ' ' || format_type(a.atttypid, a.atttypmod) as col from pg_attribute a
     where a.attrelid = format('%I.%I', $1::text, $2::text)::regclass and a.attnum > 0 and not a.attisdropped order by a.attnum`,
    [schema, table],
  );
  return rows.map((r) => r.col);
}

describe('pg_net stand-in', () => {
  it('has the documented functions', async () => {
    expect(await signatures('net', 'http_post')).toEqual([
      `url text, body jsonb DEFAULT '{}'::jsonb, params jsonb DEFAULT '{}'::jsonb, headers jsonb DEFAULT '{"Content-Type": "application/json"}'::jsonb, timeout_milliseconds integer DEFAULT 5000 -> bigint`,
    ]);
    expect(await signatures('net', 'http_get')).toEqual([
      `url text, params jsonb DEFAULT '{}'::jsonb, headers jsonb DEFAULT '{}'::jsonb, timeout_milliseconds integer DEFAULT 5000 -> bigint`,
    ]);
    expect(await signatures('net', 'http_delete')).toEqual([
      `url text, params jsonb DEFAULT '{}'::jsonb, headers jsonb DEFAULT '{}'::jsonb, timeout_milliseconds integer DEFAULT 5000 -> bigint`,
    ]);
  });

  it('has the documented queue and response tables, unlogged', async () => {
    expect(await columns('net', 'http_request_queue')).toEqual([
      'id bigint',
      'method net.http_method',
      'url text',
      'headers jsonb',
      'body bytea',
      'timeout_milliseconds integer',
    ]);
    expect(await columns('net', '_http_response')).toEqual([
      'id bigint',
      'status_code integer',
      'content_type text',
      'headers jsonb',
      'content text',
      'timed_out boolean',
      'error_msg text',
      'created timestamp with time zone',
    ]);
    const persistence = await sql(
      `select relname, relpersistence from pg_class where relnamespace = 'net'::regnamespace and relname in ('http_request_queue', '_http_response') order by 1`,
    );
    expect(persistence).toEqual([
      { relname: '_http_response', relpersistence: 'u' },
      { relname: 'http_request_queue', relpersistence: 'u' },
    ]);
  });
});

describe('pg_cron stand-in', () => {
  it('has the documented functions and tables', async () => {
    expect(await signatures('cron', 'schedule')).toEqual([
      'job_name text, schedule text, command text -> bigint',
      'schedule text, command text -> bigint',
    ]);
    expect(await signatures('cron', 'unschedule')).toEqual(['job_id bigint -> boolean', 'job_name text -> boolean']);
    expect(await columns('cron', 'job')).toEqual([
      'jobid bigint',
      'schedule text',
      'command text',
      'nodename text',
      'nodeport integer',
      'database text',
      'username text',
      'active boolean',
      'jobname name',
    ]);
    expect(await columns('cron', 'job_run_details')).toEqual([
      'jobid bigint',
      'runid bigint',
      'job_pid integer',
      'database text',
      'username text',
      'command text',
      'status text',
      'return_message text',
      'start_time timestamp with time zone',
      'end_time timestamp with time zone',
    ]);
  });
});

describe('Vault stand-in', () => {
  it('has the documented functions and view', async () => {
    expect(await signatures('vault', 'create_secret')).toEqual([
      "new_secret text, new_name text DEFAULT NULL::text, new_description text DEFAULT ''::text, new_key_id uuid DEFAULT NULL::uuid -> uuid",
    ]);
    expect(await signatures('vault', 'update_secret')).toEqual([
      'secret_id uuid, new_secret text DEFAULT NULL::text, new_name text DEFAULT NULL::text, new_description text DEFAULT NULL::text, new_key_id uuid DEFAULT NULL::uuid -> void',
    ]);
    expect(await columns('vault', 'decrypted_secrets')).toEqual([
      'id uuid',
      'name text',
      'description text',
      'secret text',
      'decrypted_secret text',
      'key_id uuid',
      'nonce bytea',
      'created_at timestamp with time zone',
      'updated_at timestamp with time zone',
    ]);
  });

  it('holds the two secrets the migrations read, and no API role can read them', async () => {
    const names = await sql<{ name: string }>('select name from vault.decrypted_secrets order by name');
    expect(names.map((r) => r.name)).toEqual(['project_url', 'service_role_key']);
    const grants = await sql(
      `select has_schema_privilege('anon', 'vault', 'usage') as anon, has_schema_privilege('authenticated', 'vault', 'usage') as authenticated`,
    );
    expect(grants).toEqual([{ anon: false, authenticated: false }]);
  });
});

describe('migrations', () => {
  it('call the extensions the one way hosted Supabase runs them: no branch on local or hosted', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const dir = new URL('../../../supabase/migrations/', import.meta.url);
    const localOnly = /local_stack|local_webhooks|pg_notify\(|pg_catalog\.pg_extension/;
    const offenders = readdirSync(dir).filter((file) => localOnly.test(readFileSync(new URL(file, dir), 'utf8')));
    expect(offenders).toEqual([]);
    const jobs = await sql('select jobname, schedule, command from cron.job where jobname like $1 order by jobname', ['gstack-%']);
    expect(jobs).toEqual([
      {
        jobname: 'gstack-alert-sweep',
        schedule: '*/5 * * * *',
        command: ` select private.invoke_function('regression-alert', '{"sweep": true}'::jsonb) `,
      },
      // One statement (a DO block that commits per batch): pg_cron runs a lone statement outside a
      // transaction block, so its COMMITs work; a second statement in the command would break them.
      { jobname: 'gstack-retention-prune', schedule: '17 * * * *', command: expect.stringMatching(/^\s*do \$prune\$[\s\S]*\$prune\$\s*$/) },
      { jobname: 'gstack-weekly-digest', schedule: '0 9 * * 1', command: ` select private.invoke_function('weekly-digest', '{}'::jsonb) ` },
    ]);
  });
});
