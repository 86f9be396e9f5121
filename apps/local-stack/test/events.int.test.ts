import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, sinkMessages, sql, stackInfo, unique } from './harness.ts';

// A table whose inserts notify the webhook-probe fixture function, the way our
// migrations do when pg_net is absent: one trigger sends the row inline, one
// sends only its id (for rows too large for an 8000-byte NOTIFY).
const table = unique('webhook_rows');

beforeAll(async () => {
  await sql(`
    create table public.${table} (id bigint generated always as identity primary key, probe_key text not null, big text, by_id boolean not null default false);
    alter table public.${table} enable row level security;
    create function public.${table}_notify() returns trigger language plpgsql set search_path = '' as $$
    begin
      if new.by_id then
        perform pg_notify('local_webhooks', json_build_object('function', 'webhook-probe', 'type', tg_op, 'table', tg_table_name, 'schema', tg_table_schema, 'record_id', new.id)::text);
      else
        perform pg_notify('local_webhooks', json_build_object('function', 'webhook-probe', 'type', tg_op, 'table', tg_table_name, 'schema', tg_table_schema, 'record', to_jsonb(new))::text);
      end if;
      return new;
    end $$;
    create trigger notify_probe after insert on public.${table} for each row execute function public.${table}_notify();
  `);
});

afterAll(async () => {
  await sql(
    `drop table if exists public.${table}; drop function if exists public.${table}_notify(); delete from local_stack.cron_jobs where jobname like 'test_%'`,
  );
});

describe('database webhooks', () => {
  it('delivers a NOTIFY to a function as a Supabase webhook payload', async () => {
    const key = unique('inline');
    await sql(`insert into public.${table} (probe_key) values ($1)`, [key]);
    const [message] = await eventually('the webhook to reach the function', async () => {
      const messages = await sinkMessages(`/webhook-probe/${key}`);
      return messages.length ? messages : undefined;
    });
    expect(message?.payload.authorization).toBe('present');
    expect(message?.payload.received).toEqual({
      type: 'INSERT',
      table,
      schema: 'public',
      record: { id: expect.any(Number), probe_key: key, big: null, by_id: false },
      old_record: null,
    });
  });

  it('reads the row when the notification carries only its id', async () => {
    const key = unique('by_id');
    const big = 'x'.repeat(20_000); // far beyond NOTIFY's 8000-byte limit
    await sql(`insert into public.${table} (probe_key, big, by_id) values ($1, $2, true)`, [key, big]);
    const [message] = await eventually('the by-id webhook', async () => {
      const messages = await sinkMessages(`/webhook-probe/${key}`);
      return messages.length ? messages : undefined;
    });
    const received = message?.payload.received as { record: { big: string; probe_key: string } };
    expect(received.record.probe_key).toBe(key);
    expect(received.record.big).toHaveLength(20_000);
  });
});

describe('cron runner', () => {
  it('calls the function of a job inserted into local_stack.cron_jobs on its schedule', async () => {
    const key = unique('cron');
    // Six fields: every second (pg_cron's seconds syntax has the same effect).
    await sql(
      `insert into local_stack.cron_jobs (jobname, schedule, function_name, body) values ($1, '* * * * * *', 'webhook-probe', $2)`,
      [`test_${key}`, JSON.stringify({ probe_key: key })],
    );
    const [message] = await eventually('the cron job to fire', async () => {
      const messages = await sinkMessages(`/webhook-probe/${key}`);
      return messages.length ? messages : undefined;
    });
    expect(message?.payload.received).toEqual({ probe_key: key });
    await sql('delete from local_stack.cron_jobs where jobname = $1', [`test_${key}`]);
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
