/**
 * cost_leaders ranks tests from the daily rollup public.test_costs_daily instead of every result
 * of the window (20261123150000_test_cost_rollup.sql). Varied runs pushed through push_eval_run
 * (trials, two repos, runs on many days, one just inside the window's first day and one just
 * outside it, a run outside the window, a second team): the answer equals the old formula over
 * every result, also after an admin deletes results and a whole run, and the migration's backfill
 * rebuilds the rollup. With p_until (20261207100000_period_until.sql) the window is bounded at both
 * ends: a range of whole UTC days reads only the rollup, a window that starts and ends mid-day reads
 * its first and last day's results; both equal the formula over every result of the window.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTeam, pushRun, signedInClient, sql } from '@gstack/local-stack/testing';
import type { SupabaseClient } from '@supabase/supabase-js';
import { beforeAll, describe, expect, it } from 'vitest';

const MIGRATION = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../migrations/20261123150000_test_cost_rollup.sql');
const DAYS = 30;
const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * cost_leaders' tests as they were (20261122140000_dashboard_insights.sql): every result of the
 * window, [until - days, until), until now when $3 is null.
 */
const OLD_TEST_LEADERS = `
  with runs as (
    select r.id, r.repo_slug, r.suite from public.eval_runs r
    where r.team_id = $1 and r.run_at >= coalesce($3::timestamptz, now()) - make_interval(days => $2)
      and r.run_at < coalesce($3::timestamptz, 'infinity')
  )
  select r.repo_slug, r.suite, e.test_name, count(*) as runs, sum(e.cost_usd) as cost_usd
  from runs r
  cross join lateral (select x.test_name, x.cost_usd from public.eval_results x where x.run_id = r.id offset 0) e
  group by r.repo_slug, r.suite, e.test_name`;

/** The rollup recomputed from every result of the team: what the triggers must keep. */
const RECOMPUTED_ROLLUP = `
  select (r.run_at at time zone 'UTC')::date::text as day, r.repo_slug, r.suite, x.test_name, count(*)::int as results, sum(x.cost_usd)::text as cost_usd
  from public.eval_results x join public.eval_runs r on r.id = x.run_id
  where r.team_id = $1 group by 1, 2, 3, 4 order by 1, 2, 3, 4`;
const STORED_ROLLUP = `
  select day::text, repo_slug, suite, test_name, results::int, cost_usd::text
  from public.test_costs_daily where team_id = $1 order by 1, 2, 3, 4`;

type Leader = { repo_slug: string; suite: string; test_name: string; runs: number; cost_usd: string };

/** Leaders in the new function's order (cost, then repo, suite, test), costs as exact decimal strings. */
function canonical(rows: Array<Record<string, unknown>>): Leader[] {
  return rows
    .map((r) => ({
      repo_slug: String(r.repo_slug),
      suite: String(r.suite),
      test_name: String(r.test_name),
      runs: Number(r.runs),
      cost_usd: Number(r.cost_usd).toFixed(6),
    }))
    .sort(
      (a, b) =>
        Number(b.cost_usd) - Number(a.cost_usd) ||
        a.repo_slug.localeCompare(b.repo_slug) ||
        a.suite.localeCompare(b.suite) ||
        a.test_name.localeCompare(b.test_name),
    );
}

/** Run i's payload at `at`: tests with trials and costs derived from i, plus one test only this run has. */
function payload(i: number, suite: string, repo: string, at: Date, onlyHere: string) {
  const results: Array<Record<string, unknown>> = [];
  for (let t = 0; t < 5 + (i % 3); t++) {
    for (let trial = 1; trial <= (t % 3 === 0 ? 2 : 1); trial++) {
      results.push({
        test_name: `test-${t}`,
        trial,
        passed: (t + i) % 4 !== 0,
        cost_usd: Number((0.0001 * (t + 1) + 0.000001 * ((i * 7 + t) % 13)).toFixed(6)),
      });
    }
  }
  results.push({ test_name: onlyHere, trial: 1, passed: true, cost_usd: 0.5 + i / 1000 });
  return {
    run: {
      run_key: `cost-rollup-${i}`,
      repo_slug: repo,
      suite,
      run_at: at.toISOString(),
      total_tests: results.length,
      passed: results.filter((r) => r.passed).length,
      failed: results.filter((r) => !r.passed).length,
    },
    results,
    attempts: [],
    costs: [],
  };
}

let admin: SupabaseClient;
let team: string;
/** Midnight (UTC) `days` days before today. */
const midnight = (days: number) => {
  const d = new Date();
  d.setUTCHours(0, 0, 0, 0);
  return new Date(d.getTime() - days * DAY);
};
/** A range of whole days, 10 of them, ending at the midnight 5 days ago. */
const WHOLE = { days: 10, until: midnight(5) };
/** A window that starts and ends at noon: its first and last days are partly inside. */
const NOON = { days: 10, until: new Date(midnight(8).getTime() + 12 * 60 * MINUTE) };

/** cost_leaders' tests (as a member sees them through the API) against the old formula; returns the old rows. */
async function compare(limit = 1000, window: { days: number; until?: Date } = { days: DAYS }): Promise<Leader[]> {
  const until = window.until?.toISOString();
  const { data, error } = await admin.rpc('cost_leaders', { p_team_id: team, p_days: window.days, p_limit: limit, p_until: until });
  expect(error).toBeNull();
  const old = canonical(await sql(OLD_TEST_LEADERS, [team, window.days, until ?? null]));
  const tests = (data as { tests: Array<Record<string, unknown>> }).tests;
  // The function's own order is the canonical one: compare without re-sorting it.
  expect(tests.map((r) => ({ ...r, cost_usd: Number(r.cost_usd).toFixed(6), runs: Number(r.runs) }))).toEqual(old.slice(0, limit));
  return old;
}

async function rollupMatchesResults(): Promise<void> {
  expect(await sql(STORED_ROLLUP, [team])).toEqual(await sql(RECOMPUTED_ROLLUP, [team]));
}

beforeAll(async () => {
  ({ client: admin } = await signedInClient());
  team = await createTeam(admin, 'costs');
  const now = Date.now();
  const suites = [
    ['acme/app', 'costs'],
    ['acme/app', 'smoke'],
    ['acme/api', 'costs'],
  ] as const;
  // Runs on 15 days of the window, two on some days.
  for (let i = 0; i < 18; i++) {
    const [repo, suite] = suites[i % suites.length] as (typeof suites)[number];
    await pushRun(admin, team, payload(i, suite, repo, new Date(now - (i % 15) * 2 * DAY + i * MINUTE), `only-${i}`));
  }
  // The window's first day: one run just inside the window, one just before it, one long before.
  const since = now - DAYS * DAY;
  await pushRun(admin, team, payload(30, 'costs', 'acme/app', new Date(since + 10 * MINUTE), 'first-day-inside'));
  await pushRun(admin, team, payload(31, 'costs', 'acme/app', new Date(since - 10 * MINUTE), 'first-day-outside'));
  await pushRun(admin, team, payload(32, 'costs', 'acme/app', new Date(now - 40 * DAY), 'long-before'));
  // The bounded windows' edges: on each side of the end and the start, on the same UTC day.
  for (const [w, name, i] of [
    [WHOLE, 'whole', 50],
    [NOON, 'noon', 60],
  ] as const) {
    const end = w.until.getTime();
    const start = end - w.days * DAY;
    await pushRun(admin, team, payload(i, 'costs', 'acme/app', new Date(end - MINUTE), `${name}-last-inside`));
    await pushRun(admin, team, payload(i + 1, 'costs', 'acme/app', new Date(end), `${name}-after-end`));
    await pushRun(admin, team, payload(i + 2, 'costs', 'acme/app', new Date(start), `${name}-first-inside`));
    await pushRun(admin, team, payload(i + 3, 'costs', 'acme/app', new Date(start - MINUTE), `${name}-before-start`));
  }
  // Another team's runs in the same suites must not count.
  const { client: other } = await signedInClient();
  const otherTeam = await createTeam(other, 'other');
  for (let i = 40; i < 43; i++) await pushRun(other, otherTeam, payload(i, 'costs', 'acme/app', new Date(now - DAY), `other-${i}`));
});

describe('cost_leaders from the daily test-cost rollup', () => {
  it('push keeps the rollup: results and their cost per UTC day, repo, suite and test', async () => {
    await rollupMatchesResults();
    const [count] = await sql<{ n: number }>('select count(*)::int as n from public.test_costs_daily where team_id = $1', [team]);
    expect(count?.n).toBeGreaterThan(50);
  });

  it('answers exactly what the old formula over every result answered, in a stable order', async () => {
    const rows = await compare();
    // Not a vacuous comparison: the first day's run inside the window counts, the one before it
    // and the one long before do not; tests ran in several runs (and trials), with six-decimal costs.
    const names = rows.map((r) => r.test_name);
    expect(names).toContain('first-day-inside');
    expect(names).not.toContain('first-day-outside');
    expect(names).not.toContain('long-before');
    expect(names.some((n) => n.startsWith('other-'))).toBe(false);
    expect(rows.some((r) => r.runs > 5)).toBe(true);
    expect(rows.some((r) => Math.round(Number(r.cost_usd) * 1e6) % 100 !== 0)).toBe(true);
    // The default page: the ten most expensive.
    await compare(10);
  });

  it('bounds the window at p_until: whole days from the rollup, mid-day edges from their results', async () => {
    for (const [w, name] of [
      [WHOLE, 'whole'],
      [NOON, 'noon'],
    ] as const) {
      const names = (await compare(1000, w)).map((r) => r.test_name);
      expect(names).toContain(`${name}-last-inside`);
      expect(names).toContain(`${name}-first-inside`);
      expect(names).not.toContain(`${name}-after-end`);
      expect(names).not.toContain(`${name}-before-start`);
      await compare(10, w);
    }
    // Whole days: every result comes from the rollup (emptied, nothing is left); at noon the two
    // partial days' results are read directly.
    const rollup = await sql('select * from public.test_costs_daily where team_id = $1', [team]);
    await sql('delete from public.test_costs_daily where team_id = $1', [team]);
    const leaders = async (w: { days: number; until: Date }) =>
      (
        (await admin.rpc('cost_leaders', { p_team_id: team, p_days: w.days, p_limit: 1000, p_until: w.until.toISOString() })).data as {
          tests: Array<{ test_name: string }>;
        }
      ).tests.map((t) => t.test_name);
    expect(await leaders(WHOLE)).toEqual([]);
    expect(await leaders(NOON)).toEqual(expect.arrayContaining(['noon-last-inside', 'noon-first-inside']));
    await sql(`insert into public.test_costs_daily select * from jsonb_populate_recordset(null::public.test_costs_daily, $1::jsonb)`, [
      JSON.stringify(rollup),
    ]);
    await rollupMatchesResults();
  });

  it('stays right when an admin deletes results, and when an admin deletes a run', async () => {
    const deleted = await admin.from('eval_results').delete().eq('team_id', team).eq('test_name', 'test-1').select('run_id');
    expect(deleted.error).toBeNull();
    expect(deleted.data?.length).toBeGreaterThan(5);
    await rollupMatchesResults();
    expect((await compare()).map((r) => r.test_name)).not.toContain('test-1');

    const run = await admin.from('eval_runs').delete().eq('team_id', team).eq('run_key', 'cost-rollup-30').select('id');
    expect(run.error).toBeNull();
    expect(run.data).toHaveLength(1);
    await rollupMatchesResults();
    expect((await compare()).map((r) => r.test_name)).not.toContain('first-day-inside');
  });

  it("the migration's backfill rebuilds the rollup of results written without it", async () => {
    const before = await compare();
    await sql('delete from public.test_costs_daily where team_id = $1', [team]);
    const { data: emptied } = await admin.rpc('cost_leaders', { p_team_id: team, p_days: DAYS });
    // Only the first day's results are read directly, and that day's run was deleted above.
    expect((emptied as { tests: unknown[] }).tests).toEqual([]);
    const backfill = /-- Backfill[^\n]*\n(insert [^;]+;)/.exec(readFileSync(MIGRATION, 'utf8'))?.[1];
    expect(backfill).toBeDefined();
    await sql(backfill as string);
    await rollupMatchesResults();
    expect(await compare()).toEqual(before);
  });
});
