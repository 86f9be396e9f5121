/**
 * The part 2 aggregates at the SQL level: the ladder fixture of the dashboard's
 * browser test pushed through push_eval_run, then ladder_spend and
 * verifier_outcomes turned into numbers by core's rules, equal to the
 * hand-computed ones (the page shows the same), before and after reviews;
 * the review queue's order; an outsider can neither read nor write reviews.
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

  it('verifier_outcomes gives core the hand-computed decisions against the assertions, and people once they review', async () => {
    const outcomes = async () => {
      const { data, error } = await member.rpc('verifier_outcomes', { p_team_id: team, p_days: 30 });
      expect(error).toBeNull();
      return (data ?? []) as Array<{
        verifier_model: string;
        accepted: boolean;
        assertions_passed: boolean | null;
        audit: boolean;
        verifier_error: boolean;
        reviews_correct: number;
        reviews_incorrect: number;
        decisions: number;
      }>;
    };
    const quality = (rows: Awaited<ReturnType<typeof outcomes>>, model: string) =>
      verifierQuality(
        rows
          .filter((r) => r.verifier_model === model && !r.verifier_error)
          .map((r) => ({
            accepted: r.accepted,
            assertionsPassed: r.assertions_passed,
            audit: r.audit,
            reviewsCorrect: Number(r.reviews_correct),
            reviewsIncorrect: Number(r.reviews_incorrect),
            count: Number(r.decisions),
          })),
      );
    // Haiku: 5 decisions, 3 accepts. Assertions: right = a (accepted), c (rejected); wrong = b (accepted).
    let haiku = quality(await outcomes(), 'anthropic/claude-haiku-4-5');
    expect([haiku.decisions, haiku.accepts, haiku.rejects, haiku.reviewed]).toEqual([5, 3, 2, 0]);
    expect(haiku.assertions).toMatchObject({ labelled: 3, right: 2, wrong: 1 });
    expect([haiku.assertions.falseAccepts.count, haiku.assertions.falseAccepts.of]).toEqual([1, 1]);
    expect([haiku.assertions.falseRejects.count, haiku.assertions.falseRejects.of]).toEqual([1, 2]);
    expect(haiku.people.labelled).toBe(0);
    const local = quality(await outcomes(), 'local/verifier-7b');
    expect([local.decisions, local.assertions.labelled]).toEqual([2, 0]);

    // Reviews: the member calls d's rejected t1 answer correct (a false reject) and e's accepted one incorrect (a false accept).
    const runId = (await member.from('eval_runs').select('id').eq('team_id', team).eq('suite', 'ladder').single()).data?.id as string;
    for (const [test, correct] of [
      ['d-reject-unknown', true],
      ['e-accept-unknown', false],
    ] as const) {
      const { error } = await member.rpc('review_answer', {
        p_team_id: team,
        p_run_id: runId,
        p_test_name: test,
        p_trial: 1,
        p_attempt: 1,
        p_correct: correct,
        p_note: 'checked by hand',
      });
      expect(error).toBeNull();
    }
    // A second call changes the review rather than adding one.
    expect(
      (
        await member.rpc('review_answer', {
          p_team_id: team,
          p_run_id: runId,
          p_test_name: 'e-accept-unknown',
          p_trial: 1,
          p_attempt: 1,
          p_correct: false,
          p_note: 'still wrong',
        })
      ).error,
    ).toBeNull();
    haiku = quality(await outcomes(), 'anthropic/claude-haiku-4-5');
    expect([haiku.reviewed, haiku.people.labelled, haiku.people.right, haiku.people.wrong]).toEqual([2, 2, 1, 1]);
    expect([haiku.people.agreement.count, haiku.people.falseAccepts.count, haiku.people.falseRejects.count]).toEqual([0, 1, 1]);
    const reviews = await member.from('answer_reviews').select('test_name, correct, note').eq('run_id', runId).order('test_name');
    expect(reviews.data).toEqual([
      { test_name: 'd-reject-unknown', correct: true, note: 'checked by hand' },
      { test_name: 'e-accept-unknown', correct: false, note: 'still wrong' },
    ]);

    // Another team's member can neither write a review of this team's answer nor read one.
    const written = await outsider.rpc('review_answer', {
      p_team_id: team,
      p_run_id: runId,
      p_test_name: 'a-true-accept',
      p_trial: 1,
      p_attempt: 1,
      p_correct: false,
    });
    expect(written.error?.code).toBe('42501');
    expect((await outsider.from('answer_reviews').select('*').eq('run_id', runId)).data).toEqual([]);
    expect((await outsider.rpc('review_queue', { p_team_id: team })).data).toEqual([]);
  });

  it('review_queue offers unreviewed answers, disagreements and uncertain verdicts first', async () => {
    const { data, error } = await member.rpc('review_queue', { p_team_id: team, p_days: 30, p_limit: 50 });
    expect(error).toBeNull();
    const rows = (data ?? []) as Array<{ suite: string; test_name: string; attempt: number; priority: number; waiting: number }>;
    const key = (r: (typeof rows)[number]) => `${r.suite}/${r.test_name}#${r.attempt}:${r.priority}`;
    // Disagreements: b (accepted, assertions failed), c (rejected, assertions passed). Uncertain: the
    // judged-only suite's two decisions (d and e were reviewed above). Then a's accept; then the
    // self-certified t2 answers of c, d and y.
    expect(rows.map(key)).toEqual([
      'ladder/b-false-accept#1:1',
      'ladder/c-false-reject#1:1',
      'judged-only/x-accept-unknown#1:2',
      'judged-only/y-reject-unknown#1:2',
      'ladder/a-true-accept#1:3',
      'judged-only/y-reject-unknown#2:4',
      'ladder/c-false-reject#2:4',
      'ladder/d-reject-unknown#2:4',
    ]);
    expect(rows.every((r) => Number(r.waiting) === 8)).toBe(true);
    // Each answer with its full length (the page marks a cut); an accepted attempt's answer is the test's output.
    const full = (data ?? []) as Array<{ answer: string; answer_length: number }>;
    expect(full.every((r) => r.answer.length > 0 && r.answer_length === r.answer.length)).toBe(true);
    const first = await member.rpc('review_queue', { p_team_id: team, p_days: 30, p_limit: 1 });
    expect((first.data ?? []).map((r: { answer: string }) => r.answer)).toEqual(['answer to b-false-accept']);
  });

  it('gives an outsider nothing', async () => {
    for (const name of ['ladder_spend', 'verifier_outcomes', 'leaderboard_runs', 'suite_run_series', 'team_answers'] as const) {
      const { data, error } = await outsider.rpc(name, { p_team_id: team });
      expect(error, name).toBeNull();
      expect(data, name).toEqual([]);
    }
    const leaders = await outsider.rpc('cost_leaders', { p_team_id: team });
    expect(leaders.data).toEqual({ suites: [], tests: [] });
  });
});
