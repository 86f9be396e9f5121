/**
 * Dashboard aggregates against a seeded team, each checked against the same number
 * computed here in TypeScript from the seed itself; called as a member, through RLS.
 */
import { randomUUID } from 'node:crypto';
import { createTeam, serviceClient, signedInClient, unique } from '@gstack/local-stack/testing';
import type { SupabaseClient } from '@supabase/supabase-js';
import { beforeAll, describe, expect, it } from 'vitest';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const now = Date.now();

interface SeedRun {
  id: string;
  suite: string;
  user: 'admin' | 'member' | null;
  hoursAgo: number;
  total: number;
  passed: number;
  skipped: number;
  cost: number;
  judge: number;
  results: Array<{ test: string; passed: boolean; skipped?: boolean; tier: string | null; cost: number }>;
  costs: Array<{
    model: string;
    purpose: 'system' | 'judge';
    calls: number;
    input: number;
    cost: number;
    exact: boolean;
    /** Calls the model response cache answered ($0, not in calls). */
    cached?: number;
  }>;
}

const r = (test: string, passed: boolean, tier: string | null, cost: number, skipped = false) => ({ test, passed, tier, cost, skipped });

const RUNS: SeedRun[] = [
  {
    id: randomUUID(),
    suite: 'smoke',
    user: 'admin',
    hoursAgo: 0.02,
    total: 4,
    passed: 2,
    skipped: 1,
    cost: 0.4,
    judge: 0.05,
    results: [r('t1', true, 'local', 0), r('t2', false, 'cloud', 0.3), r('t3', true, 'cloud', 0.1), r('t4', false, null, 0, true)],
    costs: [
      { model: 'local/qwen', purpose: 'system', calls: 4, input: 400, cost: 0, exact: false, cached: 3 },
      { model: 'anthropic/sonnet', purpose: 'system', calls: 2, input: 900, cost: 0.35, exact: true },
      { model: 'anthropic/haiku', purpose: 'judge', calls: 3, input: 300, cost: 0.05, exact: true },
    ],
  },
  {
    id: randomUUID(),
    suite: 'smoke',
    user: 'member',
    hoursAgo: 30,
    total: 4,
    passed: 3,
    skipped: 0,
    cost: 0.2,
    judge: 0.02,
    results: [r('t1', true, 'local', 0), r('t2', true, 'local', 0), r('t3', false, 'cloud', 0.2), r('t4', true, 'local', 0)],
    costs: [
      { model: 'local/qwen', purpose: 'system', calls: 5, input: 500, cost: 0, exact: false, cached: 1 },
      { model: 'anthropic/sonnet', purpose: 'system', calls: 1, input: 400, cost: 0.18, exact: false },
    ],
  },
  {
    id: randomUUID(),
    suite: 'smoke',
    user: 'member',
    hoursAgo: 24 * 9,
    total: 4,
    passed: 4,
    skipped: 0,
    cost: 0.1,
    judge: 0,
    results: [r('t1', true, 'local', 0), r('t2', true, 'local', 0), r('t3', true, 'local', 0.1), r('t4', true, 'local', 0)],
    costs: [{ model: 'local/qwen', purpose: 'system', calls: 4, input: 420, cost: 0.1, exact: true }],
  },
  {
    id: randomUUID(),
    suite: 'deep',
    user: null,
    hoursAgo: 24 * 3,
    total: 10,
    passed: 7,
    skipped: 0,
    cost: 1.5,
    judge: 0.3,
    results: [r('d1', true, 'cloud', 1.2), r('d2', false, 'cloud', 0.3)],
    costs: [
      { model: 'anthropic/opus', purpose: 'system', calls: 2, input: 2000, cost: 1.2, exact: true },
      { model: 'anthropic/haiku', purpose: 'judge', calls: 2, input: 100, cost: 0.3, exact: true },
    ],
  },
  {
    id: randomUUID(),
    suite: 'deep',
    user: 'admin',
    hoursAgo: 24 * 45,
    total: 10,
    passed: 1,
    skipped: 0,
    cost: 9,
    judge: 1,
    results: [r('d1', false, 'cloud', 5), r('d2', false, 'cloud', 4)],
    costs: [{ model: 'anthropic/opus', purpose: 'system', calls: 9, input: 9000, cost: 9, exact: true }],
  },
];

const runAt = (run: SeedRun) => new Date(now - run.hoursAgo * HOUR);
const round2 = (x: number) => Math.round(x * 100) / 100;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
/** Monday 00:00 UTC of the week containing `t`. */
function weekStart(t: Date): Date {
  const d = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate()));
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d;
}
const day = (t: Date) => t.toISOString().slice(0, 10);
const passRate = (runs: SeedRun[]) => {
  const ran = sum(runs.map((x) => x.total - x.skipped));
  return ran > 0 ? round2((100 * sum(runs.map((x) => x.passed))) / ran) : null;
};

let member: SupabaseClient;
let outsider: SupabaseClient;
let team: string;
const ids = { admin: '', member: '' };
const names = { admin: '', member: '' };

beforeAll(async () => {
  const admin = await signedInClient();
  const mem = await signedInClient();
  const out = await signedInClient();
  member = mem.client;
  outsider = out.client;
  ids.admin = admin.userId;
  ids.member = mem.userId;
  names.admin = admin.email.split('@')[0] ?? '';
  names.member = mem.email.split('@')[0] ?? '';
  team = await createTeam(admin.client, 'agg');
  const inv = await admin.client.rpc('create_invite', { p_team_id: team });
  await mem.client.rpc('accept_invite', { p_code: inv.data[0].code });

  const svc = serviceClient();
  const check = ({ error }: { error: { message: string } | null }) => {
    if (error) throw new Error(error.message);
  };
  check(
    await svc.from('eval_runs').insert(
      RUNS.map((run) => ({
        id: run.id,
        team_id: team,
        user_id: run.user ? ids[run.user] : null,
        run_key: run.id,
        repo_slug: 'acme/app',
        suite: run.suite,
        run_at: runAt(run).toISOString(),
        total_tests: run.total,
        passed: run.passed,
        failed: run.total - run.passed - run.skipped,
        skipped: run.skipped,
        cost_usd: run.cost,
        judge_cost_usd: run.judge,
      })),
    ),
  );
  check(
    await svc.from('eval_results').insert(
      RUNS.flatMap((run) =>
        run.results.map((x) => ({
          run_id: run.id,
          team_id: team,
          test_name: x.test,
          passed: x.passed,
          skipped: x.skipped,
          resolved_tier: x.tier,
          cost_usd: x.cost,
          category: 'c',
        })),
      ),
    ),
  );
  check(
    await svc.from('eval_costs').insert(
      RUNS.flatMap((run) =>
        run.costs.map((c) => ({
          run_id: run.id,
          team_id: team,
          model: c.model,
          purpose: c.purpose,
          calls: c.calls,
          input_tokens: c.input,
          cost_usd: c.cost,
          exact: c.exact,
          cached_calls: c.cached ?? 0,
        })),
      ),
    ),
  );
  check(
    await svc.from('sync_heartbeats').insert([
      {
        team_id: team,
        user_id: ids.admin,
        hostname: 'laptop',
        repo_slug: 'acme/app',
        last_seen_at: new Date(now - 2 * 60_000).toISOString(),
        event: 'eval_run',
      },
      {
        team_id: team,
        user_id: ids.member,
        hostname: 'desktop',
        repo_slug: 'acme/app',
        last_seen_at: new Date(now - 30 * 60_000).toISOString(),
        event: 'push',
      },
    ]),
  );
  check(
    await svc.from('ship_logs').insert([
      { team_id: team, user_id: ids.member, repo_slug: 'acme/app', git_sha: 'a1', shipped_at: new Date(now - DAY).toISOString() },
      { team_id: team, user_id: ids.member, repo_slug: 'acme/app', git_sha: 'a2', shipped_at: new Date(now - 2 * DAY).toISOString() },
      { team_id: team, user_id: ids.admin, repo_slug: 'acme/app', git_sha: 'a3', shipped_at: new Date(now - 20 * DAY).toISOString() },
    ]),
  );
  check(
    await svc
      .from('session_transcripts')
      .insert([{ team_id: team, user_id: ids.admin, session_id: unique('s'), started_at: new Date(now - 3 * HOUR).toISOString() }]),
  );
});

describe('dashboard aggregates', () => {
  it('dashboard_overview', async () => {
    const thisWeek = weekStart(new Date(now)).getTime();
    const inThis = RUNS.filter((x) => runAt(x).getTime() >= thisWeek);
    const inLast = RUNS.filter((x) => runAt(x).getTime() < thisWeek && runAt(x).getTime() >= thisWeek - 7 * DAY);
    const { data, error } = await member.rpc('dashboard_overview', { p_team_id: team });
    expect(error).toBeNull();
    expect(data).toEqual({
      runs_total: RUNS.length,
      last_run_at: expect.any(String),
      runs_this_week: inThis.length,
      runs_last_week: inLast.length,
      pass_rate_this_week: passRate(inThis),
      pass_rate_last_week: passRate(inLast),
      cost_this_week: round2(sum(inThis.map((x) => x.cost))),
      cost_last_week: round2(sum(inLast.map((x) => x.cost))),
      active_now: 1,
    });
    expect(new Date(data.last_run_at).getTime()).toBe(Math.max(...RUNS.map((x) => runAt(x).getTime())));
  });

  it('pass_rate_series', async () => {
    const recent = RUNS.filter((x) => x.hoursAgo < 30 * 24);
    const groups = new Map<string, SeedRun[]>();
    for (const run of recent) {
      const key = `${run.suite}|${day(runAt(run))}`;
      groups.set(key, [...(groups.get(key) ?? []), run]);
    }
    const expected = [...groups]
      .map(([key, runs]) => {
        const [suite, d] = key.split('|');
        const ran = sum(runs.map((x) => x.total - x.skipped));
        return {
          repo_slug: 'acme/app',
          suite,
          day: d,
          runs: runs.length,
          passed: sum(runs.map((x) => x.passed)),
          ran,
          pass_rate: passRate(runs),
        };
      })
      .sort((a, b) => `${a.suite}${a.day}`.localeCompare(`${b.suite}${b.day}`));
    const { data } = await member.rpc('pass_rate_series', { p_team_id: team, p_days: 30 });
    expect(data).toEqual(expected);
  });

  it('test_history', async () => {
    const smoke = RUNS.filter((x) => x.suite === 'smoke').sort((a, b) => b.hoursAgo - a.hoursAgo);
    const { data } = await member.rpc('test_history', { p_team_id: team, p_repo_slug: 'acme/app', p_suite: 'smoke', p_runs: 3 });
    const tests = ['t1', 't2', 't3', 't4'];
    const expected = tests.map((test) => {
      const rows = smoke.flatMap((run) => run.results.filter((x) => x.test === test && !x.skipped).map((x) => ({ run, x })));
      return {
        test_name: test,
        category: 'c',
        outcomes: rows.map(({ x }) => x.passed),
        run_ats: rows.map(({ run }) => runAt(run).getTime()),
        last_tier: rows.at(-1)?.x.tier,
      };
    });
    const actual = (data as Array<{ run_ats: string[] }>).map((row) => ({
      ...row,
      run_ats: row.run_ats.map((t) => new Date(t).getTime()),
    }));
    expect(actual).toEqual(expected);
    // t4 was skipped in the newest run: its history has one entry less.
    expect(expected.find((t) => t.test_name === 't4')?.outcomes).toEqual([true, true]);
  });

  it('cost_per_week', async () => {
    const from = weekStart(new Date(now)).getTime() - 11 * 7 * DAY;
    const weeks = new Map<string, SeedRun[]>();
    for (const run of RUNS.filter((x) => runAt(x).getTime() >= from)) {
      const key = day(weekStart(runAt(run)));
      weeks.set(key, [...(weeks.get(key) ?? []), run]);
    }
    const expected = [...weeks]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([week, runs]) => ({
        week,
        runs: runs.length,
        cost_usd: round2(sum(runs.map((x) => x.cost))),
        judge_cost_usd: round2(sum(runs.map((x) => x.judge))),
      }));
    const { data } = await member.rpc('cost_per_week', { p_team_id: team, p_weeks: 12 });
    expect(data).toEqual(expected);
  });

  it('cost_per_model', async () => {
    const rows = RUNS.filter((x) => x.hoursAgo < 30 * 24).flatMap((x) => x.costs);
    const byKey = new Map<string, typeof rows>();
    for (const c of rows) byKey.set(`${c.model}|${c.purpose}`, [...(byKey.get(`${c.model}|${c.purpose}`) ?? []), c]);
    const expected = [...byKey]
      .map(([key, cs]) => {
        const [model, purpose] = key.split('|');
        return {
          model,
          purpose,
          calls: sum(cs.map((c) => c.calls)),
          input_tokens: sum(cs.map((c) => c.input)),
          output_tokens: 0,
          cache_read_tokens: 0,
          cache_write_tokens: 0,
          cost_usd: round2(sum(cs.map((c) => c.cost))),
          exact: cs.every((c) => c.exact),
          cached_calls: sum(cs.map((c) => c.cached ?? 0)),
        };
      })
      .sort((a, b) => b.cost_usd - a.cost_usd || (a.model ?? '').localeCompare(b.model ?? ''));
    const { data } = await member.rpc('cost_per_model', { p_team_id: team, p_days: 30 });
    expect(data).toEqual(expected);
  });

  it('escalation_per_tier', async () => {
    const results = RUNS.filter((x) => x.hoursAgo < 30 * 24).flatMap((x) => x.results.filter((y) => !y.skipped));
    const tiers = [...new Set(results.map((x) => x.tier ?? '(none)'))].sort();
    const expected = tiers.map((tier) => {
      const rows = results.filter((x) => (x.tier ?? '(none)') === tier);
      return {
        tier,
        tests: rows.length,
        passed: rows.filter((x) => x.passed).length,
        share: round2((100 * rows.length) / results.length),
        cost_usd: round2(sum(rows.map((x) => x.cost))),
      };
    });
    const { data } = await member.rpc('escalation_per_tier', { p_team_id: team, p_days: 30 });
    expect(data).toEqual(expected);
  });

  it('leaderboard', async () => {
    const week = RUNS.filter((x) => x.hoursAgo < 7 * 24);
    const of = (who: 'admin' | 'member') => week.filter((x) => x.user === who);
    const { data } = await member.rpc('leaderboard', { p_team_id: team, p_days: 7 });
    const rows = (data as Array<Record<string, unknown>>).map(({ last_active_at: _, ...rest }) => rest);
    const expected = (['admin', 'member'] as const)
      .map((who) => ({
        user_id: ids[who],
        display_name: names[who],
        runs: of(who).length,
        pass_rate: passRate(of(who)),
        cost_usd: round2(sum(of(who).map((x) => x.cost))),
        ships: who === 'member' ? 2 : 0,
        sessions: who === 'admin' ? 1 : 0,
      }))
      .sort((a, b) => b.runs + b.ships - (a.runs + a.ships) || a.display_name.localeCompare(b.display_name));
    expect(rows).toEqual(expected);
  });

  it('active_now', async () => {
    const { data } = await member.rpc('active_now', { p_team_id: team, p_minutes: 15 });
    expect(data).toEqual([
      {
        user_id: ids.admin,
        display_name: names.admin,
        hostname: 'laptop',
        repo_slug: 'acme/app',
        version: null,
        event: 'eval_run',
        last_seen_at: expect.any(String),
      },
    ]);
  });

  it('gives an outsider nothing', async () => {
    const overview = await outsider.rpc('dashboard_overview', { p_team_id: team });
    expect(overview.data).toMatchObject({ runs_total: 0, runs_this_week: 0, active_now: 0, pass_rate_this_week: null });
    for (const fn of ['pass_rate_series', 'cost_per_week', 'cost_per_model', 'escalation_per_tier', 'leaderboard', 'active_now']) {
      const { data, error } = await outsider.rpc(fn, { p_team_id: team });
      expect(error, fn).toBeNull();
      expect(data, fn).toEqual([]);
    }
  });
});
