/**
 * What the answer readers' tests share (document-rollup.int.test.ts, answer-groups-daily.int.test.ts):
 * varied result documents, the readers' old formulas over the documents, and a way to run SQL as
 * a member.
 */
import type { StandardEvalResultInput } from '@gstack/core';
import { signedInClient, sql, stackInfo } from '@gstack/local-stack/testing';
import type { SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import { expect } from 'vitest';
import { prng } from '../../scripts/demo/prng.ts';

/** The 30 days before now, as the readers' default period; `$1` is the team. */
export const LAST_30_DAYS = 'r.run_at >= now() - make_interval(days => 30)';
/**
 * team_answers as it was (20261206110000_answer_reviews.sql): every answer of the period (an SQL
 * condition on the run `r`), from the documents.
 */
export const OLD_TEAM_ANSWERS = (chars: number, period = LAST_30_DAYS) => `
  select r.id as run_id, r.run_at, r.repo_slug, r.suite, t ->> 'name' as test_name, coalesce((t ->> 'trial')::integer, 1) as trial,
         (a ->> 'attempt')::integer as attempt, a ->> 'tier' as tier, a ->> 'model' as model, a ->> 'verdict' as verdict,
         coalesce((a ->> 'self_certified')::boolean, false) as self_certified,
         a -> 'verifier' ->> 'model' as verifier_model, (a -> 'verifier' ->> 'accept')::boolean as verifier_accept,
         coalesce(jsonb_typeof(a -> 'verifier') = 'object' and (
           coalesce((a -> 'verifier' ->> 'error')::boolean, false)
           or (not coalesce((a -> 'verifier' ->> 'audit')::boolean, false) and coalesce(a ->> 'feedback', '') like 'verifier error:%')
         ), false) as verifier_error,
         coalesce((a -> 'verifier' ->> 'audit')::boolean, false) as audit,
         coalesce((a -> 'verifier' ->> 'cost_usd')::numeric, 0) as verifier_cost_usd,
         coalesce(
           (a ->> 'assertions_passed')::boolean,
           case when a ->> 'verdict' = 'accept' then (
             select bool_and((x ->> 'passed')::boolean) from jsonb_array_elements(coalesce(t -> 'assertions', '[]'::jsonb)) x
             where x ->> 'type' <> 'judge'
           ) end
         ) as assertions_passed,
         left(coalesce(a ->> 'answer', case when a ->> 'verdict' = 'accept' then t ->> 'output' end), ${chars}) as answer,
         char_length(coalesce(a ->> 'answer', case when a ->> 'verdict' = 'accept' then t ->> 'output' end)) as answer_length,
         coalesce(rv.correct, 0) as reviews_correct, coalesce(rv.incorrect, 0) as reviews_incorrect, coalesce(rv.mine, false) as my_review
  from public.eval_runs r
  cross join lateral jsonb_array_elements(coalesce(r.result -> 'all_results', '[]'::jsonb)) t
  cross join lateral jsonb_array_elements(coalesce(t -> 'attempts', '[]'::jsonb)) a
  left join lateral (
    select count(*) filter (where v.correct) as correct, count(*) filter (where not v.correct) as incorrect,
           bool_or(v.reviewer = (select auth.uid())) as mine
    from public.answer_reviews v
    where v.run_id = r.id and v.test_name = t ->> 'name' and v.trial = coalesce((t ->> 'trial')::integer, 1)
      and v.attempt = (a ->> 'attempt')::integer
  ) rv on true
  where r.team_id = $1 and ${period}
    and a ->> 'verdict' <> 'error'`;

/** verifier_outcomes as it was, over the documents. */
export const OLD_VERIFIER_OUTCOMES = (period = LAST_30_DAYS) => `
  select a.repo_slug, a.suite, a.verifier_model, a.verifier_accept as accepted, a.assertions_passed, a.audit, a.verifier_error,
         a.reviews_correct, a.reviews_incorrect, count(*) as decisions, sum(a.verifier_cost_usd) as cost_usd
  from (${OLD_TEAM_ANSWERS(0, period)}) a
  where a.verifier_model is not null
  group by 1, 2, 3, 4, 5, 6, 7, 8, 9
  order by 1, 2, 3, 4, 5, 6, 7, 8, 9`;

/** review_queue as it was, over the documents. */
export const OLD_REVIEW_QUEUE = (limit: number, period = LAST_30_DAYS) => `
  with open as (
    select a.*,
           case
             when a.reviews_correct > 0 and a.reviews_correct = a.reviews_incorrect then 1
             when a.verifier_model is not null and not a.verifier_error
                  and a.assertions_passed is not null and a.verifier_accept <> a.assertions_passed then 1
             when a.verifier_model is not null and (a.verifier_error or a.assertions_passed is null) then 2
             when a.verifier_model is not null then 3
             else 4
           end as priority
    from (${OLD_TEAM_ANSWERS(2000, period)}) a
    where not a.my_review and a.answer is not null
  )
  select o.run_id, o.run_at, o.repo_slug, o.suite, o.test_name, o.trial, o.attempt, o.tier, o.model, o.verdict,
         o.self_certified, o.verifier_model, o.verifier_accept, o.verifier_error, o.audit, o.assertions_passed, o.answer,
         o.answer_length, o.reviews_correct, o.reviews_incorrect, o.priority, count(*) over () as waiting,
         count(*) over (partition by o.priority) as waiting_in_priority
  from open o
  order by o.priority, o.run_at desc, o.test_name, o.trial, o.attempt
  limit ${limit}`;

const HAIKU = 'anthropic/claude-haiku-4-5';

/** A run of `tests` tests whose ladders vary with `seed`: every shape of verifier, judge and attempt the readers distinguish. */
export function variedDoc(seed: number, minutesAgo: number, suite: string): StandardEvalResultInput {
  const r = prng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const results = Array.from({ length: 12 }, (_, i) => {
    const verifier = pick([
      null,
      { model: HAIKU, cached: false, cost_usd: 0.0003, accept: true },
      { model: HAIKU, cached: false, cost_usd: 0.0003, accept: false, feedback: 'Hedged.' },
      { model: HAIKU, cached: true, cost_usd: 0, accept: true, saved_usd: 0.0003 },
      { model: HAIKU, cached: true, cost_usd: 0, accept: false },
      { model: 'local/verifier-7b', cached: false, cost_usd: 0, accept: true, audit: true },
      { model: HAIKU, cached: false, cost_usd: 0.0003, accept: false, error: true },
      // Written before the error flag: the ladder's words say so.
      { model: HAIKU, cached: false, cost_usd: 0.0003, accept: false, legacyError: true },
    ]);
    const accepted = verifier === null ? r() < 0.7 : verifier.accept;
    const assertions = pick([
      [],
      [{ type: 'contains', passed: r() < 0.7 }],
      [
        { type: 'judge', passed: true },
        { type: 'regex', passed: r() < 0.5 },
      ],
    ]);
    const firstVerdict = r() < 0.08 ? ('error' as const) : accepted ? ('accept' as const) : ('escalate' as const);
    const { legacyError, ...v } = (verifier ?? {}) as Record<string, unknown>;
    const first = {
      attempt: 1,
      model: 'local/qwen',
      tier: 't1',
      duration_ms: 100,
      verdict: firstVerdict,
      feedback: legacyError ? 'verifier error: timed out' : firstVerdict === 'accept' ? null : 'Not good enough.',
      cost_usd: 0,
      verifier: verifier ? (v as { model: string; cached: boolean; cost_usd: number; accept: boolean }) : null,
      answer: firstVerdict === 'escalate' ? `rejected answer ${seed}-${i}` : null,
      assertions_passed: firstVerdict === 'accept' ? pick([null, true, false]) : pick([null, r() < 0.5]),
      self_certified: verifier === null && firstVerdict === 'accept',
    };
    const second = {
      attempt: 2,
      model: 'anthropic/claude-sonnet-4-6',
      tier: 't2',
      duration_ms: 800,
      verdict: 'accept' as const,
      self_certified: true,
      cost_usd: 0.002,
      verifier: r() < 0.3 ? { model: HAIKU, cached: r() < 0.5, cost_usd: 0.0003, accept: true, audit: true } : null,
    };
    return {
      name: `test-${i}`,
      trial: i % 5 === 0 ? 2 : 1,
      passed: r() < 0.8,
      output: r() < 0.9 ? `the answer to ${i} in run ${seed}` : null,
      assertions,
      judge:
        i % 3 === 0
          ? [
              {
                rubric: 'right?',
                model: HAIKU,
                pass: true,
                score: 1,
                reason: 'ok',
                cached: r() < 0.5,
                cost_usd: 0,
                saved_usd: pick([null, 0.0002]),
              },
            ]
          : [],
      attempts: firstVerdict === 'accept' ? [first] : [first, second],
    };
  });
  return {
    schema_version: 2,
    version: '0.1.0',
    run_id: `varied-${seed}`,
    suite,
    tier: 'ladder',
    repo_slug: seed % 2 ? 'acme/app' : 'acme/api',
    git: { branch: 'main', sha: null },
    hostname: 'test-host',
    timestamp: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
    prompt_sha: 'f'.repeat(64),
    duration_ms: 1000,
    totals: { tests: 12, passed: 10, failed: 2, skipped: 0, errors: 0 },
    pass_rate: 83.33,
    cost_usd: 0.01,
    judge_cost_usd: 0,
    cost_exact: seed % 3 === 0,
    interrupted: seed % 4 === 0,
    costs: [
      { model: 'local/qwen', purpose: 'system', calls: 12, cost_usd: 0, exact: true },
      { model: 'anthropic/claude-sonnet-4-6', purpose: 'system', calls: 4, cost_usd: 0.008, exact: false },
      { model: HAIKU, purpose: 'judge', calls: 9, cost_usd: 0.002, exact: false },
    ],
    by_category: {},
    all_results: results,
  };
}

/** Rows of `query` run as the member (RLS and auth.uid() apply), as JSON for comparison. */
export async function asMember(memberId: string, query: string, params: unknown[]): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: stackInfo().dbUrl });
  await client.connect();
  try {
    await client.query('begin');
    await client.query("select set_config('request.jwt.claims', $1, true)", [JSON.stringify({ sub: memberId, role: 'authenticated' })]);
    await client.query('set local role authenticated');
    const { rows } = await client.query(query, params);
    await client.query('rollback');
    return JSON.parse(JSON.stringify(rows));
  } finally {
    await client.end();
  }
}

/** Numbers as numbers (numeric comes back as text with its scale), so 0.0030 and 0.003 compare equal. */
export function normal(rows: unknown[]): unknown[] {
  return JSON.parse(JSON.stringify(rows), (_, v) => (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v));
}

/**
 * Reviews every `every`-th answer (not in error) of the runs `runKeys`, newest first: the member
 * alternates correct and incorrect; someone else reviews one in three of those too, tying some;
 * and of one in five only the other person's review is kept.
 */
export async function reviewAnswers(
  member: SupabaseClient,
  memberId: string,
  team: string,
  runKeys: string[],
  every: number,
): Promise<void> {
  const { userId: otherReviewer } = await signedInClient();
  const answers = (
    await sql<{ run_id: string; test_name: string; trial: number; attempt: number }>(
      `select a.run_id, a.test_name, a.trial, a.attempt from public.eval_attempts a join public.eval_runs r on r.id = a.run_id
       where r.team_id = $1 and r.run_key = any ($2) and a.verdict <> 'error' order by r.run_at desc, a.test_name, a.trial, a.attempt`,
      [team, runKeys],
    )
  ).filter((_, i) => i % every === 0);
  for (const [i, a] of answers.entries()) {
    const { error } = await member.rpc('review_answer', {
      p_team_id: team,
      p_run_id: a.run_id,
      p_test_name: a.test_name,
      p_trial: a.trial,
      p_attempt: a.attempt,
      p_correct: i % 2 === 0,
    });
    expect(error).toBeNull();
    if (i % 3 === 0)
      await sql(
        'insert into public.answer_reviews (team_id, run_id, test_name, trial, attempt, reviewer, correct) values ($1, $2, $3, $4, $5, $6, $7)',
        [team, a.run_id, a.test_name, a.trial, a.attempt, otherReviewer, i % 2 !== 0],
      );
    // An answer only the other person reviewed.
    if (i % 5 === 1)
      await sql(
        'delete from public.answer_reviews where run_id = $1 and test_name = $2 and trial = $3 and attempt = $4 and reviewer = $5',
        [a.run_id, a.test_name, a.trial, a.attempt, memberId],
      );
  }
}
