/**
 * Rules that SQL and packages/core both state, compared. The pass-rate rule has one SQL
 * definition (private.pass_rate, used by the eval_runs column and the dashboard aggregates)
 * and one TypeScript one (passRatePercent in packages/core, used
 * by the CLI, the digest and run documents). This drift test puts both to the same inputs, so a
 * change to either rounding or to the "nothing ran" case fails here.
 */
import { passRatePercent, REGRESSION_RULES, TREND_RULES } from '@gstack/core';
import { sql, stackInfo } from '@gstack/local-stack/testing';
import pg from 'pg';
import { describe, expect, it } from 'vitest';

/** Every (passed, ran) with ran up to 200, and a few large counts. */
function inputs(): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  for (let ran = 0; ran <= 200; ran++) for (let passed = 0; passed <= ran; passed++) pairs.push([passed, ran]);
  for (const ran of [999, 1000, 1001, 65_536, 1_234_567, 2_000_000_000])
    for (const passed of [1, 2, 7, Math.floor(ran / 3), Math.floor((2 * ran) / 3), ran - 1, ran]) pairs.push([passed, ran]);
  return pairs;
}

describe('pass rate: SQL and core agree', () => {
  it('gives the same number (or null) for every input', async () => {
    const pairs = inputs();
    const rows = await sql<{ passed: string; ran: string; rate: string | null }>(
      'select t.passed, t.ran, private.pass_rate(t.passed, t.ran)::text as rate from unnest($1::bigint[], $2::bigint[]) as t(passed, ran)',
      [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
    );
    expect(rows).toHaveLength(pairs.length);
    const differ = rows
      .map((r) => ({ passed: Number(r.passed), ran: Number(r.ran), sql: r.rate === null ? null : Number(r.rate) }))
      .filter((r) => r.sql !== passRatePercent(r.passed, r.ran))
      .map((r) => ({ ...r, core: passRatePercent(r.passed, r.ran) }));
    expect(differ).toEqual([]);
    // Spot values, so the test fails if both sides drift the same way.
    const at = (passed: number, ran: number) => rows.find((r) => Number(r.passed) === passed && Number(r.ran) === ran)?.rate;
    expect([at(2, 3), at(1, 8), at(0, 0), at(5, 5)]).toEqual(['66.67', '12.50', null, '100.00']);
  });

  it('is what the eval_runs.pass_rate column computes', async () => {
    const [row] = await sql<{ expression: string }>(
      `select pg_get_expr(d.adbin, d.adrelid) as expression from pg_attrdef d
       join pg_attribute a on a.attrelid = d.adrelid and a.attnum = d.adnum
       where d.adrelid = 'public.eval_runs'::regclass and a.attname = 'pass_rate'`,
    );
    expect(row?.expression).toMatch(/^private\.pass_rate\(/);
  });

  it('runs for a member calling the dashboard aggregates, and is immutable', async () => {
    const client = new pg.Client({ connectionString: stackInfo().dbUrl });
    await client.connect();
    try {
      await client.query('begin');
      await client.query('set local role authenticated');
      const { rows } = await client.query<{ rate: string }>(
        'select private.pass_rate(sum(x.p), sum(x.r))::text as rate from (values (1, 2), (3, 4)) x(p, r)',
      );
      expect(rows).toEqual([{ rate: '66.67' }]);
    } finally {
      await client.query('rollback');
      await client.end();
    }
    const [fn] = await sql<{ volatile: string; parallel: string }>(
      `select provolatile as volatile, proparallel as parallel from pg_proc where oid = 'private.pass_rate(numeric, numeric)'::regprocedure`,
    );
    expect(fn).toEqual({ volatile: 'i', parallel: 's' });
  });
});

describe('regression threshold: SQL default and core agree', () => {
  it("team_settings.alert_threshold_pp defaults to core's REGRESSION_RULES.defaultThresholdPp", async () => {
    const [row] = await sql<{ value: string }>(
      `select pg_get_expr(d.adbin, d.adrelid) as value from pg_attrdef d
       join pg_attribute a on a.attrelid = d.adrelid and a.attnum = d.adnum
       where d.adrelid = 'public.team_settings'::regclass and a.attname = 'alert_threshold_pp'`,
    );
    expect(Number(row?.value.replace(/::.*$/, '').replace(/[()]/g, ''))).toBe(REGRESSION_RULES.defaultThresholdPp);
  });
});

describe('run windows: the alert and digest RPCs read what the core rules use', () => {
  it('up to maxBaselineRuns earlier runs for regressions (of the default branch below minBaselineRuns of its own), TREND_RULES.runs runs for trends', async () => {
    const rows = await sql<{ name: string; body: string }>(
      `select p.proname as name, p.prosrc as body from pg_proc p join pg_namespace n on n.oid = p.pronamespace
       where n.nspname = 'public' and p.proname in ('alert_run_context', 'digest_week') order by 1`,
    );
    const limits = Object.fromEntries(rows.map((r) => [r.name, [...r.body.matchAll(/\blimit (\d+)/g)].map((m) => Number(m[1]))]));
    const { maxBaselineRuns, minBaselineRuns } = REGRESSION_RULES;
    expect(limits).toEqual({
      // A branch with fewer than minBaselineRuns earlier runs takes the default branch's history.
      alert_run_context: [minBaselineRuns, maxBaselineRuns],
      digest_week: [maxBaselineRuns, TREND_RULES.runs, TREND_RULES.runs],
    });
  });
});
