/**
 * Query plans at benchmark scale, on three data shapes, each in a database of its own (so the
 * planner's statistics are the shape's): "spread", a team with 50,000 runs over 10 suites
 * and 4 results per run; "one big suite", a team whose 20,000 runs are nearly all in one suite,
 * with 25 results per run (the shape that tipped test_history into hashing every result of
 * the team); "large", the proportions of `npm run bench -- --scale large` (two years of runs,
 * a month is 4 % of them). Each has a second team a tenth its size, and nine small ones except
 * in "one big suite". In "spread" and "large" every run carries a result document (tests with
 * ladder attempts, verifier verdicts and judge verdicts) and its rollup (doc_stats). Every dashboard aggregate runs as a member with
 * auto_explain (ANALYZE, JSON) reporting the plan of each statement inside the function, and:
 * no plan reads eval_runs, eval_results, eval_attempts, eval_costs or test_costs_daily with a sequential scan, and the rows
 * every plan node reads from each table stay within what the answer needs (the runs in the
 * window, the results of the runs shown), never the team's whole history.
 */
import { randomUUID } from 'node:crypto';
import { defaultProjectRoot } from '@gstack/local-stack';
import { sql, stackInfo, unique } from '@gstack/local-stack/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrap, pushMigrations } from '../../apps/local-stack/src/postgres/migrate.ts';

interface Shape {
  name: string;
  /** Small teams besides the measured one and its neighbour (a store shared by many teams). */
  smallTeams: number;
  runs: number;
  resultsPerRun: number;
  /** SQL for run g's suite. */
  suite: string;
  /** The suite test_history is asked about (the biggest one). */
  historySuite: string;
  /** Minutes between runs, newest now. */
  minutesApart: number;
  /**
   * Whether runs carry a result document and its doc_stats. Not in "one big suite": its store is
   * one team, where leaderboard, cost_leaders and leaderboard_runs flip to reading all of the team's
   * runs (the whole store) once rows are as wide as doc_stats makes them (scripts/bench/findings.md).
   */
  documents: boolean;
}

const SHAPES: Shape[] = [
  {
    name: 'spread, many teams',
    smallTeams: 9,
    runs: 50_000,
    resultsPerRun: 4,
    suite: `'suite-' || (g % 10)`,
    historySuite: 'suite-3',
    minutesApart: 10,
    documents: true,
  },
  {
    name: 'one big suite, a team with its own store',
    smallTeams: 0,
    runs: 20_000,
    resultsPerRun: 25,
    suite: `case when g % 20 = 0 then 'suite-small' else 'suite-big' end`,
    historySuite: 'suite-big',
    minutesApart: 10,
    documents: false,
  },
  // 500,000 runs in two years (the large benchmark) scaled down in count, not in proportion: the
  // 30-day window holds 4 % of the history, 2,500 runs.
  {
    name: 'large: two years, a month is 4 % of them',
    smallTeams: 9,
    runs: 60_000,
    resultsPerRun: 4,
    suite: `'suite-' || (g % 10)`,
    historySuite: 'suite-3',
    minutesApart: (2 * 365 * 24 * 60) / 60_000,
    documents: true,
  },
];

const HISTORY_RUNS = 20;
/** ci_report_context reads the base branch's last runs (CI_RULES.historyRuns in core). */
const CI_HISTORY_RUNS = 10;
/** test_runs reads one test over this many runs of its suite. */
const TEST_RUNS = 30;
/** runs_page counts the filtered total up to this many runs. */
const RUNS_TOTAL_CAP = 10_001;

interface Db {
  shape: Shape;
  url: string;
  database: string;
  team: string;
  user: string;
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A database of its own holding `shape` for one team (runs every 10 minutes, newest now) and a tenth of it for another. */
async function seed(shape: Shape): Promise<Db> {
  const database = unique('plans');
  const team = randomUUID();
  const otherTeam = randomUUID();
  const user = randomUUID();
  await sql(`create database ${database}`);
  const url = stackInfo().dbUrl.replace(/\/postgres$/, `/${database}`);
  await bootstrap(url);
  await pushMigrations(url, defaultProjectRoot());
  await withClient(url, async (db) => {
    await db.query(`insert into auth.users (id, email, created_at, updated_at) values ($1, 'bench@example.test', now(), now())`, [user]);
    await db.query(`insert into public.teams (id, slug, name) values ($1, 'bench', 'Bench'), ($2, 'other', 'Other')`, [team, otherTeam]);
    // Small teams: a store shared by many teams (the generic plans of these SQL functions
    // estimate "team_id = $1" from the number of distinct teams), or none: a team's own store.
    await db.query(`insert into public.teams (slug, name) select 'small-' || g, 'Small' from generate_series(1, $1::integer) g`, [
      shape.smallTeams,
    ]);
    await db.query(`insert into public.team_members (team_id, user_id, role, display_name) values ($1, $2, 'admin', 'bench')`, [
      team,
      user,
    ]);
    // Set-based, with the per-row alert trigger and the rollup triggers off (the rollups' values,
    // tier_stats and attempt_stats, do not change which rows a plan reads).
    await db.query('begin');
    await db.query('set local session_replication_role = replica');
    // One result document for every run (its tests are the runs' results): two attempts per test, the
    // first judged by the verifier, a judge verdict from the cache; doc_stats as its trigger writes it.
    // The same document for every run, computed once.
    await db.query(
      `with d as (
         select doc, private.doc_stats_of(doc) as stats from (select jsonb_build_object('all_results', (
           select jsonb_agg(jsonb_build_object('name', 'test-' || t, 'trial', 1,
             -- 1,280 characters that do not compress: a real document (hundreds of KB) is stored out of line,
             -- and so must this one be, or the runs' rows would be wider than they are
             'output', (select string_agg(md5(t || '-' || i), '') from generate_series(1, 40) i),
             'assertions', jsonb_build_array(jsonb_build_object('type', 'contains', 'passed', t % 2 = 0)),
             'judge', jsonb_build_array(jsonb_build_object('cached', true, 'saved_usd', 0.001)),
             'attempts', jsonb_build_array(
               jsonb_build_object('attempt', 1, 'verdict', 'escalate', 'answer', 'a first answer',
                                  'verifier', jsonb_build_object('model', 'haiku', 'accept', false, 'cached', t % 2 = 0)),
               jsonb_build_object('attempt', 2, 'verdict', 'accept', 'verifier', null))))
           from generate_series(1, $5::integer) t)) as doc) x
       )
       insert into public.eval_runs (team_id, user_id, run_key, repo_slug, suite, branch, run_at, total_tests, passed, failed, cost_usd,
                                     judge_cost_usd, result, doc_stats)
       select case when g % 11 = 0 then $2::uuid else $1::uuid end, $3, 'run-' || g, 'acme/app', ${shape.suite},
              case when g % 3 = 0 then 'main' else 'feature-' || (g % 7) end,
              now() - interval '1 minute' * (g * $6::float8), $5, $5 - 1, 1, 0.01, 0.001,
              case when $7 then (select doc from d) else '{}' end, case when $7 then (select stats from d) else '{}' end
       from generate_series(1, $4::integer) g`,
      [team, otherTeam, user, Math.round(shape.runs * 1.1), shape.resultsPerRun, shape.minutesApart, shape.documents],
    );
    await db.query(
      `insert into public.eval_runs (team_id, run_key, repo_slug, suite, run_at, total_tests, passed, failed)
       select t.id, 'small-run-' || g, 'acme/app', 'suite-big', now() - make_interval(mins => g * 10), $1, $1, 0
       from public.teams t cross join generate_series(1, 10) g where t.slug like 'small-%'`,
      [shape.resultsPerRun],
    );
    await db.query(
      `insert into public.eval_results (run_id, team_id, test_name, passed, resolved_tier, cost_usd)
       select r.id, r.team_id, 'test-' || t, (t + length(r.run_key)) % 3 <> 0, case when t % 2 = 0 then 'local' else 'cloud' end, 0.0025
       from public.eval_runs r, generate_series(1, $1::integer) t`,
      [shape.resultsPerRun],
    );
    // Two attempts per result (local escalates, cloud accepts): what a plan that read attempts would scan.
    await db.query(
      `insert into public.eval_attempts (run_id, team_id, test_name, attempt, model, tier, verdict, cost_usd)
       select e.run_id, e.team_id, e.test_name, a, case when a = 1 then 'local/qwen' else 'anthropic/claude' end,
              case when a = 1 then 'local' else 'cloud' end, case when a = 1 then 'escalate' else 'accept' end,
              case when a = 1 then 0 else 0.0025 end
       from public.eval_results e, generate_series(1, 2) a`,
    );
    await db.query(
      `insert into public.eval_costs (run_id, team_id, model, purpose, calls, cost_usd, run_at)
       select r.id, r.team_id, 'local/qwen', 'system', 4, 0.01, r.run_at from public.eval_runs r`,
    );
    // answer_groups_daily as its triggers keep it (the rebuild from the runs).
    await db.query(`select private.rebuild_answer_groups(t.id, '-infinity', 'infinity') from public.teams t`);
    await db.query('commit');
    await db.query(
      'vacuum analyze public.eval_runs, public.eval_results, public.eval_attempts, public.eval_costs, public.answer_groups_daily',
    );
  });
  return { shape, url, database, team, user };
}

const dbs: Db[] = [];

beforeAll(async () => {
  for (const shape of SHAPES) dbs.push(await seed(shape));
}, 300_000);

afterAll(async () => {
  for (const db of dbs) await sql(`drop database if exists ${db.database} with (force)`);
});

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  'Function Name'?: string;
  Plans?: PlanNode[];
}

/** The plans (JSON, with actual rows) of every statement an aggregate runs, as a member (RLS applies). */
async function plansOf(db: Db, call: string, params: unknown[]): Promise<Array<{ text: string; plan: PlanNode }>> {
  return withClient(db.url, async (client) => {
    const notices: string[] = [];
    client.on('notice', (notice) => notices.push(notice.message ?? ''));
    await client.query("load 'auto_explain'");
    await client.query('set auto_explain.log_min_duration = 0');
    await client.query('set auto_explain.log_nested_statements = on');
    await client.query('set auto_explain.log_analyze = on');
    await client.query("set auto_explain.log_format = 'json'");
    await client.query("set auto_explain.log_level = 'notice'");
    await client.query("select set_config('request.jwt.claims', $1, false)", [JSON.stringify({ sub: db.user, role: 'authenticated' })]);
    await client.query('set role authenticated');
    await client.query(call, params);
    return notices
      .map((n) => JSON.parse(n.slice(n.indexOf('{'))) as { 'Query Text': string; Plan: PlanNode })
      .filter((p) => p['Query Text'] !== call)
      .map((p) => ({ text: p['Query Text'], plan: p.Plan }));
  });
}

/** Every node of a plan, depth first. */
function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/** Rows a scan node read from its table: what it returned plus what its filters removed, over every loop. */
function rowsRead(node: PlanNode): number {
  const perLoop = node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0);
  return perLoop * node['Actual Loops'];
}

/** Runs of the measured team and of the whole store. */
async function runCounts(db: Db): Promise<{ team: number; all: number }> {
  return withClient(db.url, async (client) => {
    const { rows } = await client.query<{ team: string; all: string }>(
      'select count(*) filter (where team_id = $1) as team, count(*) as all from public.eval_runs',
      [db.team],
    );
    return { team: Number(rows[0]?.team), all: Number(rows[0]?.all) };
  });
}

/** Rows of `table` newer than `interval` for the measured team: what a windowed aggregate may read. */
async function rowsSince(db: Db, table: string, interval: string): Promise<number> {
  return withClient(db.url, async (client) => {
    const { rows } = await client.query<{ n: string }>(
      `select count(*) as n from public.${table} where team_id = $1 and run_at >= now() - interval '${interval}'`,
      [db.team],
    );
    return Number(rows[0]?.n);
  });
}

/**
 * A dashboard date range (20261207100000_period_until.sql): the 30 whole UTC days that end at the
 * midnight 30 days ago, asked as p_days => 30, p_until => that midnight.
 */
const RANGE_DAYS = 30;
const RANGE_UNTIL = (() => {
  const d = new Date();
  d.setUTCHours(0, 0, 0, 0);
  return new Date(d.getTime() - 30 * 86_400_000).toISOString();
})();

/** Rows of `table` in the range for the measured team: what a bounded aggregate may read. */
async function rowsInRange(db: Db, table: string): Promise<number> {
  return withClient(db.url, async (client) => {
    const { rows } = await client.query<{ n: string }>(
      `select count(*) as n from public.${table} where team_id = $1 and run_at >= $2::timestamptz - make_interval(days => $3) and run_at < $2::timestamptz`,
      [db.team, RANGE_UNTIL, RANGE_DAYS],
    );
    return Number(rows[0]?.n);
  });
}

/** Distinct repo/suite pairs of the measured team. */
async function suitesOf(db: Db): Promise<number> {
  return withClient(db.url, async (client) => {
    const { rows } = await client.query<{ n: string }>(
      'select count(*) as n from (select distinct repo_slug, suite from public.eval_runs where team_id = $1) s',
      [db.team],
    );
    return Number(rows[0]?.n);
  });
}

type Table = 'eval_runs' | 'eval_results' | 'eval_attempts' | 'eval_costs' | 'test_costs_daily' | 'answer_groups_daily';

interface Case {
  call: (db: Db) => { sql: string; params: unknown[] };
  /** Upper bounds on the rows read per table (absent: the table must not be read at all). */
  bounds: (db: Db) => Promise<Partial<Record<Table, number>>>;
  /** A table this call may read sequentially on this data (default: none). */
  seqScanAllowed?: (db: Db) => Promise<Table | undefined>;
  /**
   * An upper bound on the JSON array elements it expands in all (jsonb_array_elements over result
   * documents and rollups, every statement together): for the calls that read documents or
   * doc_stats; absent: not checked. A call that expands every document of its window exceeds it.
   */
  documentElements?: (db: Db) => Promise<number>;
}

/** In a store without documents ("one big suite") the rollup is empty, and reading nothing in order is fine. */
async function emptyRollup(db: Db): Promise<Table | undefined> {
  return withClient(db.url, async (client) => {
    const { rows } = await client.query('select 1 from public.answer_groups_daily limit 1');
    return rows.length ? undefined : 'answer_groups_daily';
  });
}

/**
 * What the answer readers read for a period of `days` ending at `until` (null: now): the runs of its
 * partial first day (none when it starts at midnight) and of its last `newestDays` days, their
 * answer groups (doc_stats), and the rollup's rows of its whole days.
 */
async function answerPeriod(
  db: Db,
  days: number,
  until: string | null,
  newestDays = 0,
): Promise<{ partialRuns: number; partialGroups: number; newestRuns: number; newestGroups: number; rollup: number }> {
  return withClient(db.url, async (client) => {
    const { rows } = await client.query<Record<string, string>>(
      `with w as (
         select coalesce($2::timestamptz, now()) - make_interval(days => $3) as since, coalesce($2::timestamptz, now()) as until
       ),
       d as (select w.*, (w.since at time zone 'UTC')::date + 1 as next_day from w),
       partial as (
         select r.doc_stats from public.eval_runs r, d
         where r.team_id = $1 and r.run_at >= d.since and r.run_at < (d.next_day::timestamp at time zone 'UTC')
           and d.since <> ((d.since at time zone 'UTC')::date::timestamp at time zone 'UTC')
       ),
       newest as (
         select r.doc_stats from public.eval_runs r, d
         where r.team_id = $1 and r.run_at >= d.until - make_interval(days => $4) and r.run_at < d.until
       )
       select (select count(*) from partial) as partial_runs,
              (select coalesce(sum(jsonb_array_length(doc_stats -> 'answers')), 0) from partial) as partial_groups,
              (select count(*) from newest) as newest_runs,
              (select coalesce(sum(jsonb_array_length(doc_stats -> 'answers')), 0) from newest) as newest_groups,
              (select count(*) from public.answer_groups_daily g, d
                where g.team_id = $1 and g.day >= (d.since at time zone 'UTC')::date
                  and ($2::timestamptz is null or g.day <= (d.until at time zone 'UTC')::date)) as rollup`,
      [db.team, until, days, newestDays],
    );
    const row = rows[0] ?? {};
    return {
      partialRuns: Number(row.partial_runs),
      partialGroups: Number(row.partial_groups),
      newestRuns: Number(row.newest_runs),
      newestGroups: Number(row.newest_groups),
      rollup: Number(row.rollup),
    };
  });
}

/** A period aggregate over the date range: `sql` takes the team, days and until; it reads the range's rows of `table`. */
function inRange(sql: string, table: Table = 'eval_runs'): Case {
  return {
    call: (db) => ({ sql, params: [db.team, RANGE_DAYS, RANGE_UNTIL] }),
    bounds: async (db) => ({ [table]: await rowsInRange(db, table) }),
  };
}

const CASES: Record<string, Case> = {
  dashboard_overview: {
    call: (db) => ({ sql: 'select public.dashboard_overview($1)', params: [db.team] }),
    // runs_total counts every run of the team, the rest reads two weeks. When the team holds
    // most of the store (its own project), reading the table in order is the cheapest count.
    bounds: async (db) => {
      const runs = await runCounts(db);
      return { eval_runs: (runs.team > runs.all / 2 ? runs.all : runs.team) + (await rowsSince(db, 'eval_runs', '15 days')) };
    },
    seqScanAllowed: async (db) => {
      const runs = await runCounts(db);
      return runs.team > runs.all / 2 ? 'eval_runs' : undefined;
    },
  },
  pass_rate_series: {
    call: (db) => ({ sql: 'select * from public.pass_rate_series($1, 30)', params: [db.team] }),
    bounds: async (db) => ({ eval_runs: await rowsSince(db, 'eval_runs', '30 days') }),
  },
  test_history: {
    call: (db) => ({
      sql: `select * from public.test_history($1, 'acme/app', $2, ${HISTORY_RUNS})`,
      params: [db.team, db.shape.historySuite],
    }),
    // The runs shown and their results, nothing else.
    bounds: async (db) => ({ eval_runs: HISTORY_RUNS, eval_results: HISTORY_RUNS * db.shape.resultsPerRun }),
  },
  cost_per_week: {
    call: (db) => ({ sql: 'select * from public.cost_per_week($1, 12)', params: [db.team] }),
    bounds: async (db) => ({ eval_runs: await rowsSince(db, 'eval_runs', '13 weeks') }),
  },
  cost_per_model: {
    call: (db) => ({ sql: 'select * from public.cost_per_model($1, 30)', params: [db.team] }),
    bounds: async (db) => ({ eval_costs: await rowsSince(db, 'eval_costs', '30 days') }),
  },
  escalation_per_tier: {
    call: (db) => ({ sql: 'select * from public.escalation_per_tier($1, 30)', params: [db.team] }),
    bounds: async (db) => ({ eval_runs: await rowsSince(db, 'eval_runs', '30 days') }),
  },
  leaderboard: {
    call: (db) => ({ sql: 'select * from public.leaderboard($1, 7)', params: [db.team] }),
    bounds: async (db) => ({ eval_runs: await rowsSince(db, 'eval_runs', '7 days') }),
  },
  // Dashboard part 2 (20261122140000_dashboard_insights.sql).
  suite_run_series: {
    call: (db) => ({ sql: 'select * from public.suite_run_series($1, 30)', params: [db.team] }),
    bounds: async (db) => ({ eval_runs: await rowsSince(db, 'eval_runs', '30 days') }),
  },
  test_runs: {
    call: (db) => ({
      sql: `select public.test_runs($1, 'acme/app', $2, 'test-2', ${TEST_RUNS})`,
      params: [db.team, db.shape.historySuite],
    }),
    // The suite's last runs and that one test's result in each.
    bounds: async () => ({ eval_runs: TEST_RUNS, eval_results: TEST_RUNS }),
  },
  cost_leaders: {
    call: (db) => ({ sql: 'select public.cost_leaders($1, 30, 10)', params: [db.team] }),
    // The month's runs; the rollup's rows for the window's whole days; results only of the
    // window's first (partial) day's runs.
    bounds: async (db) => {
      const window = await withClient(db.url, async (client) => {
        const { rows } = await client.query<{ runs: string; first_day_runs: string; rollup: string }>(
          `with w as (select now() - interval '30 days' as since, ((now() - interval '30 days') at time zone 'UTC')::date as first_day)
           select (select count(*) from public.eval_runs r, w where r.team_id = $1 and r.run_at >= w.since) as runs,
                  (select count(*) from public.eval_runs r, w where r.team_id = $1 and r.run_at >= w.since
                     and (r.run_at at time zone 'UTC')::date = w.first_day) as first_day_runs,
                  (select count(*) from public.test_costs_daily d, w where d.team_id = $1 and d.day > w.first_day) as rollup`,
          [db.team],
        );
        return rows[0];
      });
      return {
        eval_runs: Number(window?.runs),
        eval_results: Number(window?.first_day_runs) * db.shape.resultsPerRun,
        test_costs_daily: Number(window?.rollup),
      };
    },
  },
  ladder_spend: {
    call: (db) => ({ sql: 'select * from public.ladder_spend($1, 30)', params: [db.team] }),
    // The month's runs and their rollups (tier_stats, attempt_stats): no result, no attempt.
    bounds: async (db) => ({ eval_runs: await rowsSince(db, 'eval_runs', '30 days') }),
  },
  verifier_outcomes: {
    call: (db) => ({ sql: 'select * from public.verifier_outcomes($1, 30)', params: [db.team] }),
    // The rollup's rows of the month's whole days, and the runs of its partial first day with their
    // answer groups (doc_stats); not the month's runs, not their documents.
    seqScanAllowed: emptyRollup,
    bounds: async (db) => {
      const p = await answerPeriod(db, 30, null);
      return { eval_runs: p.partialRuns, answer_groups_daily: p.rollup };
    },
    documentElements: async (db) => (await answerPeriod(db, 30, null)).partialGroups,
  },
  judge_cache_savings: {
    call: (db) => ({ sql: 'select * from public.judge_cache_savings($1, 30)', params: [db.team] }),
    bounds: async (db) => ({ eval_runs: await rowsSince(db, 'eval_runs', '30 days') }),
    documentElements: async () => 0,
  },
  digest_week: {
    call: (db) => ({ sql: "select public.digest_week($1, (date_trunc('week', now()) - interval '7 days')::date)", params: [db.team] }),
    // The week's and the week before's runs, each suite's 19 runs before the week and its two windows
    // of 10 runs (and their results), the week's cost lines; the week's verifier decisions from doc_stats.
    bounds: async (db) => {
      const suites = await suitesOf(db);
      const runs = await rowsSince(db, 'eval_runs', '21 days');
      return { eval_runs: runs + suites * (19 + 20), eval_results: suites * 20 * db.shape.resultsPerRun, eval_costs: runs };
    },
    documentElements: async (db) => 4 * (await rowsSince(db, 'eval_runs', '21 days')),
  },
  problem_history: {
    call: (db) => ({ sql: 'select * from public.problem_history($1, null, null, 30)', params: [db.team] }),
    // The suites of the last 90 days, then each suite's last 30 runs (and their results, per run).
    bounds: async (db) => ({
      eval_runs: (await rowsSince(db, 'eval_runs', '90 days')) + 30 * (await suitesOf(db)),
      eval_results: 30 * (await suitesOf(db)) * db.shape.resultsPerRun,
    }),
  },
  review_queue: {
    call: (db) => ({ sql: 'select * from public.review_queue($1, 30, 30)', params: [db.team] }),
    // The rollup's rows and the partial first day's runs (the counts per day), then the runs of only
    // the newest days the first 30 answers can come from (two here), and the documents of only the
    // runs those answers come from.
    seqScanAllowed: emptyRollup,
    bounds: async (db) => {
      const p = await answerPeriod(db, 30, null, 2);
      return { eval_runs: p.partialRuns + p.newestRuns + 30, answer_groups_daily: p.rollup };
    },
    documentElements: async (db) => {
      const p = await answerPeriod(db, 30, null, 2);
      return p.partialGroups + p.newestGroups + 30 * db.shape.resultsPerRun * 2;
    },
  },
  leaderboard_runs: {
    call: (db) => ({ sql: 'select * from public.leaderboard_runs($1, 7)', params: [db.team] }),
    // The week's runs, and each person's days with a run over the last 400 days (the day streak),
    // through the (team_id, user_id, run_at) index: never the team's whole history, whatever share
    // of the store the team holds.
    bounds: async (db) => ({ eval_runs: (await rowsSince(db, 'eval_runs', '7 days')) + (await rowsSince(db, 'eval_runs', '400 days')) }),
  },
  // The same aggregates over a date range: bounded at both ends, through the same indexes.
  pass_rate_series_range: inRange('select * from public.pass_rate_series($1, $2, $3)'),
  suite_run_series_range: inRange('select * from public.suite_run_series($1, $2, $3)'),
  cost_series_range: inRange('select * from public.cost_series($1, $2, $3)'),
  cost_per_model_range: inRange('select * from public.cost_per_model($1, $2, $3)', 'eval_costs'),
  cost_leaders_range: {
    call: (db) => ({ sql: 'select public.cost_leaders($1, $2, 10, $3)', params: [db.team, RANGE_DAYS, RANGE_UNTIL] }),
    // Whole days: the range's runs and the rollup's rows of those days; no result at all.
    bounds: async (db) => ({ eval_runs: await rowsInRange(db, 'eval_runs'), test_costs_daily: RANGE_DAYS * 10 * db.shape.resultsPerRun }),
  },
  ladder_spend_range: inRange('select * from public.ladder_spend($1, $2, $3)'),
  judge_cache_savings_range: inRange('select * from public.judge_cache_savings($1, $2, $3)'),
  // As verifier_outcomes and review_queue, over the range.
  verifier_outcomes_range: {
    call: (db) => ({ sql: 'select * from public.verifier_outcomes($1, $2, $3)', params: [db.team, RANGE_DAYS, RANGE_UNTIL] }),
    // A range from midnight to midnight is whole days: the rollup alone.
    seqScanAllowed: emptyRollup,
    bounds: async (db) => ({ answer_groups_daily: (await answerPeriod(db, RANGE_DAYS, RANGE_UNTIL)).rollup }),
    documentElements: async () => 0,
  },
  review_queue_range: {
    call: (db) => ({ sql: 'select * from public.review_queue($1, $2, 30, $3)', params: [db.team, RANGE_DAYS, RANGE_UNTIL] }),
    seqScanAllowed: emptyRollup,
    bounds: async (db) => {
      const p = await answerPeriod(db, RANGE_DAYS, RANGE_UNTIL, 2);
      return { eval_runs: p.newestRuns + 30, answer_groups_daily: p.rollup };
    },
    documentElements: async (db) => {
      const p = await answerPeriod(db, RANGE_DAYS, RANGE_UNTIL, 2);
      return p.newestGroups + 30 * db.shape.resultsPerRun * 2;
    },
  },
  leaderboard_runs_range: {
    call: (db) => ({ sql: 'select * from public.leaderboard_runs($1, $2, null, $3)', params: [db.team, RANGE_DAYS, RANGE_UNTIL] }),
    // The range's runs, and (as without a range) the days with a run over the last 400 days.
    bounds: async (db) => {
      const runs = await runCounts(db);
      const days = runs.team > runs.all / 2 ? runs.all : await rowsSince(db, 'eval_runs', '400 days');
      return { eval_runs: (await rowsInRange(db, 'eval_runs')) + days };
    },
    seqScanAllowed: async (db) => {
      const runs = await runCounts(db);
      return runs.team > runs.all / 2 ? 'eval_runs' : undefined;
    },
  },
  // The dashboard's pages (apps/dashboard).
  runs_page: {
    call: (db) => ({ sql: 'select public.runs_page($1)', params: [db.team] }),
    // The filtered total is counted up to 10,001 runs; the page itself is 50, plus the one row past
    // it that closes the last run_at group (ties are ordered by id, so pages are stable).
    bounds: async () => ({ eval_runs: RUNS_TOTAL_CAP + 51 }),
  },
  // As the runs page asks for its default order (newest first, by name) and the oldest first: the
  // same index, read forward or backward; not a sort of every run of the team.
  runs_page_by_time: {
    call: (db) => ({ sql: "select public.runs_page($1, p_sort => '-when')", params: [db.team] }),
    bounds: async () => ({ eval_runs: RUNS_TOTAL_CAP + 51 }),
  },
  runs_page_oldest_first: {
    call: (db) => ({ sql: "select public.runs_page($1, p_sort => 'when')", params: [db.team] }),
    bounds: async () => ({ eval_runs: RUNS_TOTAL_CAP + 51 }),
  },
  runs_page_filtered: {
    call: (db) => ({ sql: 'select public.runs_page($1, p_suite => $2, p_offset => 100)', params: [db.team, db.shape.historySuite] }),
    // Capped like the unfiltered page; walking the team's run_at index for a suite that is most of
    // the team's runs may also skip (filter out) a few others on the way: at most a tenth more.
    bounds: async () => ({ eval_runs: Math.ceil((RUNS_TOTAL_CAP + 150) * 1.1) }),
  },
  runs_facets: {
    call: (db) => ({ sql: 'select public.runs_facets($1)', params: [db.team] }),
    bounds: async (db) => ({ eval_runs: await rowsSince(db, 'eval_runs', '90 days') }),
  },
  suite_sparklines: {
    call: (db) => ({ sql: 'select * from public.suite_sparklines($1)', params: [db.team] }),
    // The suites of the last 90 days, then each suite's last 20 runs and its latest one.
    bounds: async (db) => ({ eval_runs: (await rowsSince(db, 'eval_runs', '90 days')) + 21 * (await suitesOf(db)) }),
  },
  run_detail: {
    call: (db) => ({
      sql: 'select public.run_detail($1, (select id from public.eval_runs where team_id = $1 order by run_at desc limit 1))',
      params: [db.team],
    }),
    // The run, its previous run, its results with their attempts (two each here), and its costs;
    // its document once (each test, and each test's attempts), not once per test.
    bounds: async (db) => ({
      eval_runs: 2,
      eval_results: db.shape.resultsPerRun,
      eval_attempts: 2 * db.shape.resultsPerRun,
      eval_costs: 10,
    }),
    documentElements: async (db) => 3 * db.shape.resultsPerRun,
  },
  // gstack ci report (20261206170000_ci_reports.sql): the newest feature-branch run of the suite.
  ci_report_context: {
    call: (db) => ({
      sql: `select public.ci_report_context($1, null,
        (select run_key from public.eval_runs where team_id = $1 and suite = $2 and branch <> 'main' order by run_at desc limit 1),
        array['main', 'master'], null, ${CI_HISTORY_RUNS})`,
      params: [db.team, db.shape.historySuite],
    }),
    // The run, one probe per base branch (main finds its latest run, master none), the history's
    // runs; the results of the run, of the baseline and of the history's runs. Never the suite's
    // other branches' runs, however many.
    bounds: async (db) => ({
      eval_runs: 2 + 2 + CI_HISTORY_RUNS,
      eval_results: (2 + CI_HISTORY_RUNS) * db.shape.resultsPerRun,
    }),
  },
  compare_runs: {
    call: (db) => ({
      sql: `select public.compare_runs($1,
        (select id from public.eval_runs where team_id = $1 order by run_at desc offset 1 limit 1),
        (select id from public.eval_runs where team_id = $1 order by run_at desc limit 1))`,
      params: [db.team],
    }),
    // Both runs (once each for the rows, once more for the documents, and once per result), both runs'
    // results, and each document's tests once.
    bounds: async (db) => ({ eval_runs: 4 + 2 * db.shape.resultsPerRun, eval_results: 2 * db.shape.resultsPerRun }),
    documentElements: async (db) => 2 * db.shape.resultsPerRun,
  },
};

const TABLES: Table[] = ['eval_runs', 'eval_results', 'eval_attempts', 'eval_costs', 'test_costs_daily', 'answer_groups_daily'];

describe.each(SHAPES.map((s) => s.name))('query plans, %s', (shapeName) => {
  it.each(Object.keys(CASES))('%s reads only the rows its answer needs, through indexes', async (name) => {
    const db = dbs.find((d) => d.shape.name === shapeName) as Db;
    const testCase = CASES[name] as Case;
    const { sql: call, params } = testCase.call(db);
    const plans = await plansOf(db, call, params);
    expect(plans.length).toBeGreaterThan(0);
    const all = plans.flatMap((p) => nodes(p.plan));
    if (process.env.GSTACK_PRINT_PLANS) console.log(`--- ${shapeName}: ${name}\n${JSON.stringify(plans, null, 1)}`);

    const scans = all.filter((n) => TABLES.includes(n['Relation Name'] as Table));
    const seqAllowed = await testCase.seqScanAllowed?.(db);
    const seqScans = scans.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] !== seqAllowed);
    expect(seqScans.map((n) => n['Relation Name'])).toEqual([]);
    expect(scans.length).toBeGreaterThan(0);

    const bounds = await testCase.bounds(db);
    for (const table of TABLES) {
      const read = scans.filter((n) => n['Relation Name'] === table).reduce((sum, n) => sum + rowsRead(n), 0);
      expect({ table, read: read <= (bounds[table] ?? 0) ? 'within bound' : read }).toEqual({ table, read: 'within bound' });
    }
    // JSON expanded from documents and rollups, over every statement: within what the answer needs.
    const elements = all
      .filter((n) => n['Node Type'] === 'Function Scan' && n['Function Name'] === 'jsonb_array_elements')
      .reduce((sum, n) => sum + n['Actual Rows'] * n['Actual Loops'], 0);
    const documentBound = await testCase.documentElements?.(db);
    if (documentBound !== undefined)
      expect({ elements: elements <= documentBound ? 'within bound' : elements }).toEqual({ elements: 'within bound' });
    // No node anywhere (joins, sorts, aggregates) handles more rows than the tables' (and documents') bounds allow.
    // (One more: the period's own row, which a call over an empty window still makes.)
    const ceiling = Object.values(bounds).reduce((a, b) => a + (b ?? 0), 0) + (documentBound ?? 0) + 1;
    const biggest = Math.max(...all.map((n) => n['Actual Rows'] * n['Actual Loops']));
    expect(biggest).toBeLessThanOrEqual(ceiling);
  });
});
