/**
 * The pg_net, pg_cron and Vault stand-ins, used the way the migrations use the
 * real ones on hosted Supabase: a trigger calls `private.invoke_function`
 * (net.http_post with the Vault secrets), a job is `cron.schedule`d as SQL.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually, signedInClient, sinkMessages, sql, stackInfo, unique } from './harness.ts';

const PROBE = `
Deno.serve(async (req: Request) => {
  const payload = await req.json();
  const key = payload?.record?.probe_key ?? payload?.probe_key ?? 'default';
  const res = await fetch(\`\${Deno.env.get('SLACK_SINK_URL')}/webhook-probe/\${key}\`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text: 'probe', received: payload }),
  });
  await res.body?.cancel();
  return Response.json({ forwarded: res.ok, key });
});
`;

// A table whose inserts call the webhook-probe fixture function through the product's own
// private.invoke_function, as the eval_runs trigger calls regression-alert.
const table = unique('webhook_rows');

beforeAll(async () => {
  await sql(`
    create table public.${table} (id bigint generated always as identity primary key, probe_key text not null, big text, fn text not null default 'webhook-probe');
    alter table public.${table} enable row level security;
    create function public.${table}_notify() returns trigger language plpgsql security definer set search_path = '' as $$
    begin
      perform private.invoke_function(new.fn, jsonb_build_object(
        'type', tg_op, 'table', tg_table_name, 'schema', tg_table_schema, 'record', to_jsonb(new), 'old_record', null));
      return null;
    end $$;
    create trigger notify_probe after insert on public.${table} for each row execute function public.${table}_notify();
  `);
});

afterAll(async () => {
  await sql(`drop table if exists public.${table}; drop function if exists public.${table}_notify()`);
  await sql(`select cron.unschedule(jobname) from cron.job where jobname like 'test_%'`);
});

async function probeMessages(key: string) {
  return eventually(`the webhook for ${key}`, async () => {
    const messages = await sinkMessages(`/webhook-probe/${key}`);
    return messages.length ? messages : undefined;
  });
}

describe('pg_net stand-in', () => {
  it('sends what a trigger queued with net.http_post after commit, as a Supabase webhook payload, and records the response', async () => {
    const key = unique('inline');
    const [row] = await sql<{ id: string }>(`insert into public.${table} (probe_key) values ($1) returning id`, [key]);
    const [message] = await probeMessages(key);
    expect(message?.payload.received).toEqual({
      type: 'INSERT',
      table,
      schema: 'public',
      record: { id: Number(row?.id), probe_key: key, big: null, fn: 'webhook-probe' },
      old_record: null,
    });
    const responses = await eventually('the recorded response', async () => {
      const rows = await sql(`select status_code, content, timed_out, error_msg from net._http_response where content like $1`, [
        `%${key}%`,
      ]);
      return rows.length ? rows : undefined;
    });
    expect(responses).toEqual([{ status_code: 200, content: JSON.stringify({ forwarded: true, key }), timed_out: false, error_msg: null }]);
  });

  it('sends a large row whole (no 8000-byte NOTIFY limit on the way)', async () => {
    const key = unique('big');
    await sql(`insert into public.${table} (probe_key, big) values ($1, $2)`, [key, 'x'.repeat(20_000)]);
    const [message] = await probeMessages(key);
    const received = message?.payload.received as { record: { big: string; probe_key: string } };
    expect(received.record.probe_key).toBe(key);
    expect(received.record.big).toHaveLength(20_000);
  });

  it('sends nothing for a transaction that rolled back', async () => {
    const rolledBack = unique('rolled-back');
    const committed = unique('committed');
    await sql(`begin; insert into public.${table} (probe_key) values ('${rolledBack}'); rollback;`);
    await sql(`insert into public.${table} (probe_key) values ($1)`, [committed]);
    await probeMessages(committed); // requests go in order: the rolled-back one would have come first
    expect(await sinkMessages(`/webhook-probe/${rolledBack}`)).toEqual([]);
  });

  it('keeps the requests of a function that cannot start queued, and delivers every one once it starts', async () => {
    const fn = unique('flaky-boot').replaceAll('_', '-');
    const dir = path.join(inject('scratchFunctions'), fn);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'index.ts'), 'this is not TypeScript (\n');
    const keys = [unique('held'), unique('held'), unique('held')];
    for (const key of keys) await sql(`insert into public.${table} (probe_key, fn) values ($1, $2)`, [key, fn]);
    // The gateway says the function cannot boot…
    const res = await fetch(`${stackInfo().functionsUrl}/${fn}`, { method: 'POST', headers: { apikey: stackInfo().anonKey }, body: '{}' });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: 'BOOT_ERROR' });
    // …and the worker has met that answer: the requests are still queued, none answered.
    const ids = await eventually('the worker to hold the requests', async () => {
      const held = await sql<{ id: string }>(`select id::text from net.http_request_queue where url like $1 order by id`, [`%/${fn}`]);
      return held.length === 3 ? held.map((r) => r.id) : undefined;
    });
    expect(await sql(`select id from net._http_response where id = any($1::bigint[])`, [ids])).toEqual([]);

    writeFileSync(path.join(dir, 'index.ts'), PROBE);
    for (const key of keys) expect(await probeMessages(key)).toHaveLength(1);
    const answered = await eventually('every response recorded', async () => {
      const rows = await sql<{ status_code: number }>(`select status_code from net._http_response where id = any($1::bigint[])`, [ids]);
      return rows.length === 3 ? rows : undefined;
    });
    expect(answered.map((r) => r.status_code)).toEqual([200, 200, 200]);
  }, 60_000);
});

describe('the stack when Postgres ends its connections', () => {
  it('survives the idle connections of its pools being ended (as Postgres does when it stops) and keeps working', async () => {
    // Each pool has a connection open and idle: a delivery (pg_net) and a sign-in (auth).
    const first = unique('before-ending');
    await sql(`insert into public.${table} (probe_key) values ($1)`, [first]);
    await probeMessages(first);
    await signedInClient();
    const ended = await sql<{ n: number }>(
      // offset 0 keeps the filter first: only the pools' connections are ended, not this one.
      `select count(*)::int as n from (
         select pid from pg_stat_activity
         where application_name in ('gstack pg_net worker', 'gstack auth', 'gstack pg_cron scheduler') offset 0
       ) pools where pg_terminate_backend(pools.pid)`,
    );
    expect(ended[0]?.n).toBeGreaterThan(0);
    // Unheard, those ends were an 'error' on a pool that crashed the stack; now the pools reconnect.
    const after = unique('after-ending');
    await sql(`insert into public.${table} (probe_key) values ($1)`, [after]);
    expect(await probeMessages(after)).toHaveLength(1);
    expect((await signedInClient()).userId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('pg_cron stand-in', () => {
  it('runs a cron.schedule()d command as SQL on its schedule and records the run', async () => {
    const key = unique('cron');
    const jobname = `test_${key}`;
    // Six fields: every second (croner's seconds field; pg_cron writes this as '1 seconds').
    const [job] = await sql<{ jobid: string }>(
      `select cron.schedule($1, '* * * * * *', format('select private.invoke_function(%L, %L::jsonb)', 'webhook-probe', $2::text)) as jobid`,
      [jobname, JSON.stringify({ probe_key: key })],
    );
    const [message] = await probeMessages(key);
    expect(message?.payload.received).toEqual({ probe_key: key });
    const runs = await sql<{ status: string }>('select status from cron.job_run_details where jobid = $1 limit 1', [job?.jobid]);
    expect(runs).toEqual([{ status: 'succeeded' }]);
    expect(await sql('select cron.unschedule($1::text) as done', [jobname])).toEqual([{ done: true }]);
    expect(await sql('select jobid from cron.job where jobname = $1', [jobname])).toEqual([]);
  });

  it('updates a job of the same name in place, as pg_cron does', async () => {
    const jobname = unique('test_same');
    const [first] = await sql<{ id: string }>(`select cron.schedule($1, '0 9 * * 1', 'select 1') as id`, [jobname]);
    const [second] = await sql<{ id: string }>(`select cron.schedule($1, '0 10 * * 1', 'select 2') as id`, [jobname]);
    expect(second?.id).toBe(first?.id);
    expect(await sql('select schedule, command from cron.job where jobname = $1', [jobname])).toEqual([
      { schedule: '0 10 * * 1', command: 'select 2' },
    ]);
  });
});

describe('Slack sink', () => {
  it('records a valid webhook POST and answers like Slack', async () => {
    const path = `/services/${unique('T')}/B1/secret`;
    const res = await fetch(`${stackInfo().slackSinkUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'fallback', blocks: [{ type: 'header', text: { type: 'plain_text', text: 'Regression' } }] }),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
    const messages = await sinkMessages(path);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.payload).toEqual({
      text: 'fallback',
      blocks: [{ type: 'header', text: { type: 'plain_text', text: 'Regression' } }],
    });
  });

  it('refuses malformed payloads and records nothing', async () => {
    const path = `/services/${unique('T')}/B2/secret`;
    const notJson = await fetch(`${stackInfo().slackSinkUrl}${path}`, { method: 'POST', body: '{nope' });
    expect(notJson.status).toBe(400);
    expect(await notJson.text()).toBe('invalid_payload');
    const noText = await fetch(`${stackInfo().slackSinkUrl}${path}`, { method: 'POST', body: '{"attachments":[]}' });
    expect(await noText.text()).toBe('no_text');
    expect(await sinkMessages(path)).toEqual([]);
  });
});
