/**
 * Dashboard-scale data, written with set-based SQL as the database owner: one statement per
 * chunk of runs (its runs, results, attempts, cost lines and rollup rows, in one transaction of
 * its own, so a 50,000,000-result load never holds one huge transaction), triggers off for the
 * load and everything they maintain written directly with the same definitions, so 5,000,000
 * results take minutes, not hours.
 *
 * The rows look like real pushes (what push_eval_run writes for a StandardEvalResult): each run
 * keeps its whole document in eval_runs.result (every test's output, recorded input and vars,
 * expected value, assertions, judge verdicts, ladder attempts with verifier verdicts, rejected
 * answers and feedback), and attempts carry tokens, timings and feedback. See textPools for the
 * sizes chosen.
 */
import { prng } from '../demo/prng.ts';
import type { BenchContext } from './context.ts';

export interface SeedShape {
  runs: number;
  resultsPerRun: number;
  /** One run in `bigSuiteEvery` goes to one big suite (the shape that tipped test_history's plan). */
  bigSuiteEvery: number;
  /** Minutes between runs, newest first from now. */
  minutesApart: number;
}

export interface SeedOptions {
  /** Runs per statement and transaction (default 2,000: 200,000 results and their documents). */
  chunkRuns?: number;
  /** Called after each chunk is committed, with the runs written so far. */
  afterChunk?: (runsDone: number) => Promise<void>;
}

const WORDS = (
  'the a answer refund order customer policy within days account request support ticket invoice payment ' +
  'shipping return item product service plan upgrade cancel billing address email password reset query table ' +
  'index column join select filter result error timeout retry cache model prompt token cost latency context ' +
  'document source section page says does not include because therefore however first second then finally ' +
  'please note that you can should must will may our your their this these those which when where how why ' +
  'report summary total amount date time week month year team user admin owner member role access permission ' +
  'deploy build test suite run branch commit merge review change release version feature flag config setting'
).split(' ');

/** Deterministic English-like text (a real answer's word mix compresses about like this). */
function sentence(next: () => number, chars: number): string {
  let out = '';
  while (out.length < chars) {
    const words = 6 + Math.floor(next() * 10);
    const parts: string[] = [];
    for (let i = 0; i < words; i++) parts.push(WORDS[Math.floor(next() * WORDS.length)] ?? 'the');
    const s = parts.join(' ');
    out += `${s.charAt(0).toUpperCase()}${s.slice(1)}. `;
  }
  return out.slice(0, chars).trimEnd();
}

function pool(seed: number, count: number, min: number, max: number): string[] {
  const next = prng(seed);
  return Array.from({ length: count }, () => sentence(next, min + Math.floor(next() * (max - min))));
}

/**
 * What a result document holds per test, in characters (chosen from what the engine records:
 * answers of a few hundred characters, a suite's system prompt and the user's question after
 * vars, assertions one line each, verifier and judge reasons a sentence or two):
 * output 200-600, system prompt 300-700 (one per suite), question 80-300, vars value 20-60,
 * expected 30-60, judge reason 80-200 (one test in four is judged), verifier feedback 60-180 and
 * the rejected answer 200-600 on the fifth of tests that escalate.
 */
export function textPools() {
  return {
    outputs: pool(1, 512, 200, 600),
    systems: pool(2, 10, 300, 700),
    questions: pool(3, 512, 80, 300),
    vars: pool(4, 128, 20, 60),
    expected: pool(5, 128, 30, 60),
    reasons: pool(6, 128, 80, 200),
    feedback: pool(7, 128, 60, 180),
  };
}

/** How many distinct result documents the seed writes (run g gets document g % DOCUMENTS; see seedTeam). */
const DOCUMENTS = 64;

/**
 * Test t of run g: its name, category, outcome, tier and cost, one definition for the rows, the
 * rollups and the documents. Its outcome and texts depend on g only through g % DOCUMENTS, so
 * a document matches the rows of every run that gets it. `n` is the SQL for results per run.
 */
const testsOf = (runs: string, n: string) => `
  select g.*, t, 'test-' || lpad(t::text, 3, '0') as test_name, 'category-' || (t % 8) as category,
         -- about one in ten fails; every seventh test flips from run to run (flaky)
         case when t % 7 = 0 then (g.g + t / 7) % 2 = 0 else t % 10 <> 3 end as passed,
         -- one in five escalates from the local model to the cloud (≈ 1.2 attempts per result)
         t % 5 = 0 as cloud,
         (case when t % 5 = 0 then 0.0025 else 0 end)::numeric(14, 6) as cost,
         abs(hashint4((g.g % ${DOCUMENTS}) * 100000 + t)) as h
  from ${runs} g cross join generate_series(1, ${n}) t`;

/**
 * The documents: StandardEvalResult as push_eval_run stores it in eval_runs.result, for runs
 * 0..DOCUMENTS-1 ($1 results each; $2.. the text pools). Kept in a temporary table whose rows
 * the chunks copy: Postgres stores a copied document's compressed bytes as they are, so the
 * load does not compress 250 KB of JSON per run (which made it 6× slower).
 */
const DOCUMENTS_SQL = `
create temporary table bench_documents on commit drop as
-- eval_runs.doc_stats as its trigger computes it from the document.
select k, by_category, doc, private.doc_stats_of(doc) as doc_stats from (
with t as materialized (${testsOf(`(select generate_series(0, ${DOCUMENTS - 1}) as g)`, '$1::integer')}),
docs as (
  select t.g, count(*) filter (where t.passed) as passed,
    jsonb_agg(jsonb_build_object(
      'name', t.test_name, 'category', t.category, 'trial', 1, 'passed', t.passed, 'skipped', false,
      'score', case when t.passed then 1 else 0 end, 'duration_ms', 50 + t.t, 'cost_usd', t.cost,
      'judge_cost_usd', case when t.t % 4 = 0 then 0.0002 else 0 end,
      'resolved_tier', case when t.cloud then 'cloud' else 'local' end,
      'resolved_model', case when t.cloud then 'anthropic/claude-sonnet-4-6' else 'local/qwen' end,
      'error', null,
      'output', ($2::text[])[1 + t.h % 512],
      'input', jsonb_build_object(
        'messages', jsonb_build_array(
          jsonb_build_object('role', 'system', 'content', ($3::text[])[1 + (t.g % 10)]),
          jsonb_build_object('role', 'user', 'content', ($4::text[])[1 + (t.h / 7) % 512])),
        'vars', jsonb_build_object('topic', ($5::text[])[1 + (t.h / 11) % 128]),
        'truncated', false),
      'expected', ($6::text[])[1 + (t.h / 13) % 128],
      'assertions', jsonb_build_array(jsonb_build_object('type', 'contains', 'passed', t.passed,
        'message', case when t.passed then null else 'expected the answer to contain the phrase' end)),
      'judge', case when t.t % 4 = 0 then jsonb_build_array(jsonb_build_object(
        'rubric', 'Answers from the policy and says so when it does not know', 'model', 'anthropic/claude-haiku-4-5',
        'pass', t.passed, 'score', case when t.passed then 0.9 else 0.2 end, 'reason', ($7::text[])[1 + (t.h / 17) % 128],
        'cached', t.t % 8 = 0, 'cost_usd', 0.0002, 'cost_exact', false,
        'saved_usd', case when t.t % 8 = 0 then 0.0002 end)) else '[]'::jsonb end,
      'attempts', jsonb_build_array(jsonb_build_object(
          'attempt', 1, 'model', 'local/qwen', 'tier', 'local', 'duration_ms', 30 + t.h % 400, 'warm', true,
          'verdict', case when t.cloud then 'escalate' else 'accept' end,
          'feedback', case when t.cloud then ($8::text[])[1 + (t.h / 19) % 128] end,
          'self_certified', false, 'self_certify_rule', null,
          'input_tokens', 300 + t.h % 700, 'output_tokens', 60 + t.h % 200, 'cache_read_tokens', 0, 'cache_write_tokens', 0,
          'cost_usd', 0, 'cost_exact', true,
          'verifier', jsonb_build_object('model', 'anthropic/claude-haiku-4-5', 'cached', t.t % 6 = 0, 'cost_usd', 0.0003,
            'accept', not t.cloud, 'audit', false, 'error', false,
            'feedback', case when t.cloud then ($8::text[])[1 + (t.h / 19) % 128] end,
            'saved_usd', case when t.t % 6 = 0 then 0.0003 end),
          'answer', case when t.cloud then ($2::text[])[1 + (t.h / 23) % 512] end,
          'assertions_passed', case when t.cloud then false else t.passed end, 'cached', false))
        || case when t.cloud then jsonb_build_array(jsonb_build_object(
          'attempt', 2, 'model', 'anthropic/claude-sonnet-4-6', 'tier', 'cloud', 'duration_ms', 600 + t.h % 900, 'warm', null,
          'verdict', 'accept', 'feedback', null, 'self_certified', true, 'self_certify_rule', 'last_tier',
          'input_tokens', 500 + t.h % 900, 'output_tokens', 100 + t.h % 300, 'cache_read_tokens', 0, 'cache_write_tokens', 0,
          'cost_usd', t.cost, 'cost_exact', false, 'verifier', null, 'answer', null, 'assertions_passed', t.passed,
          'cached', false)) else '[]'::jsonb end
    ) order by t.t) as all_results
  from t group by t.g
),
categories as (
  select g, jsonb_object_agg(category, jsonb_build_object('tests', tests, 'passed', passed, 'failed', tests - passed)) as by_category
  from (select t.g, t.category, count(*) as tests, count(*) filter (where t.passed) as passed from t group by 1, 2) s
  group by g
)
select d.g as k, c.by_category,
       jsonb_build_object(
         'schema_version', 2, 'version', '0.1.0', 'run_id', 'bench-document-' || d.g, 'suite', 'suite-' || (d.g % 9),
         'label', null, 'tier', 'ladder', 'repo_slug', 'acme/app', 'git', jsonb_build_object('branch', 'main', 'sha', md5(d.g::text) || '00000000'),
         'hostname', 'bench-host', 'timestamp', now(), 'prompt_sha', md5(d.g::text) || md5('prompt'), 'duration_ms', 60000,
         'totals', jsonb_build_object('tests', $1::integer, 'passed', d.passed, 'failed', $1::integer - d.passed, 'skipped', 0, 'errors', 0),
         'pass_rate', round(100.0 * d.passed / $1::integer, 2), 'cost_usd', 0.054, 'judge_cost_usd', 0.004, 'cost_exact', false,
         'what_if', jsonb_build_object('local/qwen', 0, 'anthropic/claude-sonnet-4-6', 0.25),
         'costs', jsonb_build_array(
           jsonb_build_object('model', 'local/qwen', 'purpose', 'system', 'calls', $1::integer, 'cost_usd', 0, 'exact', true),
           jsonb_build_object('model', 'anthropic/claude-sonnet-4-6', 'purpose', 'system', 'calls', $1::integer / 5, 'cost_usd', 0.05, 'exact', false),
           jsonb_build_object('model', 'anthropic/claude-haiku-4-5', 'purpose', 'judge', 'calls', $1::integer, 'cost_usd', 0.004, 'exact', false)),
         'by_category', c.by_category, 'cache', jsonb_build_object('hits', 0, 'misses', $1::integer),
         'errored', false, 'interrupted', false, 'planned_tests', $1::integer, 'all_results', d.all_results) as doc
from docs d join categories c using (g)
) documents`;

/** Runs g in ($7, $8] of the shape and everything that hangs off them, as one statement. */
const CHUNK_SQL = `
with g as (
  select g, $3 || g as run_key,
         case when g % 3 = 0 then 'acme/api' else 'acme/app' end as repo_slug,
         case when g % $5 = 0 then 'suite-big' else 'suite-' || (g % 9) end as suite,
         now() - interval '1 minute' * (g * $6::float8) as run_at
  from generate_series($7::integer + 1, $8::integer) g
),
t as materialized (${testsOf('g', '$4::integer')}),
-- eval_runs.tier_stats and attempt_stats as their triggers compute them (refresh_tier_stats,
-- attempt_stats_of), from the same rows.
tiers as (
  select g, sum(passed) as passed, jsonb_object_agg(tier, jsonb_build_object('tests', tests, 'passed', passed, 'cost_usd', cost)) as tier_stats
  from (select t.g, case when t.cloud then 'cloud' else 'local' end as tier, count(*) as tests,
               count(*) filter (where t.passed) as passed, sum(t.cost) as cost
        from t group by 1, 2) s
  group by g
),
attempt_tiers as (
  select g, jsonb_object_agg(tier, jsonb_build_object('attempts', attempts, 'cost_usd', cost)) as attempt_stats
  from (select t.g, 'local' as tier, count(*) as attempts, sum(0::numeric(14, 6)) as cost from t group by 1
        union all
        select t.g, 'cloud', count(*), sum(t.cost) from t where t.cloud group by 1) s
  group by g
),
runs as (
  -- created_at = run_at: a run is written when it runs. Left to its default (the load's now()), every
  -- seeded run looked just pushed, and the 5-minute alert sweep (runs created in the last 6 hours
  -- without an alert delivery) re-sent 500 of them each time, in the background of the measurements.
  insert into public.eval_runs (team_id, user_id, run_key, repo_slug, branch, git_sha, suite, tier, hostname, version, run_at,
                                created_at, total_tests, passed, failed, cost_usd, judge_cost_usd, duration_ms, prompt_sha,
                                by_category, tier_stats, attempt_stats, result, doc_stats)
  select $1::uuid, $2::uuid, g.run_key, g.repo_slug, 'main', md5(g.run_key) || left(md5(g.suite), 8), g.suite, 'ladder',
         'bench-host', '0.1.0', g.run_at, g.run_at, $4, ti.passed, $4 - ti.passed, 0.054, 0.004, 60000, md5(g.suite) || md5(g.repo_slug),
         d.by_category, ti.tier_stats, a.attempt_stats, d.doc, d.doc_stats
  from g join tiers ti using (g) join attempt_tiers a using (g) join bench_documents d on d.k = g.g % ${DOCUMENTS}
  returning id, run_key, run_at, repo_slug, suite
),
results as (
  insert into public.eval_results (run_id, team_id, test_name, category, passed, score, duration_ms, cost_usd, resolved_tier, resolved_model)
  select r.id, $1::uuid, t.test_name, t.category, t.passed, case when t.passed then 1 else 0 end, 50 + t.t, t.cost,
         case when t.cloud then 'cloud' else 'local' end,
         case when t.cloud then 'anthropic/claude-sonnet-4-6' else 'local/qwen' end
  from runs r join t on t.run_key = r.run_key
  returning 1
),
-- A local attempt per result (with the verifier's feedback where it escalated), and the cloud attempt that resolved the fifth.
attempts as (
  insert into public.eval_attempts (run_id, team_id, test_name, attempt, model, tier, duration_ms, warm, verdict, feedback,
                                    input_tokens, output_tokens, cost_usd, cost_exact)
  select r.id, $1::uuid, t.test_name, 1, 'local/qwen', 'local', 30 + t.h % 400, true,
         case when t.cloud then 'escalate' else 'accept' end,
         case when t.cloud then ($9::text[])[1 + (t.h / 19) % 128] end, 300 + t.h % 700, 60 + t.h % 200, 0, true
  from runs r join t on t.run_key = r.run_key
  union all
  select r.id, $1::uuid, t.test_name, 2, 'anthropic/claude-sonnet-4-6', 'cloud', 600 + t.h % 900, null, 'accept', null,
         500 + t.h % 900, 100 + t.h % 300, t.cost, false
  from runs r join t on t.run_key = r.run_key where t.cloud
  returning 1
),
costs as (
  insert into public.eval_costs (run_id, team_id, model, purpose, calls, input_tokens, output_tokens, cost_usd, exact, run_at)
  select r.id, $1::uuid, m.model, m.purpose, m.calls, m.calls * 600, m.calls * 150, m.cost, m.exact, r.run_at
  from runs r
  cross join (values ('local/qwen', 'system', $4::integer, 0::numeric, true),
                     ('anthropic/claude-sonnet-4-6', 'system', $4::integer / 5, 0.05, false),
                     ('anthropic/claude-haiku-4-5', 'judge', $4::integer, 0.004, false)) m(model, purpose, calls, cost, exact)
  returning 1
),
-- test_costs_daily as add_test_costs adds a statement's results to their days.
daily as (
  insert into public.test_costs_daily as d (team_id, day, repo_slug, suite, test_name, results, cost_usd)
  select $1::uuid, private.utc_day(t.run_at), t.repo_slug, t.suite, t.test_name, count(*), sum(t.cost)
  from t
  group by 1, 2, 3, 4, 5
  on conflict (team_id, day, repo_slug, suite, test_name)
  do update set results = d.results + excluded.results, cost_usd = d.cost_usd + excluded.cost_usd
  returning 1
)
select (select count(*) from runs) as runs, (select count(*) from results) as results,
       (select count(*) from attempts) as attempts, (select count(*) from costs) as costs, (select count(*) from daily) as daily`;

/**
 * Seeds `shape` into `teamId` (runs by `userId`), plus a heartbeat. Suites: `suite-big` gets
 * one run in `bigSuiteEvery`, the rest spread over `suite-0`..`suite-8`, in two repos.
 */
export async function seedTeam(
  context: BenchContext,
  teamId: string,
  userId: string,
  shape: SeedShape,
  prefix: string,
  options: SeedOptions = {},
): Promise<void> {
  const chunk = options.chunkRuns ?? 2000;
  const pools = textPools();
  const db = await context.owner.connect();
  try {
    // The documents live for one transaction (on commit drop); each chunk makes them again (a second or two).
    for (let done = 0; done < shape.runs; done += chunk) {
      const last = Math.min(shape.runs, done + chunk);
      await db.query('begin');
      try {
        // Skips the per-row alert trigger (thousands of webhook deliveries) and the rollup triggers;
        // what they maintain (tier_stats, attempt_stats, doc_stats, eval_costs.run_at, test_costs_daily) is written
        // by DOCUMENTS_SQL and CHUNK_SQL, answer_groups_daily by its rebuild.
        await db.query('set local session_replication_role = replica');
        await db.query(DOCUMENTS_SQL, [
          shape.resultsPerRun,
          pools.outputs,
          pools.systems,
          pools.questions,
          pools.vars,
          pools.expected,
          pools.reasons,
          pools.feedback,
        ]);
        await db.query(CHUNK_SQL, [
          teamId,
          userId,
          prefix,
          shape.resultsPerRun,
          shape.bigSuiteEvery,
          shape.minutesApart,
          done,
          last,
          pools.feedback,
        ]);
        // answer_groups_daily as its triggers keep it: the chunk's days rebuilt from their runs
        // (a day the previous chunk began is rebuilt whole).
        await db.query(
          `select private.rebuild_answer_groups($1, private.utc_day(now() - interval '1 minute' * ($3::integer * $2::float8)),
                                                    private.utc_day(now() - interval '1 minute' * (($4::integer + 1) * $2::float8)))`,
          [teamId, shape.minutesApart, last, done],
        );
        await db.query('commit');
      } catch (error) {
        await db.query('rollback');
        throw error;
      }
      await options.afterChunk?.(last);
    }
    await db.query(
      `insert into public.sync_heartbeats (team_id, user_id, hostname, repo_slug, version, event, last_seen_at)
       values ($1, $2, 'bench-host', 'acme/app', '0.1.0', 'push', now())
       on conflict do nothing`,
      [teamId, userId],
    );
  } finally {
    db.release();
  }
}

/** Fresh planner statistics after a bulk load (what autovacuum would do a little later). */
export async function analyze(context: BenchContext): Promise<void> {
  await context.owner.query(
    `vacuum analyze public.eval_runs, public.eval_results, public.eval_attempts, public.eval_costs, public.test_costs_daily,
       public.answer_groups_daily, public.sync_heartbeats`,
  );
}
