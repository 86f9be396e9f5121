/**
 * The weekly digest end to end: a fixture week pushed through the real CLI,
 * previewed with `gstack team digest`, sent by the weekly-digest function
 * exactly once, numbers checked against values computed by hand below.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually, serviceClient, sinkMessages, stackInfo, unique } from '@gstack/local-stack/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeRun, type RunSpec } from '../../testing/history.ts';
import { type Person, person, run } from '../../testing/people.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'gstack-digest-'));
const teamSlug = unique('digest').replace(/_/g, '-').toLowerCase();
const hook = `/digest/${teamSlug}`;
let admin: Person;
let member: Person;
let teamId: string;

async function push(spec: RunSpec, at: string): Promise<void> {
  const doc = makeRun(spec, Date.parse(at));
  const file = path.join(dir, `${doc.run_id}.json`);
  writeFileSync(file, JSON.stringify(doc));
  const pushed = await run('gstack-sync', ['push', file], admin.env);
  expect(pushed.code, pushed.stderr).toBe(0);
}

function callDigest(body: Record<string, unknown>, auth = `Bearer ${stackInfo().serviceRoleKey}`) {
  return fetch(`${stackInfo().functionsUrl}/weekly-digest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: auth },
    body: JSON.stringify(body),
  });
}

beforeAll(async () => {
  admin = await person(teamSlug);
  member = await person(teamSlug);
  expect((await run('gstack', ['team', 'create', teamSlug, '--name', 'Digest & Co'], admin.env)).code).toBe(0);
  const invite = await run('gstack', ['team', 'invite', '--json'], admin.env);
  expect((await run('gstack', ['team', 'join', JSON.parse(invite.stdout).code], member.env)).code).toBe(0);
  expect((await run('gstack', ['team', 'set', 'slack-webhook', `${stackInfo().slackSinkUrl}${hook}`], admin.env)).code).toBe(0);
  teamId = ((await serviceClient().from('teams').select('id').eq('slug', teamSlug).single()).data as { id: string }).id;
  // The week before: one run, 3 of 4 passed, $0.004.
  await push({ hoursAgo: 0, tests: { a: true, b: true, c: true, d: false } }, '2026-10-01T12:00:00Z');
  // The fixture week (Monday 2026-10-05): all 4 passed ($0.004, tier t1), then 2 of 4 (a on t2 at $0.01, the rest $0.001 on t1).
  await push({ hoursAgo: 0, tests: { a: true, b: true, c: true, d: true } }, '2026-10-07T12:00:00Z');
  await push({ hoursAgo: 0, tests: { a: [true, 't2', 0.01], b: true, c: false, d: false } }, '2026-10-08T12:00:00Z');
});

describe('weekly digest', () => {
  it('previews the fixture week with the numbers computed by hand', async () => {
    const preview = await run('gstack', ['team', 'digest', '--week', '2026-10-05', '--json'], admin.env);
    expect(preview.code, preview.stderr).toBe(0);
    const { digest, outcome } = JSON.parse(preview.stdout);
    expect(outcome).toBe('preview');
    expect(digest).toMatchObject({
      quiet: false,
      runs: 2, // two runs this week
      prev_runs: 1,
      pass_rate: 75, // (4 + 2) / 8
      prev_pass_rate: 75, // 3 / 4
      cost_usd: 0.017, // 0.004 + 0.013
      prev_cost_usd: 0.004,
      judge_cost_usd: 0,
      system_cost_usd: 0.017,
      cost_by_model: [{ model: 'local/t1', purpose: 'system', calls: 8, cost_usd: 0.017 }],
      sessions: 0,
      ships: [],
    });
    // 50% vs the mean of 100% and 75%: −37.5 points.
    expect(digest.regressions).toMatchObject([{ suite: 'smoke', baseline: 87.5, pass_rate: 50, drop: 37.5 }]);
    expect(digest.became_flaky.map((t: { test: string }) => t.test)).toEqual(['d']); // ✗ ✓ ✗
    expect(digest.became_degrading.map((t: { test: string }) => t.test)).toEqual(['c']); // ✓ ✓ ✗
    // t1 resolved 7 of 8 tests, t2 one. These runs record no ladder attempts, so no tier spend and
    // no savings are claimed (apps/dashboard/test/digest.int.test.ts covers a week with attempts).
    expect(digest.escalation).toEqual({
      tiers: [
        { tier: 't1', tests: 7, passed: 5, share: 87.5, attempts: 0, cost_usd: 0 },
        { tier: 't2', tests: 1, passed: 1, share: 12.5, attempts: 0, cost_usd: 0 },
      ],
      top_tier: null,
      saved_usd: null,
    });
    expect(digest.flaky).toEqual([{ repo_slug: 'acme-app', suite: 'smoke', test: 'd', is_new: true }]);
    const text = await run('gstack', ['team', 'digest', '--week', '2026-10-05'], admin.env);
    expect(text.stdout).toContain('Weekly digest for Digest & Co: week of 2026-10-05');
    expect(text.stdout).toContain('Pass rate: 75% (±0 pp vs last week)');
    expect(text.stdout).toContain('smoke: 87.5% → 50% (−37.5 pp)');
    expect(text.stdout).toContain('• local/t1 (system): $0.0170, 8 calls');
    expect(text.stdout).toContain('• saved vs everything on the top tier: unknown (no ladder attempts recorded)');
    expect(await sinkMessages(hook)).toEqual([]);
  });

  it("counts regressions by the team's alert threshold, as the alerts do", async () => {
    const regressions = async () =>
      JSON.parse((await run('gstack', ['team', 'digest', '--week', '2026-10-05', '--json'], admin.env)).stdout).digest.regressions;
    expect((await run('gstack', ['team', 'set', 'alert-threshold', '40'], admin.env)).code).toBe(0);
    expect(await regressions()).toEqual([]); // a 37.5-point drop is within 40
    expect((await run('gstack', ['team', 'set', 'alert-threshold', '37'], admin.env)).code).toBe(0);
    expect(await regressions()).toMatchObject([{ suite: 'smoke', drop: 37.5 }]);
    expect((await run('gstack', ['team', 'set', 'alert-threshold', '5'], admin.env)).code).toBe(0);
  });

  it('sends the week once; a second send sends nothing', async () => {
    const first = await callDigest({ team_id: teamId, week_start: '2026-10-05' });
    expect((await first.json()).results[0].outcome).toBe('sent');
    const second = await run('gstack', ['team', 'digest', '--week', '2026-10-05', '--send'], admin.env);
    expect(second.stdout).toContain('was sent already; nothing sent');
    const messages = await sinkMessages(hook);
    expect(messages).toHaveLength(1);
    expect(JSON.stringify(messages[0]?.payload)).toContain('Digest &amp; Co');
    const { data } = await serviceClient().from('digest_deliveries').select('status, attempts').eq('team_id', teamId);
    expect(data).toEqual([{ status: 'sent', attempts: 1 }]);
  });

  it('says "quiet week" for a week with nothing in it', async () => {
    const quiet = await run('gstack', ['team', 'digest', '--week', '2026-09-14', '--send'], admin.env);
    expect(quiet.stdout).toContain('sent to Slack');
    const messages = await eventually('the quiet digest', async () => {
      const m = await sinkMessages(hook);
      return m.length === 2 ? m : undefined;
    });
    expect(JSON.stringify(messages[1]?.payload)).toContain('Quiet week: no eval runs, sessions or ships.');
  });

  it('is for admins and service callers only', async () => {
    const asMember = await run('gstack', ['team', 'digest', '--week', '2026-10-05'], member.env);
    expect(asMember.code).toBe(1);
    expect(asMember.stderr).toContain('only team admins can preview or send the digest');
    expect((await callDigest({}, `Bearer ${stackInfo().anonKey}`)).status).toBe(401);
    const bad = await run('gstack', ['team', 'digest', '--week', '2026-10-06'], admin.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--week must be a Monday as YYYY-MM-DD');
  });

  it('alert-test sends a test message', async () => {
    const sent = await run('gstack', ['team', 'alert-test'], admin.env);
    expect(sent.code, sent.stderr).toBe(0);
    const messages = await sinkMessages(hook);
    expect(JSON.stringify(messages.at(-1)?.payload)).toContain('Test message from gstack for Digest &amp; Co');
  });
});
