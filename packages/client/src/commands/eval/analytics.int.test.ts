/**
 * `--team` on list, compare, summary, trend and leaderboard: histories pushed
 * by gstack-sync, read back from the team store; and the local fallback when
 * the store cannot be reached.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unique } from '@gstack/local-stack/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeHistory } from '../../testing/history.ts';
import { type Person, person, run } from '../../testing/people.ts';

let ada: Person;
let ben: Person;
let docs: ReturnType<typeof writeHistory>;

beforeAll(async () => {
  const team = unique('analytics').replace(/_/g, '-').toLowerCase();
  [ada, ben] = await Promise.all([person(team), person(team)]);
  expect((await run('gstack', ['team', 'create', team], ada.env)).code).toBe(0);
  const code = JSON.parse((await run('gstack', ['team', 'invite', '--json'], ada.env)).stdout).code;
  expect((await run('gstack', ['team', 'join', code], ben.env)).code).toBe(0);
  // Ada's machine ran smoke four times; Ben's once.
  docs = writeHistory(ada.state, [
    { hoursAgo: 40, tests: { a: true, b: true } },
    { hoursAgo: 30, tests: { a: false, b: true } },
    { hoursAgo: 20, tests: { a: true, b: true } },
    { hoursAgo: 10, tests: { a: false, b: false } },
  ]);
  writeHistory(ben.state, [{ hoursAgo: 5, hostname: 'bens-box', tests: { a: true, b: true } }]);
  // A bare push sends the current repository's runs: push from a checkout of acme-app.
  const checkout = path.join(mkdtempSync(path.join(os.tmpdir(), 'gstack-repo-')), 'acme-app');
  mkdirSync(checkout);
  for (const p of [ada, ben]) expect((await run('gstack-sync', ['push'], p.env, checkout)).code).toBe(0);
});

const evalCmd = (args: string[], env: Record<string, string>) => run('gstack', ['eval', ...args, '--json'], { ...env, NO_COLOR: '1' });

describe('--team', () => {
  it("list reads every teammate's runs from the store", async () => {
    const json = JSON.parse((await evalCmd(['list', '--team'], ben.env)).stdout);
    expect(json.source).toBe('team');
    expect(json.runs).toHaveLength(5);
    expect(json.runs[0]).toMatchObject({ suite: 'smoke', passed: 2, total: 2, who: 'bens-box' });
  });

  it('trend classifies from the test_history RPC', async () => {
    const json = JSON.parse((await evalCmd(['trend', '--team'], ben.env)).stdout);
    const byTest = Object.fromEntries(
      json.tests.map((t: { test: string; classification: string; sparkline: string }) => [t.test, [t.classification, t.sparkline]]),
    );
    // b failed once and recovered: two flips, no lasting shift, so flaky by the rules.
    expect(byTest).toEqual({ a: ['flaky', '✓✗✓✗✓'], b: ['flaky', '✓✓✓✗✓'] });
  });

  it("summary and compare use the team's documents", async () => {
    const summary = JSON.parse((await evalCmd(['summary', '--team'], ben.env)).stdout);
    expect(summary).toMatchObject({ source: 'team', runs: 5, by_suite: [{ key: 'smoke', runs: 5, pass_rate: 70 }] });
    expect(summary.flaky.map((f: { test: string }) => f.test)).toEqual(['a', 'b']);
    const compare = JSON.parse((await evalCmd(['compare', '--team', docs[2]?.run_id ?? '', docs[3]?.run_id ?? ''], ben.env)).stdout);
    expect(compare.tests.map((t: { name: string; change: string }) => [t.name, t.change])).toEqual([
      ['a', 'newly-failing'],
      ['b', 'newly-failing'],
    ]);
  });

  it('leaderboard ranks people by name, with streaks', async () => {
    const json = JSON.parse((await evalCmd(['leaderboard', '--team'], ada.env)).stdout);
    expect(json.entries.map((e: { name: string; runs: number }) => [e.name, e.runs])).toEqual([
      [ada.email.split('@')[0], 4],
      [ben.email.split('@')[0], 1],
    ]);
    expect(json.entries[0].streak).toBeGreaterThanOrEqual(1);
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
