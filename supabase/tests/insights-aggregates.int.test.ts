/**
 * The part 2 aggregates at the SQL level: the ladder fixture of the dashboard's
 * browser test pushed through push_eval_run, then ladder_spend and
 * verifier_decisions turned into numbers by core's rules, equal to the
 * hand-computed ones (the page shows the same); an outsider gets nothing.
 */
import { ladderSavings, standardEvalResultSchema, toRunPayload, verifierQuality } from '@gstack/core';
import { createTeam, pushRun, signedInClient } from '@gstack/local-stack/testing';
import type { SupabaseClient } from '@supabase/supabase-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { ladderDocs } from '../../apps/dashboard/test/insights-fixtures.ts';

let member: SupabaseClient;
let outsider: SupabaseClient;
let team: string;

beforeAll(async () => {
  ({ client: member } = await signedInClient());
  ({ client: outsider } = await signedInClient());
  team = await createTeam(member, 'ins');
  for (const doc of ladderDocs()) await pushRun(member, team, toRunPayload(standardEvalResultSchema.parse(doc)));
});

describe('insights aggregates', () => {
  it('ladder_spend gives core what it needs for the hand-computed savings', async () => {
    const { data, error } = await member.rpc('ladder_spend', { p_team_id: team, p_days: 30 });
    expect(error).toBeNull();
    const rows = (data ?? []) as Array<{
      suite: string;
      tests: number;
      tier: string;
      attempts: number;
      cost_usd: number;
      resolved: number;
    }>;
    const of = (suite: string) => rows.filter((r) => r.suite === suite);
    expect(of('ladder').map((r) => [r.tier, r.attempts, Number(r.cost_usd), r.resolved, r.tests])).toEqual([
      ['t1', 5, 0.005, 3, 5],
      ['t2', 2, 0.04, 2, 5],
    ]);
    const savings = (suite: string) =>
      ladderSavings(
        Number(of(suite)[0]?.tests),
        of(suite).map((r) => ({ tier: r.tier, attempts: r.attempts, costUsd: Number(r.cost_usd) })),
      );
    expect([savings('ladder').actualUsd, savings('ladder').savedUsd, savings('ladder').savedPercent]).toEqual([0.045, 0.055, 55]);
    expect([savings('judged-only').actualUsd, savings('judged-only').savedUsd, savings('judged-only').savedPercent]).toEqual([
      0.022, 0.018, 45,
    ]);
  });

  it('verifier_decisions gives core what it needs for the hand-computed false accepts and rejects', async () => {
    const { data, error } = await member.rpc('verifier_decisions', { p_team_id: team, p_days: 30 });
    expect(error).toBeNull();
    const rows = (data ?? []) as Array<{ verifier_model: string; accepted: boolean; assertions_passed: boolean | null; decisions: number }>;
    const quality = (model: string) =>
      verifierQuality(
        rows
          .filter((r) => r.verifier_model === model)
          .map((r) => ({ accepted: r.accepted, assertionsPassed: r.assertions_passed, count: r.decisions })),
      );
    expect(quality('anthropic/claude-haiku-4-5')).toEqual({
      decisions: 5,
      accepts: 3,
      rejects: 2,
      falseAccepts: 1,
      falseRejects: 1,
      unknown: 2,
      falseAcceptRate: 50,
      falseRejectRate: 100,
    });
    const local = quality('local/verifier-7b');
    expect([local.decisions, local.unknown, local.falseAcceptRate, local.falseRejectRate]).toEqual([2, 2, null, null]);
  });

  it('gives an outsider nothing', async () => {
    for (const name of ['ladder_spend', 'verifier_decisions', 'leaderboard_runs', 'suite_run_series'] as const) {
      const { data, error } = await outsider.rpc(name, { p_team_id: team });
      expect(error, name).toBeNull();
      expect(data, name).toEqual([]);
    }
    const leaders = await outsider.rpc('cost_leaders', { p_team_id: team });
    expect(leaders.data).toEqual({ suites: [], tests: [] });
  });
});
