/**
 * Retention's pruner (20261207120000_retention.sql): runs pushed through push_eval_run, a team
 * setting of 14 days, then private.prune_team_data in batches of 10 rows. One call deletes at most
 * its batch; repeated calls finish; expired runs lose their results, attempts, answer reviews and
 * the document's all_results, and are marked pruned; the rollups (tier_stats, attempt_stats,
 * test_costs_daily) keep their values; newer runs and teams without a retention keep everything.
 * The function is not callable by anon or authenticated, and the setting
 * has its bounds.
 */
import { createTeam, pushRun, signedInClient, sql } from '@gstack/local-stack/testing';
import type { SupabaseClient } from '@supabase/supabase-js';
import { beforeAll, describe, expect, it } from 'vitest';

const DAY = 86_400_000;

/** A run at `at` with `tests` tests of two attempts each (t1 escalates, t2 answers). */
function payload(key: string, at: Date, tests: number) {
  const names = Array.from({ length: tests }, (_, t) => `test-${t}`);
  const results = names.map((test_name, t) => ({
    test_name,
    passed: t % 3 !== 0,
    cost_usd: 0.001 * (t + 1),
    resolved_tier: t % 2 ? 't2' : 't1',
    resolved_model: t % 2 ? 'big' : 'small',
  }));
  const attempts = names.flatMap((test_name, t) => [
    { test_name, attempt: 1, model: 'small', tier: 't1', verdict: 'escalate', cost_usd: 0.0001 * (t + 1) },
    { test_name, attempt: 2, model: 'big', tier: 't2', verdict: 'accept', cost_usd: 0.001 * (t + 1) },
  ]);
  return {
    run: {
      run_key: key,
      repo_slug: 'acme/app',
      suite: 'retention',
      run_at: at.toISOString(),
      total_tests: tests,
      passed: results.filter((r) => r.passed).length,
      failed: results.filter((r) => !r.passed).length,
      result: { all_results: names.map((name) => ({ name, output: `a long answer to ${name}` })), interrupted: false },
    },
    results,
    attempts,
    costs: [{ model: 'big', calls: tests, cost_usd: 0.01 }],
  };
}

let admin: SupabaseClient;
let adminId: string;
let team: string;
let otherTeam: string;
const oldRuns: string[] = [];
let newRun: string;
let otherOld: string;

const rawCounts = async (runIds: string[]) =>
  (
    await sql<{ results: number; attempts: number }>(
      `select (select count(*) from public.eval_results where run_id = any($1))::int as results,
              (select count(*) from public.eval_attempts where run_id = any($1))::int as attempts`,
      [runIds],
    )
  )[0];
const rollups = async (teamId: string) => ({
  runs: await sql('select id, tier_stats, attempt_stats from public.eval_runs where team_id = $1 order by id', [teamId]),
  daily: await sql(
    'select day::text, test_name, results::int, cost_usd::text from public.test_costs_daily where team_id = $1 order by 1, 2',
    [teamId],
  ),
});
const prune = async (batch: number) =>
  (await sql<{ done: { deleted: number; runs_pruned: number } }>('select private.prune_team_data($1) as done', [batch]))[0]?.done;

beforeAll(async () => {
  ({ client: admin, userId: adminId } = await signedInClient());
  team = await createTeam(admin, 'retention');
  const now = Date.now();
  // Three expired runs (40, 30 and 20 days old): 6 + 4 + 3 tests, 39 rows in all. One fresh run.
  for (const [days, tests] of [
    [40, 6],
    [30, 4],
    [20, 3],
  ] as const)
    oldRuns.push(await pushRun(admin, team, payload(`old-${days}`, new Date(now - days * DAY), tests)));
  newRun = await pushRun(admin, team, payload('new', new Date(now - 2 * DAY), 5));
  // A review of an expired answer: it goes with the attempt, its count stays in pruned_stats.
  await sql(
    `insert into public.answer_reviews (team_id, run_id, test_name, trial, attempt, reviewer, correct) values ($1, $2, 'test-0', 1, 1, $3, true)`,
    [team, oldRuns[0], adminId],
  );
  // Another team, old runs, no retention.
  const { client: other } = await signedInClient();
  otherTeam = await createTeam(other, 'keep-all');
  otherOld = await pushRun(other, otherTeam, payload('other-old', new Date(now - 400 * DAY), 4));
});

describe('retention pruning', () => {
  it('refuses a retention under 14 days or over 3650, and keeps everything when unset', async () => {
    for (const days of [13, 0, 3651])
      await expect(sql('insert into public.team_settings (team_id, retention_days) values ($1, $2)', [team, days])).rejects.toThrow(
        /team_settings_retention_days/,
      );
    expect(await prune(1000)).toEqual({ deleted: 0, runs_pruned: 0 });
    expect(await rawCounts([...oldRuns, otherOld])).toEqual({ results: 17, attempts: 34 });
  });

  it('is callable by neither anon nor authenticated (only the job, as the database owner)', async () => {
    const [grants] = await sql<Record<string, boolean>>(
      `select has_function_privilege('anon', 'private.prune_team_data(integer)', 'execute') as anon_fn,
              has_function_privilege('authenticated', 'private.prune_team_data(integer)', 'execute') as auth_fn,
              has_function_privilege('authenticated', 'private.pruned_stats_of(public.eval_runs, integer)', 'execute') as auth_stats,
              has_column_privilege('authenticated', 'public.eval_runs', 'pruned_at', 'update') as auth_mark`,
    );
    expect(grants).toEqual({ anon_fn: false, auth_fn: false, auth_stats: false, auth_mark: false });
    // And the API has no way to it: the private schema is not exposed.
    const { error } = await admin.schema('private' as 'public').rpc('prune_team_data' as never, { p_batch: 10 } as never);
    expect(error).not.toBeNull();
  });

  it('deletes at most a batch per call, finishes over repeated calls, and leaves the rollups as they were', async () => {
    await sql('insert into public.team_settings (team_id, retention_days) values ($1, 14)', [team]);
    const before = await rollups(team);
    const fresh = await rawCounts([newRun]);
    expect(await rawCounts(oldRuns)).toEqual({ results: 13, attempts: 26 });

    const first = await prune(10);
    expect(first).toEqual({ deleted: 10, runs_pruned: 0 });
    expect(await rawCounts(oldRuns)).toEqual({ results: 13, attempts: 16 });
    // The oldest run's document lost its tests in the first batch; its figures were recorded first.
    const [started] = await sql<{ pruned_at: string | null; stats: Record<string, unknown>; tests: unknown }>(
      `select pruned_at, pruned_stats as stats, result -> 'all_results' as tests from public.eval_runs where id = $1`,
      [oldRuns[0]],
    );
    expect(started).toMatchObject({ pruned_at: null, tests: null, stats: { retention_days: 14, results: 6, attempts: 12 } });

    const calls = [first];
    for (let i = 0; i < 20; i++) {
      const done = await prune(10);
      calls.push(done);
      if (done?.deleted === 0 && done.runs_pruned === 0) break;
      expect(done?.deleted).toBeLessThanOrEqual(10);
    }
    // 39 rows in batches of 10: 10, 10, 10, 9, then nothing left.
    expect(calls.map((c) => c?.deleted)).toEqual([10, 10, 10, 9, 0]);
    expect(calls.reduce((n, c) => n + (c?.runs_pruned ?? 0), 0)).toBe(3);
    expect(await rawCounts(oldRuns)).toEqual({ results: 0, attempts: 0 });
    expect(await sql('select count(*)::int as n from public.answer_reviews where run_id = $1', [oldRuns[0]])).toEqual([{ n: 0 }]);

    const marks = await sql<{ id: string; pruned: boolean; tests: unknown; results: number }>(
      `select id, pruned_at is not null as pruned, result -> 'all_results' as tests, (pruned_stats ->> 'results')::int as results
       from public.eval_runs where team_id = $1 order by run_at`,
      [team],
    );
    expect(marks.map((m) => [m.pruned, m.tests === null, m.results])).toEqual([
      [true, true, 6],
      [true, true, 4],
      [true, true, 3],
      [false, false, null],
    ]);
    // The rollups the pages read are exactly as before; the fresh run and the other team are whole.
    expect(await rollups(team)).toEqual(before);
    expect(await rawCounts([newRun])).toEqual(fresh);
    expect(await rawCounts([otherOld])).toEqual({ results: 4, attempts: 8 });
    const [keeps] = await sql<{ pruned_at: string | null }>('select pruned_at from public.eval_runs where id = $1', [otherOld]);
    expect(keeps?.pruned_at).toBeNull();
  });

  it('gstack ci report learns that a pruned baseline has no results left', async () => {
    const { data, error } = await admin.rpc('ci_report_context', {
      p_team_id: team,
      p_token: null,
      p_run: 'new',
      p_branches: ['main'],
      p_baseline: 'old-40',
    });
    expect(error).toBeNull();
    const context = data as {
      run: { pruned_at: string | null; results: unknown[] };
      baseline: { pruned_at: string | null; results: unknown[] };
    };
    expect(context.baseline.pruned_at).not.toBeNull();
    expect(context.baseline.results).toEqual([]);
    expect(context.run.pruned_at).toBeNull();
    expect(context.run.results).toHaveLength(5);
  });

  it('the scheduled job prunes through the same function, and an admin delete still updates the rollups', async () => {
    const [job] = await sql<{ schedule: string; command: string }>(
      `select schedule, command from cron.job where jobname = 'gstack-retention-prune'`,
    );
    expect(job?.schedule).toBe('17 * * * *');
    const later = await pushRun(admin, team, payload('late-arrival', new Date(Date.now() - 30 * DAY), 2));
    expect(await rawCounts([later])).toEqual({ results: 2, attempts: 4 });
    await sql(job?.command ?? '');
    expect(await rawCounts([later])).toEqual({ results: 0, attempts: 0 });
    // Outside the pruner, deleting results recomputes tier_stats as before (the trigger's guard is off).
    await sql(`delete from public.eval_results where run_id = $1 and test_name = 'test-0'`, [newRun]);
    const [stats] = await sql<{ tier_stats: Record<string, { tests: number }> }>('select tier_stats from public.eval_runs where id = $1', [
      newRun,
    ]);
    expect(stats?.tier_stats.t1?.tests).toBe(2);
  });
});
