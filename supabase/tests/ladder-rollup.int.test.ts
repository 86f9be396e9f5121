/**
 * ladder_spend reads the per-run rollups (eval_runs.tier_stats, eval_runs.attempt_stats) instead
 * of every result and attempt of the window (20261123130000_ladder_rollup.sql). Varied runs pushed
 * through push_eval_run (trials, skipped tests, results and attempts without a tier, errors, two
 * repos, a run outside the window, a second team): the answer equals the old formula over the
 * rows, also after an admin deletes attempts, and the migration's backfill rebuilds the rollup
 * of runs written without it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTeam, pushRun, signedInClient, sql } from '@gstack/local-stack/testing';
import type { SupabaseClient } from '@supabase/supabase-js';
import { beforeAll, describe, expect, it } from 'vitest';

const MIGRATION = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../migrations/20261123130000_ladder_rollup.sql');

/** ladder_spend as it was (20261122140000_dashboard_insights.sql): every result and attempt of the window. */
const OLD_LADDER_SPEND = `
  with runs as (
    select r.id, r.repo_slug, r.suite from public.eval_runs r
    where r.team_id = $1 and r.run_at >= now() - make_interval(days => $2)
  ),
  results as (
    select r.repo_slug, r.suite, e.resolved_tier
    from runs r
    cross join lateral (select x.resolved_tier from public.eval_results x where x.run_id = r.id and not x.skipped offset 0) e
  ),
  tests as (select repo_slug, suite, count(*) as n from results group by 1, 2),
  attempts as (
    select r.repo_slug, r.suite, coalesce(a.tier, '?') as tier, count(*) as n, sum(a.cost_usd) as cost
    from runs r
    cross join lateral (select x.tier, x.cost_usd from public.eval_attempts x where x.run_id = r.id offset 0) a
    group by 1, 2, 3
  ),
  resolved as (
    select repo_slug, suite, resolved_tier as tier, count(*) as n from results
    where resolved_tier is not null group by 1, 2, 3
  )
  select a.repo_slug, a.suite, coalesce(t.n, 0) as tests, a.tier, a.n as attempts, a.cost as cost_usd, coalesce(v.n, 0) as resolved
  from attempts a
  left join tests t on t.repo_slug = a.repo_slug and t.suite = a.suite
  left join resolved v on v.repo_slug = a.repo_slug and v.suite = a.suite and v.tier = a.tier
  order by a.repo_slug, a.suite, a.tier`;

type Row = { repo_slug: string; suite: string; tests: number; tier: string; attempts: number; cost_usd: number; resolved: number };

/** Rows with numbers as numbers (pg gives bigint and numeric as strings, PostgREST as JSON numbers). */
function normalize(rows: Array<Record<string, unknown>>): Row[] {
  return rows.map((r) => ({
    repo_slug: String(r.repo_slug),
    suite: String(r.suite),
    tests: Number(r.tests),
    tier: String(r.tier),
    attempts: Number(r.attempts),
    cost_usd: Number(r.cost_usd),
    resolved: Number(r.resolved),
  }));
}

const TIERS = ['local', 'haiku', 'opus', null] as const;

/** Run i's payload: a varied mix of outcomes, derived from i so the data is the same every time. */
function payload(i: number, suite: string, repo: string, daysAgo: number) {
  const results: Array<Record<string, unknown>> = [];
  const attempts: Array<Record<string, unknown>> = [];
  for (let t = 0; t < 6 + (i % 4); t++) {
    for (let trial = 1; trial <= (t % 3 === 0 ? 2 : 1); trial++) {
      const skipped = (t + i) % 7 === 0;
      const climb = skipped ? 0 : 1 + ((t * 3 + i + trial) % 3);
      const resolved = climb === 0 || (t + i) % 5 === 0 ? null : TIERS[climb - 1];
      results.push({
        test_name: `test-${t}`,
        trial,
        passed: (t + i) % 4 !== 0,
        skipped,
        resolved_tier: resolved,
        cost_usd: 0.000125 * climb,
      });
      for (let a = 1; a <= climb; a++) {
        attempts.push({
          test_name: `test-${t}`,
          trial,
          attempt: a,
          model: `model-${a}`,
          // An attempt without a tier (the ladder's "?") now and then.
          tier: (t + a + i) % 9 === 0 ? null : TIERS[a - 1],
          verdict: a < climb ? 'escalate' : (t + i) % 6 === 0 ? 'error' : 'accept',
          cost_usd: Number((0.001 * a + 0.000001 * ((i * 7 + t) % 13)).toFixed(6)),
        });
      }
    }
  }
  const ran = results.filter((r) => !r.skipped);
  return {
    run: {
      run_key: `rollup-${i}`,
      repo_slug: repo,
      suite,
      run_at: new Date(Date.now() - daysAgo * 86_400_000).toISOString(),
      total_tests: results.length,
      passed: ran.filter((r) => r.passed).length,
      failed: ran.filter((r) => !r.passed).length,
      skipped: results.length - ran.length,
    },
    results,
    attempts,
    costs: [],
  };
}

let member: SupabaseClient;
let team: string;

async function compare(teamId: string): Promise<Row[]> {
  const { data, error } = await member.rpc('ladder_spend', { p_team_id: teamId, p_days: 30 });
  expect(error).toBeNull();
  const old = normalize(await sql(OLD_LADDER_SPEND, [teamId, 30]));
  expect(normalize(data ?? [])).toEqual(old);
  return old;
}

beforeAll(async () => {
  ({ client: member } = await signedInClient());
  team = await createTeam(member, 'roll');
  const suites = [
    ['acme/app', 'ladder'],
    ['acme/app', 'smoke'],
    ['acme/api', 'ladder'],
  ] as const;
  for (let i = 0; i < 12; i++) {
    const [repo, suite] = suites[i % suites.length] as (typeof suites)[number];
    await pushRun(member, team, payload(i, suite, repo, i === 11 ? 40 : i));
  }
  // Another team's runs in the same suites must not count.
  const { client: other } = await signedInClient();
  const otherTeam = await createTeam(other, 'other');
  for (let i = 20; i < 23; i++) await pushRun(other, otherTeam, payload(i, 'ladder', 'acme/app', 1));
});

describe('ladder_spend from the per-run rollups', () => {
  it('answers exactly what the old formula over every result and attempt answered', async () => {
    const rows = await compare(team);
    // Not a vacuous comparison: both repos' suites, every tier, the untiered "?", costs with six decimals.
    expect(new Set(rows.map((r) => `${r.repo_slug}/${r.suite}`))).toEqual(
      new Set(['acme/app/ladder', 'acme/app/smoke', 'acme/api/ladder']),
    );
    expect(new Set(rows.map((r) => r.tier))).toEqual(new Set(['local', 'haiku', 'opus', '?']));
    expect(rows.some((r) => r.resolved > 0 && r.resolved < r.tests)).toBe(true);
    expect(rows.some((r) => Math.round(r.cost_usd * 1e6) % 1000 !== 0)).toBe(true);
  });

  it('push writes the rollup: attempts and their cost per attempt tier', async () => {
    const [run] = await sql<{ attempt_stats: Record<string, { attempts: number; cost_usd: number }> }>(
      `select attempt_stats from public.eval_runs where team_id = $1 and run_key = 'rollup-0'`,
      [team],
    );
    const attempts = payload(0, 'ladder', 'acme/app', 0).attempts;
    const expected: Record<string, { attempts: number; cost_usd: number }> = {};
    for (const a of attempts) {
      const tier = (a.tier as string | null) ?? '?';
      const entry = expected[tier] ?? { attempts: 0, cost_usd: 0 };
      expected[tier] = { attempts: entry.attempts + 1, cost_usd: Number((entry.cost_usd + (a.cost_usd as number)).toFixed(6)) };
    }
    expect(run?.attempt_stats).toEqual(expected);
  });

  it('stays right when an admin deletes attempts', async () => {
    const [run] = await sql<{ id: string }>(`select id from public.eval_runs where team_id = $1 and run_key = 'rollup-3'`, [team]);
    const deleted = await member.from('eval_attempts').delete().eq('run_id', run?.id).eq('tier', 'haiku').select('attempt');
    expect(deleted.error).toBeNull();
    expect(deleted.data?.length).toBeGreaterThan(0);
    const [after] = await sql<{ attempt_stats: Record<string, unknown> }>('select attempt_stats from public.eval_runs where id = $1', [
      run?.id,
    ]);
    expect(Object.keys(after?.attempt_stats ?? {})).not.toContain('haiku');
    await compare(team);
  });

  it("the migration's backfill rebuilds the rollup of runs written without it", async () => {
    const before = await compare(team);
    await sql('update public.eval_runs set attempt_stats = $2 where team_id = $1', [team, {}]);
    const { data: emptied } = await member.rpc('ladder_spend', { p_team_id: team, p_days: 30 });
    expect(emptied).toEqual([]);
    const backfill = /-- Backfill[^\n]*\n(update [^;]+;)/.exec(readFileSync(MIGRATION, 'utf8'))?.[1];
    expect(backfill).toBeDefined();
    await sql(backfill as string);
    expect(await compare(team)).toEqual(before);
  });
});
