/**
 * The push scenario's baselines, measured beside the push RPC in the same run: the same write
 * called in SQL (no gateway, no PostgREST: the database's share of the RPC), and the same rows
 * written by plain set-based INSERTs (typed arrays, one statement per table, into the same
 * tables with their indexes, keys and triggers: what the rows themselves cost).
 */
import { type RunPayload, STORE_ROW_DEFAULTS } from '@gstack/core';
import type pg from 'pg';

/** private.write_eval_run, the function push_eval_run ends in, called as the database owner. */
export async function writeInSql(owner: pg.Pool, teamId: string, userId: string, payload: RunPayload): Promise<void> {
  const { rows } = await owner.query<{ w: { created: boolean } }>('select private.write_eval_run($1, $2, null, $3::jsonb) as w', [
    teamId,
    userId,
    JSON.stringify(payload),
  ]);
  if (!rows[0]?.w.created) throw new Error(`write_eval_run did not create ${payload.run.run_key}`);
}

/** Column values of `rows` as one array per column, in `columns` order (an absent value as the store writes it). */
function columnsOf(
  rows: ReadonlyArray<Record<string, unknown>>,
  columns: readonly string[],
  defaults: Readonly<Record<string, unknown>>,
): unknown[][] {
  return columns.map((c) => rows.map((r) => r[c] ?? defaults[c] ?? null));
}

const RESULT_COLUMNS = [
  ['test_name', 'text'],
  ['trial', 'integer'],
  ['category', 'text'],
  ['passed', 'boolean'],
  ['skipped', 'boolean'],
  ['score', 'numeric'],
  ['duration_ms', 'bigint'],
  ['cost_usd', 'numeric'],
  ['resolved_tier', 'text'],
  ['resolved_model', 'text'],
  ['error', 'text'],
] as const;

const ATTEMPT_COLUMNS = [
  ['test_name', 'text'],
  ['trial', 'integer'],
  ['attempt', 'integer'],
  ['model', 'text'],
  ['tier', 'text'],
  ['duration_ms', 'bigint'],
  ['warm', 'boolean'],
  ['verdict', 'text'],
  ['feedback', 'text'],
  ['input_tokens', 'bigint'],
  ['output_tokens', 'bigint'],
  ['cache_read_tokens', 'bigint'],
  ['cache_write_tokens', 'bigint'],
  ['cost_usd', 'numeric'],
  ['cost_exact', 'boolean'],
] as const;

const COST_COLUMNS = [
  ['model', 'text'],
  ['purpose', 'text'],
  ['calls', 'integer'],
  ['input_tokens', 'bigint'],
  ['output_tokens', 'bigint'],
  ['cache_read_tokens', 'bigint'],
  ['cache_write_tokens', 'bigint'],
  ['cost_usd', 'numeric'],
  ['exact', 'boolean'],
  ['cached_calls', 'integer'],
] as const;

/** INSERT INTO table (run_id, team_id, columns...) SELECT $1, $2, * FROM unnest($3::type[], ...). */
function unnestInsert(table: string, columns: ReadonlyArray<readonly [string, string]>): string {
  const names = columns.map(([name]) => name).join(', ');
  const arrays = columns.map(([, type], i) => `$${i + 3}::${type}[]`).join(', ');
  return `insert into public.${table} (run_id, team_id, ${names}) select $1, $2, * from unnest(${arrays})`;
}

/** The payload's rows written by plain set-based INSERTs in one transaction; the payload is taken as valid. */
export async function plainInsert(owner: pg.Pool, teamId: string, userId: string, payload: RunPayload): Promise<void> {
  const client = await owner.connect();
  try {
    await client.query('begin');
    const run = payload.run;
    const { rows } = await client.query<{ id: string }>(
      `insert into public.eval_runs (team_id, user_id, run_key, repo_slug, branch, git_sha, suite, tier, label, hostname, version,
                                     run_at, total_tests, passed, failed, skipped, cost_usd, judge_cost_usd, duration_ms, prompt_sha,
                                     by_category, result)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22) returning id`,
      [
        teamId,
        userId,
        run.run_key,
        run.repo_slug,
        run.branch,
        run.git_sha,
        run.suite,
        run.tier,
        run.label,
        run.hostname,
        run.version,
        run.run_at,
        run.total_tests,
        run.passed,
        run.failed,
        run.skipped ?? 0,
        run.cost_usd ?? 0,
        run.judge_cost_usd ?? 0,
        run.duration_ms,
        run.prompt_sha,
        JSON.stringify(run.by_category ?? {}),
        JSON.stringify(run.result ?? {}),
      ],
    );
    const runId = rows[0]?.id;
    const tables = [
      ['eval_results', RESULT_COLUMNS, payload.results, STORE_ROW_DEFAULTS.results],
      ['eval_attempts', ATTEMPT_COLUMNS, payload.attempts, STORE_ROW_DEFAULTS.attempts],
      ['eval_costs', COST_COLUMNS, payload.costs, STORE_ROW_DEFAULTS.costs],
    ] as const;
    for (const [table, columns, values, defaults] of tables) {
      const names = columns.map(([name]) => name);
      const data = columnsOf(values as ReadonlyArray<Record<string, unknown>>, names, defaults);
      await client.query(unnestInsert(table, columns), [runId, teamId, ...data]);
    }
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}
