/**
 * Query plans at benchmark scale: a team with 50,000 runs (and 200,000 results) in a
 * database of its own, then every dashboard aggregate is run as a member with
 * auto_explain reporting the plan of each statement inside the function. No aggregate
 * may read eval_runs or eval_results with a sequential scan.
 */
import { randomUUID } from 'node:crypto';
import { defaultProjectRoot } from '@gstack/local-stack';
import { sql, stackInfo, unique } from '@gstack/local-stack/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrap, pushMigrations } from '../../apps/local-stack/src/postgres/migrate.ts';

const database = unique('plans');
const team = randomUUID();
const otherTeam = randomUUID();
const user = randomUUID();
let url: string;

async function withClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await sql(`create database ${database}`);
  url = stackInfo().dbUrl.replace(/\/postgres$/, `/${database}`);
  await bootstrap(url);
  await pushMigrations(url, defaultProjectRoot());
  await withClient(async (db) => {
    await db.query(`insert into auth.users (id, email, created_at, updated_at) values ($1, 'bench@example.test', now(), now())`, [user]);
    await db.query(`insert into public.teams (id, slug, name) values ($1, 'bench', 'Bench'), ($2, 'other', 'Other')`, [team, otherTeam]);
    await db.query(`insert into public.team_members (team_id, user_id, role, display_name) values ($1, $2, 'admin', 'bench')`, [
      team,
      user,
    ]);
    // 50,000 runs over ~a year across 10 suites, plus a smaller second team.
    await db.query(
      `insert into public.eval_runs (team_id, user_id, run_key, repo_slug, suite, run_at, total_tests, passed, failed, cost_usd, judge_cost_usd)
       select case when g % 10 = 0 then $2::uuid else $1::uuid end, $3, 'run-' || g, 'acme/app', 'suite-' || (g % 10),
              now() - make_interval(mins => g * 10), 4, 3, 1, 0.01, 0.001
       from generate_series(1, 55000) g`,
      [team, otherTeam, user],
    );
    await db.query(
      `insert into public.eval_results (run_id, team_id, test_name, passed, resolved_tier, cost_usd)
       select r.id, r.team_id, 'test-' || t, (t + length(r.run_key)) % 3 <> 0, case when t % 2 = 0 then 'local' else 'cloud' end, 0.0025
       from public.eval_runs r, generate_series(1, 4) t`,
    );
    await db.query(
      `insert into public.eval_costs (run_id, team_id, model, purpose, calls, cost_usd)
       select r.id, r.team_id, 'local/qwen', 'system', 4, 0.01 from public.eval_runs r`,
    );
    await db.query('vacuum analyze public.eval_runs, public.eval_results, public.eval_costs');
  });
}, 120_000);

afterAll(async () => {
  await sql(`drop database if exists ${database} with (force)`);
});

/** The plans of every statement an aggregate runs, as a member (RLS applies). */
async function plansOf(call: string): Promise<string[]> {
  return withClient(async (db) => {
    const plans: string[] = [];
    db.on('notice', (notice) => plans.push(notice.message ?? ''));
    await db.query("load 'auto_explain'");
    await db.query('set auto_explain.log_min_duration = 0');
    await db.query('set auto_explain.log_nested_statements = on');
    await db.query("set auto_explain.log_level = 'notice'");
    await db.query("select set_config('request.jwt.claims', $1, false)", [JSON.stringify({ sub: user, role: 'authenticated' })]);
    await db.query('set role authenticated');
    await db.query(call, [team]);
    return plans.filter((p) => p.includes('Query Text'));
  });
}

const CALLS: Record<string, string> = {
  dashboard_overview: 'select public.dashboard_overview($1)',
  pass_rate_series: 'select * from public.pass_rate_series($1, 30)',
  test_history: "select * from public.test_history($1, 'acme/app', 'suite-3', 20)",
  cost_per_week: 'select * from public.cost_per_week($1, 12)',
  cost_per_model: 'select * from public.cost_per_model($1, 30)',
  escalation_per_tier: 'select * from public.escalation_per_tier($1, 30)',
  leaderboard: 'select * from public.leaderboard($1, 7)',
  // Dashboard part 2 (20261122140000_dashboard_insights.sql).
  suite_run_series: 'select * from public.suite_run_series($1, 30)',
  test_runs: "select public.test_runs($1, 'acme/app', 'suite-3', 'test-2', 30)",
  cost_leaders: 'select public.cost_leaders($1, 30, 10)',
  ladder_spend: 'select * from public.ladder_spend($1, 30)',
  verifier_decisions: 'select * from public.verifier_decisions($1, 30)',
  leaderboard_runs: 'select * from public.leaderboard_runs($1, 7)',
};

describe('query plans at 50,000 runs', () => {
  it.each(Object.keys(CALLS))('%s reads runs, results and costs through indexes', async (name) => {
    const plans = (await plansOf(CALLS[name] ?? '')).filter((p) => !p.includes(`Query Text: ${CALLS[name]}`));
    expect(plans.length).toBeGreaterThan(0);
    const text = plans.join('\n');
    if (process.env.GSTACK_PRINT_PLANS) console.log(`--- ${name}\n${text}`);
    expect(text).not.toMatch(/Seq Scan on eval_runs/);
    expect(text).not.toMatch(/Seq Scan on eval_results/);
    expect(text).not.toMatch(/Seq Scan on eval_costs/);
    expect(text).toMatch(/Index (Only )?Scan (Backward )?(using eval_(runs|costs)_\w+ on eval_(runs|costs)|on eval_(runs|costs)_\w+)/);
  });
});
