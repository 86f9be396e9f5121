/**
 * What a push writes and what it costs the database, after the push-throughput changes
 * (20261207110000_push_throughput.sql): the per-run rollups are added from the statement's new
 * rows instead of being recomputed from the table, so they must still equal the formulas over the
 * rows (after a push, a re-push that writes nothing, rows added later and rows deleted); a push
 * reads none of its rows back and checks the team once per run, not once per row; the
 * regression-alert webhook still sends the run without its document; the limits check still
 * names the first field over its limit; and a team's deletion still removes its runs' rows.
 */
import { PUSH_LIMITS, STORE_ROW_DEFAULTS, standardEvalResultSchema, toRunPayload } from '@gstack/core';
import { createTeam, pushRun, signedInClient, sql, stackInfo, unique } from '@gstack/local-stack/testing';
import type { SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';

type Stats = Record<string, Record<string, number>>;

/** A run whose rows cover every rollup case: three resolved tiers and none, skipped results, attempts with and without a tier, six-decimal costs. */
function payload(runKey: string, tests = 12) {
  const tiers = ['local', 'cloud', 'frontier', null];
  const results = Array.from({ length: tests }, (_, i) => ({
    test_name: `t${i}`,
    trial: 1 + (i % 2),
    passed: i % 3 !== 0,
    skipped: i % 7 === 6,
    cost_usd: Number((0.000123 * (i + 1)).toFixed(6)),
    resolved_tier: tiers[i % 4],
  }));
  const attempts = results.flatMap((r, i) =>
    Array.from({ length: 1 + (i % 3) }, (_, a) => ({
      test_name: r.test_name,
      trial: r.trial,
      attempt: a + 1,
      model: `m${a}`,
      tier: a === 2 ? null : ['local', 'cloud'][a],
      verdict: 'accept',
      cost_usd: Number((0.000101 * (i + a + 1)).toFixed(6)),
    })),
  );
  return {
    run: {
      run_key: runKey,
      repo_slug: 'acme/app',
      suite: 'throughput',
      run_at: new Date().toISOString(),
      total_tests: tests,
      passed: results.filter((r) => r.passed).length,
      failed: results.filter((r) => !r.passed).length,
      result: { schema_version: 1, all_results: [] as unknown[] },
    },
    results,
    attempts,
    costs: [{ model: 'm0', purpose: 'system', calls: 3, cost_usd: 0.01 }],
  };
}

/** tier_stats computed by hand from the payload: non-skipped results per resolved tier ('(none)' without one). */
function expectedTierStats(p: ReturnType<typeof payload>): Record<string, { tests: number; passed: number; cost_usd: number }> {
  const out: Record<string, { tests: number; passed: number; cost_usd: number }> = {};
  for (const r of p.results.filter((x) => !x.skipped)) {
    const tier = r.resolved_tier ?? '(none)';
    const s = out[tier] ?? { tests: 0, passed: 0, cost_usd: 0 };
    out[tier] = s;
    s.tests += 1;
    s.passed += r.passed ? 1 : 0;
    s.cost_usd = Number((s.cost_usd + r.cost_usd).toFixed(6));
  }
  return out;
}

/** attempt_stats computed by hand: attempts and their cost per attempt tier ('?' without one). */
function expectedAttemptStats(p: ReturnType<typeof payload>): Record<string, { attempts: number; cost_usd: number }> {
  const out: Record<string, { attempts: number; cost_usd: number }> = {};
  for (const a of p.attempts) {
    const tier = a.tier ?? '?';
    const s = out[tier] ?? { attempts: 0, cost_usd: 0 };
    out[tier] = s;
    s.attempts += 1;
    s.cost_usd = Number((s.cost_usd + a.cost_usd).toFixed(6));
  }
  return out;
}

/** Both rollups as stored, and as the delete path's formulas recompute them from the rows (20261121100100, 20261123130000). */
async function rollups(runId: string) {
  const [row] = await sql<{ tier_stats: Stats; attempt_stats: Stats; tier_formula: Stats; attempt_formula: Stats }>(
    `select r.tier_stats, r.attempt_stats, private.attempt_stats_of(r.id) as attempt_formula,
            coalesce((select jsonb_object_agg(s.tier, jsonb_build_object('tests', s.tests, 'passed', s.passed, 'cost_usd', s.cost_usd))
                      from (select coalesce(e.resolved_tier, '(none)') as tier, count(*) as tests,
                                   count(*) filter (where e.passed) as passed, sum(e.cost_usd) as cost_usd
                            from public.eval_results e where e.run_id = r.id and not e.skipped group by 1) s), '{}'::jsonb) as tier_formula
     from public.eval_runs r where r.id = $1`,
    [runId],
  );
  if (!row) throw new Error(`no run ${runId}`);
  return row;
}

const DAILY = `select day::text, test_name, results::int, cost_usd::text from public.test_costs_daily where team_id = $1 order by 1, 2`;
const DAILY_FORMULA = `
  select (r.run_at at time zone 'UTC')::date::text as day, x.test_name, count(*)::int as results, sum(x.cost_usd)::text as cost_usd
  from public.eval_results x join public.eval_runs r on r.id = x.run_id where r.team_id = $1 group by 1, 2 order by 1, 2`;

/** Runs `fn` on one owner connection inside a transaction that is rolled back. */
async function rolledBack<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: stackInfo().dbUrl });
  await client.connect();
  try {
    await client.query('begin');
    return await fn(client);
  } finally {
    await client.query('rollback');
    await client.end();
  }
}

let member: SupabaseClient;
let userId: string;
let team: string;

beforeAll(async () => {
  const signed = await signedInClient();
  member = signed.client;
  userId = signed.userId;
  team = await createTeam(member, 'throughput');
});

describe('the rollups a push keeps', () => {
  it('equal the hand-computed values and the formulas over the rows, and a re-push changes nothing', async () => {
    const p = payload(unique('rollups'));
    const runId = await pushRun(member, team, p);
    const first = await rollups(runId);
    expect(first.tier_stats).toEqual(expectedTierStats(p));
    expect(Object.keys(first.tier_stats).sort()).toEqual(['(none)', 'cloud', 'frontier', 'local']);
    expect(first.attempt_stats).toEqual(expectedAttemptStats(p));
    expect(Object.keys(first.attempt_stats).sort()).toEqual(['?', 'cloud', 'local']);
    expect(first.tier_stats).toEqual(first.tier_formula);
    expect(first.attempt_stats).toEqual(first.attempt_formula);
    const daily = await sql(DAILY, [team]);
    expect(daily).toEqual(await sql(DAILY_FORMULA, [team]));
    expect(daily.length).toBe(12);

    const again = await member.rpc('push_eval_run', { p_team_id: team, p_payload: p });
    expect(again.data).toEqual({ run_id: runId, created: false });
    expect(await rollups(runId)).toEqual(first);
    expect(await sql(DAILY, [team])).toEqual(daily);
  });

  it('add rows written to a run later, and recompute when rows are deleted', async () => {
    const p = payload(unique('later'), 5);
    const runId = await pushRun(member, team, p);
    // A later statement (the service role may write rows directly): an existing tier, a new one, a skipped result.
    await sql(
      `insert into public.eval_results (run_id, team_id, test_name, passed, skipped, cost_usd, resolved_tier) values
         ($1, $2, 'late-1', true, false, 0.000007, 'local'), ($1, $2, 'late-2', false, false, 0.5, 'judge'),
         ($1, $2, 'late-3', true, true, 9, 'local')`,
      [runId, team],
    );
    await sql(
      `insert into public.eval_attempts (run_id, team_id, test_name, attempt, model, tier, verdict, cost_usd) values
         ($1, $2, 'late-1', 1, 'm', 'local', 'accept', 0.000003), ($1, $2, 'late-2', 1, 'm', 'opus', 'error', 0.25)`,
      [runId, team],
    );
    const added = await rollups(runId);
    const tiers = expectedTierStats(p);
    expect(added.tier_stats).toEqual({
      ...tiers,
      local: {
        tests: (tiers.local?.tests ?? 0) + 1,
        passed: (tiers.local?.passed ?? 0) + 1,
        cost_usd: Number(((tiers.local?.cost_usd ?? 0) + 0.000007).toFixed(6)),
      },
      judge: { tests: 1, passed: 0, cost_usd: 0.5 },
    });
    expect(added.tier_stats).toEqual(added.tier_formula);
    expect(added.attempt_stats.opus).toEqual({ attempts: 1, cost_usd: 0.25 });
    expect(added.attempt_stats).toEqual(added.attempt_formula);

    await sql(`delete from public.eval_results where run_id = $1 and resolved_tier = 'local'`, [runId]);
    await sql(`delete from public.eval_attempts where run_id = $1 and tier = 'cloud'`, [runId]);
    const deleted = await rollups(runId);
    expect(deleted.tier_stats).not.toHaveProperty('local');
    expect(deleted.tier_stats).toEqual(deleted.tier_formula);
    expect(deleted.attempt_stats).not.toHaveProperty('cloud');
    expect(deleted.attempt_stats).toEqual(deleted.attempt_formula);
  });
});

describe('the rows a push sends', () => {
  it('store the same rows when nulls and defaults are left out as when every key is spelled', async () => {
    const doc = standardEvalResultSchema.parse({
      schema_version: 1,
      version: '0.1.0',
      run_id: unique('compact'),
      suite: 'compact',
      tier: 'ladder',
      repo_slug: 'acme/app',
      git: { branch: 'main', sha: 'a'.repeat(40) },
      hostname: 'ci',
      timestamp: new Date().toISOString(),
      prompt_sha: 'f'.repeat(64),
      duration_ms: 10,
      totals: { tests: 2, passed: 1, failed: 1, skipped: 0, errors: 0 },
      pass_rate: 50,
      cost_usd: 0.25,
      judge_cost_usd: 0,
      cost_exact: false,
      by_category: {},
      costs: [{ model: 'local/qwen', purpose: 'system', calls: 2, cost_usd: 0, exact: true }],
      all_results: [
        {
          name: 'a',
          passed: true,
          attempts: [{ attempt: 1, model: 'local/qwen', tier: 'local', duration_ms: 3, verdict: 'accept', input_tokens: 5 }],
        },
        {
          name: 'b',
          passed: false,
          trial: 2,
          cost_usd: 0.25,
          error: 'boom',
          attempts: [{ attempt: 1, model: 'm', tier: 'cloud', duration_ms: 0, verdict: 'error' }],
        },
      ],
    });
    const compact = toRunPayload(doc);
    expect(compact.results[0]).not.toHaveProperty('trial');
    expect(compact.attempts[1]).not.toHaveProperty('cost_usd');
    const spelled = (rows: Array<Record<string, unknown>>, columns: readonly string[], defaults: Record<string, unknown>) =>
      rows.map((r) => ({ ...Object.fromEntries(columns.map((c) => [c, c in defaults ? defaults[c] : null])), ...r }));
    const [results, attempts, costs] = await Promise.all(
      ['eval_results', 'eval_attempts', 'eval_costs'].map((t) =>
        sql<{ c: string }>(
          `select column_name as c from information_schema.columns where table_schema = 'public' and table_name = $1
           and column_name not in ('run_id', 'team_id', 'run_at')`,
          [t],
        ).then((rows) => rows.map((r) => r.c)),
      ),
    );
    const full = {
      run: { ...compact.run, run_key: `${compact.run.run_key}-full` },
      results: spelled(compact.results, results ?? [], STORE_ROW_DEFAULTS.results),
      attempts: spelled(compact.attempts, attempts ?? [], STORE_ROW_DEFAULTS.attempts),
      costs: spelled(compact.costs, costs ?? [], STORE_ROW_DEFAULTS.costs),
    };
    expect(full.results[0]).toHaveProperty('score', null);
    const stored = async (runId: string) =>
      Promise.all(
        ['eval_results', 'eval_attempts', 'eval_costs'].map((t) =>
          sql(`select to_jsonb(x) - 'run_id' - 'run_at' as row from public.${t} x where run_id = $1 order by 1`, [runId]),
        ),
      );
    const compactRows = await stored(await pushRun(member, team, compact));
    const fullRows = await stored(await pushRun(member, team, full));
    expect(compactRows.map((rows) => rows.length)).toEqual([2, 2, 1]);
    expect(compactRows).toEqual(fullRows);
  });
});

describe('what a push costs the database', () => {
  it('reads none of its rows back and checks the team once per run, not once per row', async () => {
    // A first run of the same tests today, so the second adds to test_costs_daily's rows (a new
    // rollup row checks its team: once per test and day, not per run's row).
    await pushRun(member, team, payload(unique('reads'), 200));
    const p = payload(unique('reads'), 200);
    const counters = await rolledBack(async (client) => {
      await client.query('select private.write_eval_run($1, $2, null, $3::jsonb)', [team, userId, JSON.stringify(p)]);
      const { rows } = await client.query<{ relname: string; read: string; probes: string }>(
        `select relname, coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) as read, coalesce(idx_scan, 0) as probes
         from pg_stat_xact_user_tables where schemaname = 'public' and relname in ('eval_results', 'eval_attempts', 'teams')`,
      );
      return Object.fromEntries(rows.map((r) => [r.relname, { read: Number(r.read), probes: Number(r.probes) }]));
    });
    expect(p.attempts.length).toBeGreaterThan(300);
    expect(counters.eval_results?.read).toBe(0);
    expect(counters.eval_attempts?.read).toBe(0);
    // The run's key to its team, and the rollup updates' re-check of the row inserted in this transaction.
    expect(counters.teams?.probes).toBeLessThan(10);
  });

  it('sends the regression-alert webhook the run without its document, as before', async () => {
    const p = payload(unique('webhook'));
    p.run.result = { schema_version: 1, all_results: [{ name: 'x', output: 'y'.repeat(5000) }] };
    const { record, expected } = await rolledBack(async (client) => {
      const written = await client.query<{ w: { run_id: string } }>('select private.write_eval_run($1, $2, null, $3::jsonb) as w', [
        team,
        userId,
        JSON.stringify(p),
      ]);
      const runId = written.rows[0]?.w.run_id;
      const { rows } = await client.query<{ record: Record<string, unknown>; expected: Record<string, unknown> }>(
        `select convert_from(q.body, 'UTF8')::jsonb -> 'record' as record,
                to_jsonb(r) - 'result' || '{"tier_stats": {}, "attempt_stats": {}}'::jsonb as expected
         from net.http_request_queue q, public.eval_runs r
         where r.id = $1 and q.url like '%/functions/v1/regression-alert' and convert_from(q.body, 'UTF8')::jsonb -> 'record' ->> 'id' = $1::text`,
        [runId],
      );
      return rows[0] ?? { record: {}, expected: { missing: runId } };
    });
    expect(record).not.toHaveProperty('result');
    expect(record.run_key).toBe(p.run.run_key);
    expect(record).toEqual(expected);
  });
});

describe('the limits check', () => {
  const long = (n: number) => 'x'.repeat(n + 1);
  it.each([
    [
      'a result before an attempt',
      (p: ReturnType<typeof payload>) => {
        (p.attempts[1] as Record<string, unknown>).feedback = long(PUSH_LIMITS.stringChars);
        (p.results[2] as Record<string, unknown>).category = long(PUSH_LIMITS.nameChars);
      },
      `results[2].category: ${PUSH_LIMITS.nameChars + 1} characters; at most ${PUSH_LIMITS.nameChars}`,
    ],
    [
      "an attempt's model",
      (p: ReturnType<typeof payload>) => {
        (p.attempts[4] as Record<string, unknown>).model = long(PUSH_LIMITS.nameChars);
      },
      `attempts[4].model: ${PUSH_LIMITS.nameChars + 1} characters; at most ${PUSH_LIMITS.nameChars}`,
    ],
    [
      "a cost line's model",
      (p: ReturnType<typeof payload>) => {
        (p.costs[0] as Record<string, unknown>).model = long(PUSH_LIMITS.nameChars);
      },
      `costs[0].model: ${PUSH_LIMITS.nameChars + 1} characters; at most ${PUSH_LIMITS.nameChars}`,
    ],
    [
      "a test's output in the document",
      (p: ReturnType<typeof payload>) => {
        p.run.result.all_results = [{ name: 'a', output: 'short' }, 'not an object', { name: 'b', output: long(PUSH_LIMITS.stringChars) }];
      },
      `run.result.all_results[2].output: ${PUSH_LIMITS.stringChars + 1} characters; at most ${PUSH_LIMITS.stringChars}`,
    ],
  ])('names the first field over its limit: %s', async (_what, change, message) => {
    const p = payload(unique('limits'));
    change(p);
    const res = await member.rpc('push_eval_run', { p_team_id: team, p_payload: p });
    expect(res.error?.code).toBe('54000');
    expect(res.error?.message).toBe(`push refused: ${message}`);
    expect(await sql('select id from public.eval_runs where run_key = $1', [p.run.run_key])).toEqual([]);
  });
});

describe("a run's rows and its team", () => {
  it("are refused when the team is not the run's, and go with the team", async () => {
    const owner = await signedInClient();
    const doomed = await createTeam(owner.client, 'doomed');
    const other = await createTeam(owner.client, 'other');
    const runId = await pushRun(owner.client, doomed, payload(unique('doomed'), 3));
    await expect(
      sql(`insert into public.eval_results (run_id, team_id, test_name, passed) values ($1, $2, 'planted', true)`, [runId, other]),
    ).rejects.toThrow(/eval_results_run_id_team_id_fkey/);
    await sql('delete from public.teams where id = $1', [doomed]);
    const [left] = await sql<{ n: number }>(
      `select ((select count(*) from public.eval_results where team_id = $1) + (select count(*) from public.eval_attempts where team_id = $1)
             + (select count(*) from public.eval_costs where team_id = $1) + (select count(*) from public.eval_runs where team_id = $1))::int as n`,
      [doomed],
    );
    expect(left?.n).toBe(0);
  });
});
