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
  branch: string | null = 'main',
  env: Record<string, string> = team.admin.env,
): Promise<string> {
  const doc = makeRun({ suite, hoursAgo: minutesAgo / 60, tests });
  doc.git.branch = branch;
  for (const r of doc.all_results) r.error = errors[r.name] ?? null;
  const file = path.join(dir, `${doc.run_id}.json`);
  writeFileSync(file, JSON.stringify(doc));
  const pushed = await run('gstack-sync', ['push', file, '--json'], env);
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
      `insert into public.eval_runs (team_id, run_key, repo_slug, suite, branch, run_at, total_tests, passed, failed)
       values ($1, $2, 'acme-app', $3, 'main', now(), 2, 0, 2) returning id`,
      [teamId, unique('lost'), suite],
    );
    const id = rows[0]?.id ?? '';
    await client.query(
      `insert into public.eval_results (run_id, team_id, test_name, passed) values ($1, $2, 'x', false), ($1, $2, 'y', false)`,
      [id, teamId],
    );
    return id;
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
    // The model and tier that answered each newly failing test.
    expect(body).toContain('_(local/t1, tier t1)_');
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
    // The episode already holds c and d: only b started failing, and a (held) is named with a link to its run.
    expect(text(messages[1])).toContain('1 more test failing in smoke');
    expect(text(messages[1])).toContain('Started failing (1)');
    expect(text(messages[1])).not.toContain('`c`');
    expect(text(messages[1])).toContain('Also started failing during the cooldown (1)');
    expect(text(messages[1])).toMatch(new RegExp(`<https://dash.example/acme/runs/${held}\\|run at [^>]+> \\([^)]*\\): \`a\``));
    expect(text(messages[1])).toContain(`<https://dash.example/acme/runs/${next}|Open the run in the dashboard>`);
    expect(text(messages[1])).toContain(`<https://dash.example/acme/compare?base=${held}&amp;head=${next}|Compare with the baseline>`);
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
    expect(text(messages[2])).toContain('Fixed (4)*: `a`, `b`, `c`, `d`');
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
    const dash = await run('gstack', ['team', 'set', 'dashboard-url', 'https://dash.example/t/other'], other.admin.env);
    expect(dash.code, dash.stderr).toBe(0);
    const res = await fetch(`${stackInfo().functionsUrl}/regression-alert`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stackInfo().serviceRoleKey}` },
      body: JSON.stringify({ sweep: true }),
    });
    expect((await res.json()).rollups).toContainEqual({ repo_slug: 'acme-app', suite: 'held', held: 1, ok: true });
    const messages = await sinkMessages(other.hook);
    expect(messages).toHaveLength(before + 1);
    // The roll-up names the test that started failing and links to its run.
    expect(text(messages.at(-1))).toContain('1 more test started failing in held during the cooldown');
    expect(text(messages.at(-1))).toMatch(
      new RegExp(`<https://dash.example/t/other/runs/${held}\\|run at [^>]+> \\(0%, mean 100%\\): \`y\``),
    );
    const { data } = await serviceClient().from('alert_deliveries').select('status').eq('run_id', held).single();
    expect(data).toEqual({ status: 'rolled_up' });
  });
});

describe('episodes: one message per failure, only branches that alert', () => {
  let team: Team;
  const suite = 'episodes';
  const ok = { a: true, b: true, c: true, d: true, e: true, f: true, g: true, h: true, i: true, j: true };

  beforeAll(async () => {
    team = await makeTeam('alerts-episodes');
    // No cooldown: every run below is past it, so only the episode rules keep the channel quiet.
    const cooldown = await run('gstack', ['team', 'set', 'alert-cooldown', '0'], team.admin.env);
    expect(cooldown.code, cooldown.stderr).toBe(0);
    const dash = await run('gstack', ['team', 'set', 'dashboard-url', 'https://dash.example/t/ep'], team.admin.env);
    expect(dash.code, dash.stderr).toBe(0);
    await settled([await push(team, suite, 120, ok), await push(team, suite, 115, ok), await push(team, suite, 110, ok)]);
  });

  it('a failure on a work-in-progress branch posts nothing; its baseline is main while the branch is new', async () => {
    const wip = await push(team, suite, 105, { ...ok, a: false, b: false }, {}, 'wip/alice');
    expect((await settled([wip]))[0]).toMatchObject({
      decision: 'regression',
      status: 'skipped',
      detail: { reason: 'branch_not_alerting', newly_failing: ['a', 'b'] },
    });
    const { data } = await serviceClient().from('alert_deliveries').select('baseline').eq('run_id', wip).single();
    expect(Number(data?.baseline)).toBe(100); // main's history: the branch has no runs of its own yet
    expect(await sinkMessages(team.hook)).toHaveLength(0);
    const { data: episodes } = await serviceClient().from('alert_episodes').select('branch').eq('team_id', team.id);
    expect(episodes).toEqual([]);
  });

  it('the same failure pushed three times, each past the cooldown, posts once', async () => {
    const bad = { ...ok, c: false };
    const runs: string[] = [];
    for (const minutes of [100, 95, 90]) {
      runs.push(
        await push(team, suite, minutes, bad, {
          c: 'expected the output not to mention the internal codename anywhere in the answer, but it did twice',
        }),
      );
      await settled(runs); // one at a time, as nightly runs arrive
    }
    expect((await settled(runs)).map((r) => [r.decision, r.status])).toEqual([
      ['regression', 'sent'],
      ['ongoing', 'skipped'],
      ['ongoing', 'skipped'],
    ]);
    const messages = await sinkMessages(team.hook);
    expect(messages).toHaveLength(1);
    const body = text(messages[0]);
    expect(body).toContain('Regression in episodes: 100% → 90% (−10 pp)');
    expect(body).toContain('Newly failing (1)');
    // Cut at a word boundary, never mid-word.
    expect(body).toContain('`c` — expected the output not to mention the internal codename anywhere in the…');
    const { data } = await serviceClient().from('alert_episodes').select('branch, baseline, tests').eq('team_id', team.id);
    expect(data).toEqual([{ branch: 'main', baseline: 100, tests: { c: { since: expect.any(String), run_id: runs[0] } } }]);
  });

  it('a second test failing during the episode posts once, naming only it', async () => {
    const bad = { ...ok, c: false, d: false };
    const first = await push(team, suite, 85, bad, { d: 'timeout' });
    await settled([first]);
    const second = await push(team, suite, 80, bad);
    expect((await settled([first, second])).map((r) => [r.decision, r.status])).toEqual([
      ['regression', 'sent'],
      ['ongoing', 'skipped'],
    ]);
    const messages = await sinkMessages(team.hook);
    expect(messages).toHaveLength(2);
    const body = text(messages[1]);
    expect(body).toContain('1 more test failing in episodes: 80% (mean before 100%)');
    expect(body).toContain('Started failing (1)');
    expect(body).toContain('`d` — timeout');
    expect(body).not.toContain('`c`');
  });

  it('a flaky test opens nothing and joins nothing', async () => {
    // Another suite: f flips pass/fail, then fails while everything else passes.
    const runs: string[] = [];
    for (const [minutes, f] of [
      [75, true],
      [74, false],
      [73, true],
      [72, false],
      [71, true],
    ] as const)
      runs.push(await push(team, 'flaky', minutes, { ...ok, f }));
    await settled(runs);
    const flaky = await push(team, 'flaky', 70, { ...ok, f: false, g: false });
    const [row] = await settled([flaky]);
    expect(row).toMatchObject({ decision: 'regression', status: 'sent', detail: { newly_failing: ['g'], flaky: ['f'] } });
    const messages = await sinkMessages(team.hook);
    expect(messages).toHaveLength(3);
    expect(text(messages[2])).toContain('Flaky, not counted as regressions (1)');
    const only = await push(team, 'flaky', 69, { ...ok, f: false, g: false, h: true });
    await settled([only]);
    const { data } = await serviceClient().from('alert_episodes').select('tests').eq('team_id', team.id).eq('suite', 'flaky').single();
    expect(Object.keys((data as { tests: Record<string, unknown> }).tests)).toEqual(['g']);
    expect(await sinkMessages(team.hook)).toHaveLength(3);
  });

  it('a drop that only a flaky test explains posts nothing and opens no episode', async () => {
    const runs: string[] = [];
    for (const [minutes, f] of [
      [68, true],
      [67, false],
      [66, true],
      [65, false],
      [64, true],
    ] as const)
      runs.push(await push(team, 'flaky-only', minutes, { a: true, f }));
    await settled(runs);
    const drop = await push(team, 'flaky-only', 63, { a: true, f: false });
    expect((await settled([drop]))[0]).toMatchObject({
      decision: 'none',
      status: 'skipped',
      detail: { reason: 'no_newly_failing', flaky: ['f'] },
    });
    const { data } = await serviceClient().from('alert_episodes').select('suite').eq('team_id', team.id).eq('suite', 'flaky-only');
    expect(data).toEqual([]);
    expect(await sinkMessages(team.hook)).toHaveLength(3);
  });

  it('recovery posts once, listing what was fixed, and closes the episode', async () => {
    const back = await push(team, suite, 60, ok);
    await settled([back]);
    const again = await push(team, suite, 55, ok);
    expect((await settled([back, again])).map((r) => [r.decision, r.status])).toEqual([
      ['recovery', 'sent'],
      ['none', 'skipped'],
    ]);
    const messages = await sinkMessages(team.hook);
    expect(messages).toHaveLength(4);
    expect(text(messages[3])).toContain('Recovered: episodes is back at 100% (mean 100%)');
    expect(text(messages[3])).toContain('Fixed (2)*: `c`, `d`');
    const { data } = await serviceClient().from('alert_episodes').select('suite').eq('team_id', team.id).eq('suite', suite);
    expect(data).toEqual([]);
  });
});

describe('alert branches and cooldown as team settings', () => {
  it('gstack team set changes them, gstack team settings shows them, a bad value exits 2 naming the setting', async () => {
    const team = await makeTeam('alerts-settings');
    const before = JSON.parse((await run('gstack', ['team', 'settings', '--json'], team.admin.env)).stdout);
    expect(before).toMatchObject({ alert_branches: ['main', 'master', '(none)'], alert_cooldown_minutes: 5 });
    for (const [setting, value] of [
      ['alert-branches', 'main,release/*,(none)'],
      ['alert-cooldown', '0'],
    ]) {
      const set = await run('gstack', ['team', 'set', setting as string, value as string], team.admin.env);
      expect([set.code, set.stderr]).toEqual([0, '']);
    }
    const after = JSON.parse((await run('gstack', ['team', 'settings', '--json'], team.admin.env)).stdout);
    expect(after).toMatchObject({ alert_branches: ['main', 'release/*', '(none)'], alert_cooldown_minutes: 0 });
    const text = (await run('gstack', ['team', 'settings'], { ...team.admin.env, NO_COLOR: '1' })).stdout;
    expect(text).toContain('alert-branches   main, release/*, (none) (other branches never post to Slack)');
    expect(text).toContain('alert-cooldown   0 minutes');
    for (const [setting, value, message] of [
      ['alert-cooldown', '-5', 'alert-cooldown must be a whole number of minutes from 0 (no cooldown) to 1440, not "-5"'],
      ['alert-branches', 'main,my branch', 'alert-branches must be comma-separated branch globs'],
    ]) {
      const bad = await run('gstack', ['team', 'set', setting as string, value as string], team.admin.env);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain(message);
      expect(bad.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it("a CI-token run with no branch alerts; a member's run with no branch and a branch off the list do not", async () => {
    const team = await makeTeam('alerts-ci');
    expect((await run('gstack', ['team', 'set', 'alert-cooldown', '0'], team.admin.env)).code).toBe(0);
    const minted = await run('gstack', ['team', 'token', 'create', 'ci', '--json'], team.admin.env);
    expect(minted.code, minted.stderr).toBe(0);
    const ci = { ...team.admin.env, GSTACK_SYNC_TOKEN: JSON.parse(minted.stdout).token as string };
    const good2 = { a: true, b: true };
    await settled([await push(team, 'ci', 40, good2, {}, null, ci), await push(team, 'ci', 35, good2, {}, null, ci)]);
    const fromCi = await push(team, 'ci', 30, { a: false, b: true }, {}, null, ci);
    expect((await settled([fromCi]))[0]).toMatchObject({ decision: 'regression', status: 'sent' });
    const messages = await sinkMessages(team.hook);
    expect(messages).toHaveLength(1);
    expect(text(messages[0])).toContain('pushed by CI token ci');

    await settled([await push(team, 'laptop', 40, good2, {}, null), await push(team, 'laptop', 35, good2, {}, null)]);
    const fromLaptop = await push(team, 'laptop', 30, { a: false, b: true }, {}, null);
    expect((await settled([fromLaptop]))[0]).toMatchObject({ status: 'skipped', detail: { reason: 'branch_not_alerting' } });

    // Only release branches alert now: main is off the list.
    expect((await run('gstack', ['team', 'set', 'alert-branches', 'release/*'], team.admin.env)).code).toBe(0);
    await settled([await push(team, 'rel', 40, good2, {}, 'main'), await push(team, 'rel', 35, good2, {}, 'main')]);
    const onMain = await push(team, 'rel', 30, { a: false, b: true }, {}, 'main');
    const onRelease = await push(team, 'rel', 25, { a: true, b: false }, {}, 'release/2.0');
    expect((await settled([onMain, onRelease])).map((r) => [r.status, r.detail.reason ?? null])).toEqual([
      ['skipped', 'branch_not_alerting'],
      ['sent', null],
    ]);
    expect(await sinkMessages(team.hook)).toHaveLength(2);
  });

  it('an episode of a branch taken off the list closes silently when it recovers', async () => {
    const team = await makeTeam('alerts-delisted');
    expect((await run('gstack', ['team', 'set', 'alert-cooldown', '0'], team.admin.env)).code).toBe(0);
    const good2 = { a: true, b: true };
    await settled([await push(team, 'smoke', 40, good2), await push(team, 'smoke', 35, good2)]);
    expect((await settled([await push(team, 'smoke', 30, { a: false, b: true })]))[0]?.status).toBe('sent');
    expect((await run('gstack', ['team', 'set', 'alert-branches', 'release/*'], team.admin.env)).code).toBe(0);
    const back = await push(team, 'smoke', 25, good2);
    expect((await settled([back]))[0]).toMatchObject({
      decision: 'recovery',
      status: 'skipped',
      detail: { reason: 'branch_not_alerting' },
    });
    const { data } = await serviceClient().from('alert_episodes').select('suite').eq('team_id', team.id);
    expect(data).toEqual([]);
    expect(await sinkMessages(team.hook)).toHaveLength(1);
  });
});
