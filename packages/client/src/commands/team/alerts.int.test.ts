/**
 * Regression alerts end to end on the local stack: runs pushed through the
 * real gstack-sync CLI fire the database webhook, the real regression-alert
 * function decides and posts to the stack's Slack sink. Exactly one message
 * per regression, duplicates and sweeps harmless, cooldown roll-up, one
 * recovery, 429 retried after Retry-After, stale back-fills never alerted,
 * and a team's message never shows another team's tests.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually, serviceClient, sinkMessages, sql, stackInfo, unique } from '@gstack/local-stack/testing';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeRun } from '../../testing/history.ts';
import { type Person, person, run } from '../../testing/people.ts';

interface Team {
  slug: string;
  id: string;
  admin: Person;
  hook: string;
}

const slug = (prefix: string) => unique(prefix).replace(/_/g, '-').toLowerCase();
const dir = mkdtempSync(path.join(os.tmpdir(), 'gstack-alerts-'));

async function makeTeam(prefix: string): Promise<Team> {
  const teamSlug = slug(prefix);
  const admin = await person(teamSlug);
  expect((await run('gstack', ['team', 'create', teamSlug], admin.env)).code).toBe(0);
  const hook = `/alerts/${teamSlug}`;
  const set = await run('gstack', ['team', 'set', 'slack-webhook', `${stackInfo().slackSinkUrl}${hook}`], admin.env);
  expect(set.stderr).toBe('');
  const { data } = await serviceClient().from('teams').select('id').eq('slug', teamSlug).single();
  return { slug: teamSlug, id: (data as { id: string }).id, admin, hook };
}

/** Pushes one run through the CLI; returns its database id. */
async function push(
  team: Team,
  suite: string,
  minutesAgo: number,
  tests: Record<string, boolean>,
  errors: Record<string, string> = {},
): Promise<string> {
  const doc = makeRun({ suite, hoursAgo: minutesAgo / 60, tests });
  for (const r of doc.all_results) r.error = errors[r.name] ?? null;
  const file = path.join(dir, `${doc.run_id}.json`);
  writeFileSync(file, JSON.stringify(doc));
  const pushed = await run('gstack-sync', ['push', file, '--json'], team.admin.env);
  expect(pushed.code, pushed.stderr).toBe(0);
  const { data } = await serviceClient().from('eval_runs').select('id').eq('team_id', team.id).eq('run_key', doc.run_id).single();
  return (data as { id: string }).id;
}

/** Waits until every run's delivery is decided and finished, so every message it sends has arrived. */
async function settled(
  runIds: string[],
): Promise<Array<{ run_id: string; decision: string; status: string; detail: Record<string, unknown> }>> {
  return eventually(`deliveries of ${runIds.length} runs`, async () => {
    const { data } = await serviceClient()
      .from('alert_deliveries')
      .select('run_id, decision, status, detail, attempts')
      .in('run_id', runIds);
    const rows = (data ?? []) as Array<{ run_id: string; decision: string; status: string; detail: Record<string, unknown> }>;
    return rows.length === runIds.length && rows.every((r) => r.status !== 'processing')
      ? runIds.map((id) => rows.find((r) => r.run_id === id) as (typeof rows)[number])
      : undefined;
  });
}

/** A failing run inserted in replica mode, so no trigger fires and no webhook call is made. */
async function insertWithoutTriggers(teamId: string, suite: string): Promise<string> {
  const client = new pg.Client({ connectionString: stackInfo().dbUrl });
  await client.connect();
  try {
    await client.query('set session_replication_role = replica');
    const { rows } = await client.query<{ id: string }>(
      `insert into public.eval_runs (team_id, run_key, repo_slug, suite, run_at, total_tests, passed, failed)
       values ($1, $2, 'acme-app', $3, now(), 2, 0, 2) returning id`,
      [teamId, unique('lost'), suite],
    );
    return rows[0]?.id ?? '';
  } finally {
    await client.end();
  }
}

const text = (m?: { payload: Record<string, unknown> }) => JSON.stringify(m?.payload ?? null);
const good = { a: true, b: true, c: true, d: true, e: true };

let acme: Team;
let other: Team;

beforeAll(async () => {
  [acme, other] = await Promise.all([makeTeam('alerts-acme'), makeTeam('alerts-other')]);
});

describe('regression alerts', () => {
  const ids: string[] = [];

  it('three good runs then a bad one: exactly one message naming the newly failing tests, flaky apart', async () => {
    // The other team's runs, pushed meanwhile in a suite of the same name: never in acme's message.
    const others = (async () => {
      await push(other, 'smoke', 40, { x: true, y: true });
      await push(other, 'smoke', 35, { x: true, y: true });
      return push(other, 'smoke', 30, { x: false, y: false }, { x: 'other team reason' });
    })();
    ids.push(await push(acme, 'smoke', 40, good));
    ids.push(await push(acme, 'smoke', 35, { ...good, e: false }));
    ids.push(await push(acme, 'smoke', 30, good));
    const otherBad = await others;
    ids.push(
      await push(
        acme,
        'smoke',
        25,
        { ...good, c: false, d: false, e: false },
        { c: 'expected "Paris" & got <nothing>', d: 'x'.repeat(300) },
      ),
    );
    const rows = await settled(ids);
    expect(rows.map((r) => r.decision)).toEqual(['none', 'none', 'none', 'regression']);
    expect(rows[3]?.status).toBe('sent');
    expect(rows[3]?.detail).toMatchObject({ newly_failing: ['c', 'd'], flaky: ['e'] });

    const messages = await sinkMessages(acme.hook);
    expect(messages).toHaveLength(1);
    const body = text(messages[0]);
    const blocks = messages[0]?.payload.blocks as Array<{ type: string; text?: { text: string } }>;
    expect(blocks[0]?.text?.text).toContain('Regression in smoke: 93.33% → 40%');
    expect(body).toContain('Newly failing (2)');
    expect(body).toContain('expected \\"Paris\\" &amp; got &lt;nothing&gt;');
    expect(body).toContain(`${'x'.repeat(79)}…`);
    expect(body).not.toContain('x'.repeat(81));
    expect(body).toContain('Flaky, not counted as regressions (1)');
    expect(body).not.toContain('other team reason');
    expect(body).toMatch(/pushed by sync/);
    expect(body).not.toContain('Open the run'); // no dashboard_url set yet

    await settled([otherBad]);
    const theirs = await sinkMessages(other.hook);
    expect(theirs).toHaveLength(1);
    expect(text(theirs[0])).toContain('other team reason');
    expect(text(theirs[0])).not.toContain('Paris');
  });

  it('the same webhook delivered twice sends nothing more', async () => {
    const payload = { type: 'INSERT', table: 'eval_runs', schema: 'public', record: { id: ids[3] }, old_record: null };
    const res = await fetch(`${stackInfo().functionsUrl}/regression-alert`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stackInfo().serviceRoleKey}` },
      body: JSON.stringify(payload),
    });
    expect(await res.json()).toEqual({ run_id: ids[3], outcome: 'duplicate' });
    const sweep = await fetch(`${stackInfo().functionsUrl}/regression-alert`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', apikey: stackInfo().secretKey },
      body: JSON.stringify({ sweep: true }),
    });
    expect(sweep.status).toBe(200);
    expect(await sinkMessages(acme.hook)).toHaveLength(1);
  });

  it('refuses callers without the service role', async () => {
    const tries: Array<Record<string, string>> = [{}, { apikey: stackInfo().anonKey }, { authorization: 'Bearer nonsense' }];
    for (const headers of tries) {
      const res = await fetch(`${stackInfo().functionsUrl}/regression-alert`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ sweep: true }),
      });
      expect(res.status).toBe(401);
    }
  });

  it('holds a regression inside the cooldown and names it in the next message', async () => {
    const held = await push(acme, 'smoke', 20, { ...good, a: false, c: false, d: false, e: false });
    expect((await settled([held]))[0]).toMatchObject({ decision: 'regression', status: 'held' });
    expect(await sinkMessages(acme.hook)).toHaveLength(1);
    // The cooldown ends (as five minutes would).
    await sql("update public.alert_cooldowns set last_alerted_at = now() - interval '6 minutes' where team_id = $1", [acme.id]);
    const dash = await run('gstack', ['team', 'set', 'dashboard-url', 'https://dash.example/acme'], acme.admin.env);
    expect(dash.code, dash.stderr).toBe(0);
    const next = await push(acme, 'smoke', 15, { ...good, a: false, b: false, c: false, d: false });
    expect((await settled([next]))[0]?.status).toBe('sent');
    const messages = await sinkMessages(acme.hook);
    expect(messages).toHaveLength(2);
    expect(text(messages[1])).toContain('Also regressed during the cooldown (1)');
    expect(text(messages[1])).toContain(`<https://dash.example/acme/runs/${next}|Open the run in the dashboard>`);
    const { data } = await serviceClient().from('alert_deliveries').select('status, rolled_up_into').eq('run_id', held).single();
    expect(data).toEqual({ status: 'rolled_up', rolled_up_into: next });
  });

  it('sends one recovery message when the suite is back at its mean', async () => {
    const back = await push(acme, 'smoke', 10, good);
    const again = await push(acme, 'smoke', 5, good);
    const rows = await settled([back, again]);
    expect(rows.map((r) => [r.decision, r.status])).toEqual([
      ['recovery', 'sent'],
      ['none', 'skipped'],
    ]);
    const messages = await sinkMessages(acme.hook);
    expect(messages).toHaveLength(3);
    expect(text(messages[2])).toContain('Recovered: smoke is back at 100%');
  });

  it('never alerts a back-filled run older than 24 hours', async () => {
    const old = [await push(acme, 'backfill', 60 * 30, good), await push(acme, 'backfill', 60 * 29, good)];
    old.push(await push(acme, 'backfill', 60 * 28, { a: false, b: false }));
    expect((await settled(old)).map((r) => [r.decision, r.status])).toEqual([
      ['stale', 'skipped'],
      ['stale', 'skipped'],
      ['stale', 'skipped'],
    ]);
    expect(await sinkMessages(acme.hook)).toHaveLength(3);
  });

  it('retries a 429 after its Retry-After', async () => {
    await push(other, 'slow', 40, { x: true });
    await push(other, 'slow', 35, { x: true });
    const fail = await fetch(`${stackInfo().slackSinkUrl}/_sink/fail`, {
      method: 'POST',
      body: JSON.stringify({ path: other.hook, status: 429, retry_after: 1, count: 1 }),
    });
    expect(fail.status).toBe(200);
    const bad = await push(other, 'slow', 30, { x: false });
    expect((await settled([bad]))[0]?.status).toBe('sent');
    const rejected = (await (
      await fetch(`${stackInfo().slackSinkUrl}/_sink/rejections?path=${encodeURIComponent(other.hook)}`)
    ).json()) as Array<{
      at: string;
    }>;
    expect(rejected).toHaveLength(1);
    const messages = await sinkMessages(other.hook);
    expect(messages).toHaveLength(2);
    const accepted = messages[1] as unknown as { received_at: string };
    expect(Date.parse(accepted.received_at) - Date.parse(rejected[0]?.at ?? '')).toBeGreaterThanOrEqual(1000);
  });

  it('the sweep sends the alert of a run whose webhook call was lost, once', async () => {
    await push(other, 'lost', 40, { x: true, y: true });
    await push(other, 'lost', 35, { x: true, y: true });
    const before = (await sinkMessages(other.hook)).length;
    // A run inserted with triggers off: as if pg_net or the dispatcher dropped its call.
    const lost = await insertWithoutTriggers(other.id, 'lost');
    const sweep = async () =>
      fetch(`${stackInfo().functionsUrl}/regression-alert`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${stackInfo().serviceRoleKey}` },
        body: JSON.stringify({ sweep: true }),
      }).then((r) => r.json() as Promise<{ redispatched: Array<{ run_id: string; outcome: string }> }>);
    expect((await sweep()).redispatched).toContainEqual({ run_id: lost, outcome: 'sent', decision: 'regression', slack_status: 200 });
    expect((await sweep()).redispatched.map((r) => r.run_id)).not.toContain(lost);
    const messages = await sinkMessages(other.hook);
    expect(messages).toHaveLength(before + 1);
    expect(text(messages.at(-1))).toContain('Regression in lost: 100% → 0%');
  });

  it('the sweep sends a roll-up of regressions held when no next message came', async () => {
    await push(other, 'held', 40, { x: true, y: true });
    await push(other, 'held', 35, { x: true, y: true });
    const first = await push(other, 'held', 30, { x: false, y: true });
    const held = await push(other, 'held', 25, { x: false, y: false });
    expect((await settled([first, held])).map((r) => r.status)).toEqual(['sent', 'held']);
    const before = (await sinkMessages(other.hook)).length;
    await sql("update public.alert_cooldowns set last_alerted_at = now() - interval '6 minutes' where team_id = $1 and suite = 'held'", [
      other.id,
    ]);
    const res = await fetch(`${stackInfo().functionsUrl}/regression-alert`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stackInfo().serviceRoleKey}` },
      body: JSON.stringify({ sweep: true }),
    });
    expect((await res.json()).rollups).toContainEqual({ repo_slug: 'acme-app', suite: 'held', held: 1, ok: true });
    const messages = await sinkMessages(other.hook);
    expect(messages).toHaveLength(before + 1);
    expect(text(messages.at(-1))).toContain('1 more regression in held during the cooldown');
    const { data } = await serviceClient().from('alert_deliveries').select('status').eq('run_id', held).single();
    expect(data).toEqual({ status: 'rolled_up' });
  });
});
