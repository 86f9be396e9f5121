/**
 * The push quota (issue 23, item 10), through the real CLI and the real store:
 * each member and each CI token may add a team's `push-runs-per-hour` runs and
 * `push-results-per-hour` results per hour; over it the store answers 429 with
 * Retry-After and the CLI keeps the run queued, saying when it will retry.
 * Re-pushing a run already stored is never counted.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PUSH_QUOTA_DEFAULTS, toRunPayload } from '@gstack/core';
import { sql, stackInfo, unique } from '@gstack/local-stack/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeRun } from '../testing/history.ts';
import { baseEnv, type Person, person, run } from '../testing/people.ts';

let team: string;
let admin: Person;
let member: Person;

/** Result files of new runs with `tests` results each. */
function runFiles(count: number, tests = 1): string[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gstack-quota-'));
  return Array.from({ length: count }, (_, i) => {
    const names = Object.fromEntries(Array.from({ length: tests }, (_, t) => [`t${t}`, true]));
    const doc = makeRun({ hoursAgo: 0, tests: names, suite: `quota-${i}` });
    const file = path.join(dir, `${doc.run_id}.json`);
    writeFileSync(file, JSON.stringify(doc));
    return file;
  });
}

async function storedRuns(): Promise<number> {
  const rows = await sql<{ n: number }>(
    'select count(*)::int as n from public.eval_runs r join public.teams t on t.id = r.team_id where t.slug = $1',
    [team],
  );
  return rows[0]?.n ?? 0;
}

beforeAll(async () => {
  team = unique('quota').replace(/_/g, '-').toLowerCase().slice(0, 40);
  [admin, member] = await Promise.all([person(team), person(team)]);
  expect((await run('gstack', ['team', 'create', team], admin.env)).code).toBe(0);
  const invite = JSON.parse((await run('gstack', ['team', 'invite', '--json'], admin.env)).stdout);
  expect((await run('gstack', ['team', 'join', invite.code], member.env)).code).toBe(0);
});

describe('push quota', () => {
  it('has sane defaults, shown by team settings', async () => {
    const settings = JSON.parse((await run('gstack', ['team', 'settings', '--json'], admin.env)).stdout);
    expect(settings).toMatchObject({
      push_runs_per_hour: PUSH_QUOTA_DEFAULTS.runsPerHour,
      push_results_per_hour: PUSH_QUOTA_DEFAULTS.resultsPerHour,
      judge_cache_trust_members: false,
    });
  });

  it("queues a member's run over the team's runs per hour, saying when it retries; others' quotas are their own", async () => {
    expect((await run('gstack', ['team', 'set', 'push-runs-per-hour', '2'], admin.env)).code).toBe(0);
    const files = runFiles(3);
    const pushed = await run('gstack-sync', ['push', ...files], member.env);
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(pushed.stdout).toMatch(
      /^pushed 2 runs; queued 1 for later: push quota reached: 2 runs and 2 results in the last hour; this team allows 2 runs and \d+ results per hour for each member and CI token; retry after (59 minutes|1 hour); `gstack-sync drain` retries\n$/,
    );
    expect(await storedRuns()).toBe(2);
    // The queued run waits for the quota, not for the usual backoff.
    const queue = readFileSync(path.join(member.state, 'sync-queue.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(queue).toHaveLength(1);
    expect(Date.parse(queue[0].next_attempt_at) - Date.now()).toBeGreaterThan(58 * 60_000);

    // Re-pushing stored runs is a no-op, never counted, never refused.
    const again = await run('gstack-sync', ['push', ...files.slice(0, 2)], member.env);
    expect(again.stdout).toContain('pushed 0 runs, 2 already there');

    // The admin's quota is their own; a CI token has its own too.
    expect((await run('gstack-sync', ['push', ...runFiles(2)], admin.env)).stdout).toMatch(/^pushed 2 runs\n$/);
    const token = JSON.parse((await run('gstack', ['team', 'token', 'create', 'ci', '--json'], admin.env)).stdout).token as string;
    const ci = { ...baseEnv(mkdtempSync(path.join(os.tmpdir(), 'gstack-ci-')), team), GSTACK_SYNC_TOKEN: token };
    const byToken = await run('gstack-sync', ['push', ...runFiles(3)], ci);
    expect(byToken.stdout).toMatch(/^pushed 2 runs; queued 1 for later: push quota reached/);
    expect(await storedRuns()).toBe(6);
    expect((await run('gstack', ['team', 'set', 'push-runs-per-hour', String(PUSH_QUOTA_DEFAULTS.runsPerHour)], admin.env)).code).toBe(0);
  });

  it('counts results too, and answers the API with 429 and Retry-After', async () => {
    expect((await run('gstack', ['team', 'set', 'push-results-per-hour', '5'], admin.env)).code).toBe(0);
    const teamId = (await sql<{ id: string }>('select id from public.teams where slug = $1', [team]))[0]?.id;
    const login = await fetch(`${stackInfo().authUrl}/token?grant_type=password`, {
      method: 'POST',
      headers: { apikey: stackInfo().publishableKey, 'content-type': 'application/json' },
      body: JSON.stringify({ email: admin.email, password: admin.password }),
    });
    const { access_token } = (await login.json()) as { access_token: string };
    const push = (tests: number) =>
      fetch(`${stackInfo().restUrl}/rpc/push_eval_run`, {
        method: 'POST',
        headers: { apikey: stackInfo().publishableKey, authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          p_team_id: teamId,
          p_payload: toRunPayload(
            makeRun({ hoursAgo: 0, tests: Object.fromEntries(Array.from({ length: tests }, (_, t) => [`t${t}`, true])) }),
          ),
        }),
      });
    // The admin pushed 2 one-result runs in the test above: 2 + 3 = 5 fits, one more does not.
    expect((await push(3)).status).toBe(200);
    const refused = await push(1);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(60);
    expect(await refused.json()).toMatchObject({ code: 'push_quota', hint: expect.stringMatching(/^retry after \d+ seconds$/) });
  });
});
