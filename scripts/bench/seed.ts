/**
 * Dashboard-scale data, written with set-based SQL as the database owner (one
 * statement per table, generate_series, triggers off for the load and their derived
 * columns written directly), so 5,000,000 results take a minute, not hours.
 */
import type { BenchContext } from './context.ts';

export interface SeedShape {
  runs: number;
  resultsPerRun: number;
  /** One run in `bigSuiteEvery` goes to one big suite (the shape that tipped test_history's plan). */
  bigSuiteEvery: number;
  /** Minutes between runs, newest first from now. */
  minutesApart: number;
}

/**
 * Seeds `shape` into `teamId` (runs by `userId`), plus heartbeats. Suites: `suite-big` gets
 * one run in `bigSuiteEvery`, the rest spread over `suite-0`..`suite-8`, in two repos.
 */
export async function seedTeam(context: BenchContext, teamId: string, userId: string, shape: SeedShape, prefix: string): Promise<void> {
  const db = await context.owner.connect();
  try {
    await db.query('begin');
    // Skips the per-row alert trigger (50,000 webhook deliveries) and the derived-column
    // triggers; their columns (tier_stats, attempt_stats, eval_costs.run_at) are written below instead.
    await db.query('set local session_replication_role = replica');
    await db.query(
      `insert into public.eval_runs (team_id, user_id, run_key, repo_slug, branch, suite, tier, run_at,
                                     total_tests, passed, failed, cost_usd, judge_cost_usd, duration_ms, tier_stats,
                                     attempt_stats)
       select $1::uuid, $2::uuid, $3 || g, case when g % 3 = 0 then 'acme/api' else 'acme/app' end, 'main',
              case when g % $5 = 0 then 'suite-big' else 'suite-' || (g % 9) end, 'ladder',
              now() - interval '1 minute' * (g * $6::float8), $4, $4 - (g % 7), g % 7, 0.05, 0.004, 60000,
              jsonb_build_object('local', jsonb_build_object('tests', $4 - 20, 'passed', $4 - 22, 'cost_usd', 0),
                                 'cloud', jsonb_build_object('tests', 20, 'passed', 15 - (g % 7), 'cost_usd', 0.05)),
              -- every test tries local first; one in five escalates to cloud (the attempts below)
              jsonb_build_object('local', jsonb_build_object('attempts', $4, 'cost_usd', 0),
                                 'cloud', jsonb_build_object('attempts', $4 / 5, 'cost_usd', 0.0025 * ($4 / 5)))
       from generate_series(1, $7::integer) g`,
      [teamId, userId, prefix, shape.resultsPerRun, shape.bigSuiteEvery, shape.minutesApart, shape.runs],
    );
    await db.query(
      `insert into public.eval_results (run_id, team_id, test_name, category, passed, duration_ms, cost_usd, resolved_tier, resolved_model)
       select r.id, r.team_id, 'test-' || lpad(t::text, 3, '0'), 'category-' || (t % 8),
              -- about one in ten fails; every seventh test flips with the run (flaky)
              case when t % 7 = 0 then (hashtext(r.run_key) + t) % 2 = 0 else t % 10 <> 3 end,
              50 + t, case when t % 5 = 0 then 0.0025 else 0 end,
              case when t % 5 = 0 then 'cloud' else 'local' end,
              case when t % 5 = 0 then 'anthropic/claude-sonnet-4-6' else 'local/qwen' end
       from public.eval_runs r cross join generate_series(1, $3::integer) t
       where r.team_id = $1 and r.run_key like $2 || '%'`,
      [teamId, prefix, shape.resultsPerRun],
    );
    // A local attempt per result, escalated to a cloud attempt where the result resolved in the cloud.
    await db.query(
      `insert into public.eval_attempts (run_id, team_id, test_name, attempt, model, tier, verdict, cost_usd)
       select e.run_id, e.team_id, e.test_name, a.attempt, a.model, a.tier, a.verdict, a.cost
       from public.eval_results e
       cross join lateral (values (1, 'local/qwen', 'local', case when e.resolved_tier = 'cloud' then 'escalate' else 'accept' end, 0::numeric),
                                  (2, e.resolved_model, 'cloud', 'accept', e.cost_usd)) a(attempt, model, tier, verdict, cost)
       where e.team_id = $1 and (a.attempt = 1 or e.resolved_tier = 'cloud')`,
      [teamId],
    );
    await db.query(
      `insert into public.eval_costs (run_id, team_id, model, purpose, calls, input_tokens, output_tokens, cost_usd, exact, run_at)
       select r.id, r.team_id, m.model, m.purpose, 20, 10000, 2000, m.cost, m.exact, r.run_at
       from public.eval_runs r
       cross join (values ('local/qwen', 'system', 0::numeric, true), ('anthropic/claude-sonnet-4-6', 'system', 0.05, false),
                          ('anthropic/claude-haiku-4-5', 'judge', 0.004, false)) m(model, purpose, cost, exact)
       where r.team_id = $1 and r.run_key like $2 || '%'`,
      [teamId, prefix],
    );
    await db.query(
      `insert into public.sync_heartbeats (team_id, user_id, hostname, repo_slug, version, event, last_seen_at)
       values ($1, $2, 'bench-host', 'acme/app', '0.1.0', 'push', now())
       on conflict do nothing`,
      [teamId, userId],
    );
    await db.query('commit');
  } catch (error) {
    await db.query('rollback');
    throw error;
  } finally {
    db.release();
  }
}

/** Fresh planner statistics after a bulk load (what autovacuum would do a little later). */
export async function analyze(context: BenchContext): Promise<void> {
  await context.owner.query(
    'vacuum analyze public.eval_runs, public.eval_results, public.eval_attempts, public.eval_costs, public.sync_heartbeats',
  );
}
