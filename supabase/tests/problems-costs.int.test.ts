/**
 * The SQL behind the Problems page and the Costs page's period and cache
 * savings, pushed through push_eval_run and checked against hand-computed
 * numbers: problem_history's outcomes per test (branch and repo filters),
 * fed to core's problemTests; cost_series' buckets (every day of a 7-day
 * period, zero where nothing ran; nothing from before it); judge_cache_savings'
 * hits and what they cost when first paid. An outsider gets nothing.
 */
import { problemTests, type RunOutcome, standardEvalResultSchema, toRunPayload } from '@gstack/core';
import { createTeam, pushRun, signedInClient } from '@gstack/local-stack/testing';
import type { SupabaseClient } from '@supabase/supabase-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { resultDoc } from '../../apps/dashboard/test/fixtures.ts';

const DAY = 1440;
let member: SupabaseClient;
let outsider: SupabaseClient;
let team: string;
const ids: string[] = [];

beforeAll(async () => {
  ({ client: member } = await signedInClient());
  ({ client: outsider } = await signedInClient());
  team = await createTeam(member, 'p21');
  // Suite "s" on main, oldest first: t passes, passes, fails, fails; u fails throughout. $0.10 a run.
  const outcomes = [true, true, false, false];
  for (const [i, passed] of outcomes.entries()) {
    const doc = resultDoc({
      suite: 's',
      minutesAgo: (3 - i) * DAY + 30,
      tests: [
        { name: 't', passed, cost: 0.05 },
        { name: 'u', passed: false, cost: 0.05 },
      ],
    });
    ids.push(await pushRun(member, team, toRunPayload(standardEvalResultSchema.parse(doc))));
  }
  // A feature-branch run of "s" (t passes), a run in another repo, and one 40 days ago ($5).
  const feature = resultDoc({ suite: 's', branch: 'feature/x', minutesAgo: 10, tests: [{ name: 't', passed: true, cost: 0 }] });
  const other = resultDoc({ suite: 'o', repo: 'other', minutesAgo: 10, tests: [{ name: 'v', passed: false, cost: 0 }] });
  const old = resultDoc({ suite: 'old', minutesAgo: 40 * DAY, tests: [{ name: 'w', passed: true, cost: 5 }] });
  // Cached verdicts: a judge hit first paid $0.004, a verifier hit first paid $0.001, a hit without its cost.
  const cached = resultDoc({
    suite: 'c',
    minutesAgo: 5,
    tests: [
      { name: 'a', passed: true, cost: 0 },
      { name: 'b', passed: true, cost: 0 },
    ],
  });
  const judge = { rubric: 'r', model: 'm/j', pass: true, score: 1, reason: null, cached: true, cost_usd: 0 };
  const [a, b] = cached.all_results as Array<(typeof cached.all_results)[number]>;
  if (a && b) {
    a.judge = [
      { ...judge, saved_usd: 0.004 },
      { ...judge, cached: false, cost_usd: 0.004 },
    ];
    b.judge = [judge];
    const attempt = a.attempts?.[0];
    if (attempt) attempt.verifier = { model: 'm/v', cached: true, cost_usd: 0, accept: true, saved_usd: 0.001 };
  }
  for (const doc of [feature, other, old, cached]) await pushRun(member, team, toRunPayload(standardEvalResultSchema.parse(doc)));
});

describe('problem_history', () => {
  it("gives each test's outcomes with their runs, and core dates the problems (hand-computed)", async () => {
    const { data, error } = await member.rpc('problem_history', { p_team_id: team, p_repo_slug: 'acme-app', p_branch: 'main' });
    expect(error).toBeNull();
    const rows = (data ?? []) as Array<{ suite: string; test_name: string; repo_slug: string; outcomes: RunOutcome[] }>;
    const s = rows.filter((r) => r.suite === 's');
    expect(s.map((r) => [r.test_name, r.outcomes.map((o) => o.passed)])).toEqual([
      ['t', [true, true, false, false]],
      ['u', [false, false, false, false]],
    ]);
    expect(s[0]?.outcomes.map((o) => o.run_id)).toEqual(ids);
    const problems = problemTests(s);
    // t: degrading since the third run; u: failing in every run read, since the first at least.
    expect(problems.map((p) => [p.test, p.kind, p.since.run_id, p.sinceAtLeast])).toEqual([
      ['u', 'failing', ids[0], true],
      ['t', 'degrading', ids[2], false],
    ]);
    // Every branch: the feature branch's newest run makes t pass again; other repos only without a repo filter.
    const all = await member.rpc('problem_history', { p_team_id: team });
    const allRows = (all.data ?? []) as Array<{ suite: string; test_name: string; repo_slug: string; outcomes: RunOutcome[] }>;
    expect(allRows.find((r) => r.test_name === 't')?.outcomes.map((o) => o.passed)).toEqual([true, true, false, false, true]);
    expect(allRows.some((r) => r.repo_slug === 'other')).toBe(true);
    expect((await outsider.rpc('problem_history', { p_team_id: team })).data).toEqual([]);
  });
});

describe('the Costs period', () => {
  it('cost_series: every day of 7 days, the spend on the days it happened, nothing older', async () => {
    const { data, error } = await member.rpc('cost_series', { p_team_id: team, p_days: 7 });
    expect(error).toBeNull();
    const rows = (data ?? []) as Array<{ bucket: string; days: number; runs: number; cost_usd: number }>;
    expect(rows).toHaveLength(8);
    expect(rows.every((r) => r.days === 1)).toBe(true);
    // s: 4 runs × $0.10 over the last four days, plus today's feature, other and cached runs at $0.
    expect(rows.reduce((a, r) => a + Number(r.cost_usd), 0)).toBeCloseTo(0.4, 6);
    expect(rows.reduce((a, r) => a + Number(r.runs), 0)).toBe(7);
    // 90 days: weeks, and the $5 run of 40 days ago is in.
    const ninety = ((await member.rpc('cost_series', { p_team_id: team, p_days: 90 })).data ?? []) as Array<{
      days: number;
      cost_usd: number;
    }>;
    expect(ninety.reduce((a, r) => a + r.days, 0)).toBe(91);
    expect(ninety.reduce((a, r) => a + Number(r.cost_usd), 0)).toBeCloseTo(5.4, 6);
    expect(
      (await outsider.rpc('cost_series', { p_team_id: team, p_days: 7 })).data?.every((r: { runs: number }) => Number(r.runs) === 0),
    ).toBe(true);
  });

  it('judge_cache_savings: hits, and what they cost when first paid', async () => {
    const { data, error } = await member.rpc('judge_cache_savings', { p_team_id: team, p_days: 30 });
    expect(error).toBeNull();
    expect(
      (data ?? []).map((r: { hits: number; hits_priced: number; saved_usd: number }) => [
        Number(r.hits),
        Number(r.hits_priced),
        Number(r.saved_usd),
      ]),
    ).toEqual([[3, 2, 0.005]]);
    const theirs = await outsider.rpc('judge_cache_savings', { p_team_id: team, p_days: 30 });
    expect(theirs.data?.map((r: { hits: number }) => Number(r.hits))).toEqual([0]);
  });
});
