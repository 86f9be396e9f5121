/**
 * `--team` on list, show, compare, summary, trend and leaderboard: histories
 * pushed by gstack-sync (two people and a CI token, two repositories), read
 * back from the team store, with and without `--repo`; and the local fallback
 * when the store cannot be reached.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unique } from '@gstack/local-stack/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeHistory } from '../../testing/history.ts';
import { baseEnv, type Person, person, run } from '../../testing/people.ts';

let ada: Person;
let ben: Person;
let docs: ReturnType<typeof writeHistory>;
let ciRun: ReturnType<typeof writeHistory>[number] | undefined;

beforeAll(async () => {
  const team = unique('analytics').replace(/_/g, '-').toLowerCase();
  [ada, ben] = await Promise.all([person(team), person(team)]);
  expect((await run('gstack', ['team', 'create', team], ada.env)).code).toBe(0);
  // An invite for Ben and an ingest token for CI (independent: at once).
  const [invite, minted] = await Promise.all([
    run('gstack', ['team', 'invite', '--json'], ada.env),
    run('gstack', ['team', 'token', 'create', 'ci', '--json'], ada.env),
  ]);
  expect((await run('gstack', ['team', 'join', JSON.parse(invite.stdout).code], ben.env)).code).toBe(0);
  // Ada's machine ran smoke four times; Ben's once.
  docs = writeHistory(ada.state, [
    { hoursAgo: 40, tests: { a: true, b: true } },
    { hoursAgo: 30, tests: { a: false, b: true } },
    { hoursAgo: 20, tests: { a: true, b: true } },
    { hoursAgo: 10, tests: { a: false, b: false } },
  ]);
  writeHistory(ben.state, [{ hoursAgo: 5, hostname: 'bens-box', tests: { a: true, b: true } }]);
  // CI pushed one run of another repository, acme-api, with the ingest token.
  const ciState = mkdtempSync(path.join(os.tmpdir(), 'gstack-ci-'));
  [ciRun] = writeHistory(ciState, [{ hoursAgo: 2, suite: 'api', hostname: 'runner-1', tests: { x: true, y: false } }], 'acme-api');
  // A bare push sends the current repository's runs: push from checkouts named after them.
  const parent = mkdtempSync(path.join(os.tmpdir(), 'gstack-repo-'));
  for (const repo of ['acme-app', 'acme-api']) mkdirSync(path.join(parent, repo));
  const ci = { ...baseEnv(ciState, team), GSTACK_SYNC_TOKEN: JSON.parse(minted.stdout).token as string };
  const pushes = await Promise.all([
    run('gstack-sync', ['push'], ada.env, path.join(parent, 'acme-app')),
    run('gstack-sync', ['push'], ben.env, path.join(parent, 'acme-app')),
    run('gstack-sync', ['push'], ci, path.join(parent, 'acme-api')),
  ]);
  expect(
    pushes.map((p) => p.code),
    pushes.map((p) => p.stderr).join(''),
  ).toEqual([0, 0, 0]);
});

/** The name the team sees (the display name joining sets: the email's local part). */
const name = (p: Person) => p.email.split('@')[0];

const evalCmd = (args: string[], env: Record<string, string>) => run('gstack', ['eval', ...args, '--json'], { ...env, NO_COLOR: '1' });

describe('--team', () => {
  it("list reads every teammate's runs from the store, with repo and person columns", async () => {
    const json = JSON.parse((await evalCmd(['list', '--team'], ben.env)).stdout);
    expect(json.source).toBe('team');
    expect(json.runs).toHaveLength(6);
    expect(json.runs[0]).toMatchObject({ repo_slug: 'acme-api', suite: 'api', person: 'CI', who: 'runner-1' });
    const acme = JSON.parse((await evalCmd(['list', '--team', '--repo', 'acme-app'], ben.env)).stdout);
    expect(acme.runs).toHaveLength(5);
    expect(acme.runs[0]).toMatchObject({ repo_slug: 'acme-app', suite: 'smoke', passed: 2, total: 2, who: 'bens-box' });

    const table = await run('gstack', ['eval', 'list', '--team'], { ...ben.env, NO_COLOR: '1' });
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^run\s+when\s+repo\s+person\s+suite\s+branch\s+tier\s+passed\s+cost\s+version\s+state$/);
    expect(lines[1]).toMatch(new RegExp(`^${ciRun?.run_id.slice(0, 8)}\\s+2 h ago\\s+acme-api\\s+CI\\s+api\\s`));
    expect(lines[2]).toMatch(new RegExp(`5 h ago\\s+acme-app\\s+${ben.email.split('@')[0]}\\s+smoke`));
    // One repository: no repo column.
    const one = await run('gstack', ['eval', 'list', '--team', '--repo', 'acme-api'], { ...ben.env, NO_COLOR: '1' });
    expect(one.stdout.split('\n')[0]).toMatch(/^run\s+when\s+person\s+suite\s/);
  });

  it('gstack-sync show evals is a table with a header row and times said as people do', async () => {
    const out = await run('gstack-sync', ['show', 'evals'], { ...ben.env, NO_COLOR: '1' });
    const lines = out.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^when\s+repo\s+suite\s+branch\s+passed\s+cost\s+host$/);
    expect(lines[1]).toMatch(/^2 h ago\s+acme-api\s+api\s+main\s+1\/2\s+\$0\.0020\s+runner-1$/);
    expect(lines).toHaveLength(7);
  });

  it('show and compare look runs up in --repo only', async () => {
    const shown = await evalCmd(['show', '--team', ciRun?.run_id.slice(0, 8) ?? ''], ben.env);
    expect(JSON.parse(shown.stdout)).toMatchObject({ run_id: ciRun?.run_id, repo_slug: 'acme-api' });
    const elsewhere = await evalCmd(['show', '--team', '--repo', 'acme-app', ciRun?.run_id.slice(0, 8) ?? ''], ben.env);
    expect([elsewhere.code, elsewhere.stderr]).toEqual([2, `error: ${ciRun?.run_id.slice(0, 8)}: no such file or run id\n`]);
    // acme-api has one run: nothing to compare it with.
    const lonely = await evalCmd(['compare', '--team', '--repo', 'acme-api'], ben.env);
    expect([lonely.code, lonely.stderr]).toEqual([
      2,
      'error: need two runs of one suite to compare (or name them: gstack eval compare BASE HEAD)\n',
    ]);
  });

  it('trend classifies from the test_history RPC', async () => {
    const json = JSON.parse((await evalCmd(['trend', '--team', '--repo', 'acme-app'], ben.env)).stdout);
    const byTest = Object.fromEntries(
      json.tests.map((t: { test: string; classification: string; sparkline: string }) => [t.test, [t.classification, t.sparkline]]),
    );
    // b failed once and recovered: two flips, no lasting shift, so flaky by the rules.
    expect(byTest).toEqual({ a: ['flaky', '✓✗✓✗✓'], b: ['flaky', '✓✓✓✗✓'] });
    // Every repository: acme-api's tests too, and a repo column in the table.
    const all = JSON.parse((await evalCmd(['trend', '--team'], ben.env)).stdout);
    expect(all.tests.map((t: { repo_slug: string; test: string }) => `${t.repo_slug}/${t.test}`).sort()).toEqual([
      'acme-api/x',
      'acme-api/y',
      'acme-app/a',
      'acme-app/b',
    ]);
    const table = await run('gstack', ['eval', 'trend', '--team'], { ...ben.env, NO_COLOR: '1' });
    expect(table.stdout.split('\n')[0]).toMatch(/^repo\s+suite\s+test\s+trend/);
    expect(table.stdout).toMatch(/acme-api\s+api\s+y\s+stable-fail/);
  });

  it("summary --repo and compare use the team's documents", async () => {
    const summary = JSON.parse((await evalCmd(['summary', '--team', '--repo', 'acme-app'], ben.env)).stdout);
    expect(summary).toMatchObject({ source: 'team', runs: 5, by_suite: [{ key: 'smoke', runs: 5, pass_rate: 70 }] });
    expect(summary.flaky.map((f: { test: string }) => f.test)).toEqual(['a', 'b']);
    const compare = JSON.parse((await evalCmd(['compare', '--team', docs[2]?.run_id ?? '', docs[3]?.run_id ?? ''], ben.env)).stdout);
    expect(compare.tests.map((t: { name: string; change: string }) => [t.name, t.change])).toEqual([
      ['a', 'newly-failing'],
      ['b', 'newly-failing'],
    ]);
  });

  it('summary of every repository: by repository and by person, as tables with header rows', async () => {
    const all = JSON.parse((await evalCmd(['summary', '--team'], ben.env)).stdout);
    expect(all).toMatchObject({
      runs: 6,
      by_repo: [
        { key: 'acme-api', runs: 1, pass_rate: 50 },
        { key: 'acme-app', runs: 5, pass_rate: 70 },
      ],
    });
    expect(Object.fromEntries(all.by_person.map((p: { key: string; runs: number }) => [p.key, p.runs]))).toEqual({
      [ada.email.split('@')[0] as string]: 4,
      [ben.email.split('@')[0] as string]: 1,
      CI: 1,
    });
    const text = (await run('gstack', ['eval', 'summary', '--team'], { ...ben.env, NO_COLOR: '1' })).stdout;
    expect(text).toMatch(/\nrepo\s+runs\s+pass\nacme-api\s+1\s+50\.0%\nacme-app\s+5\s+70\.0%\n/);
    expect(text).toMatch(/\nperson\s+runs\s+pass\n/);
  });

  it('leaderboard ranks people as the dashboard does, CI-token runs as "CI"', async () => {
    const json = JSON.parse((await evalCmd(['leaderboard', '--team'], ada.env)).stdout);
    // Ben and CI have one run each: Ben's passed 2 of 2, CI's 1 of 2.
    expect(json.entries.map((e: { name: string; runs: number; pass_rate: number }) => [e.name, e.runs, e.pass_rate])).toEqual([
      [name(ada), 4, 62.5],
      [name(ben), 1, 100],
      ['CI', 1, 50],
    ]);
    expect(json.entries[0].streak).toBeGreaterThanOrEqual(1);
    const table = await run('gstack', ['eval', 'leaderboard', '--team'], { ...ada.env, NO_COLOR: '1' });
    expect(table.stdout.split('\n')[0]).toMatch(/^#\s+person\s+runs\s+pass\s+cost\s+ships\s+sessions\s+streak$/);
    expect(table.stdout).toMatch(/\n3\s+CI\s+1\s+50\.0%/);
  });

  it('leaderboard --team --repo counts that repository only', async () => {
    const app = JSON.parse((await evalCmd(['leaderboard', '--team', '--repo', 'acme-app'], ada.env)).stdout);
    expect(app.entries.map((e: { name: string }) => e.name)).toEqual([name(ada), name(ben)]);
    const api = JSON.parse((await evalCmd(['leaderboard', '--team', '--repo', 'acme-api'], ada.env)).stdout);
    expect(api).toMatchObject({ repo: 'acme-api', entries: [{ name: 'CI', runs: 1, pass_rate: 50, streak: 1 }] });
  });

  it('falls back to local results, with a notice, when the store is unreachable', async () => {
    const offline = await run('gstack', ['eval', 'list', '--team', '--json'], { ...ada.env, GSTACK_SUPABASE_URL: 'http://127.0.0.1:9' });
    // No session for that URL: a refusal, not a silent fallback.
    expect(offline.code).toBe(1);
    // With a session for an unreachable URL, the local history is shown.
    const state = mkdtempSync(path.join(os.tmpdir(), 'gstack-offline-'));
    const url = 'http://127.0.0.1:9';
    writeFileSync(
      path.join(state, 'auth.json'),
      JSON.stringify({
        version: 1,
        sessions: {
          [url]: {
            'sb-127-auth-token': JSON.stringify({
              access_token: 'x',
              refresh_token: 'y',
              expires_at: 1,
              token_type: 'bearer',
              user: { id: 'u' },
            }),
          },
        },
      }),
    );
    writeHistory(state, [{ hoursAgo: 1, tests: { a: true } }]);
    const fallback = await run('gstack', ['eval', 'list', '--team', '--json', '--repo', 'acme-app'], {
      ...ada.env,
      GSTACK_STATE_DIR: state,
      HOME: state,
      GSTACK_SUPABASE_URL: url,
    });
    expect(fallback.code).toBe(0);
    expect(fallback.stderr).toContain('the team store is unreachable');
    expect(JSON.parse(fallback.stdout)).toMatchObject({ source: 'local', runs: [{ suite: 'smoke' }] });
  });
});
