/**
 * What the pages read from result documents comes from eval_runs.doc_stats, written when the run
 * is (20261207130000_document_rollup.sql). Varied documents pushed through push_eval_run (the
 * Escalation fixture's ladder, and generated ones: verifier verdicts, audits, failed verifier
 * calls with and without the flag, cached verdicts priced or not, judge-only tests, error
 * attempts, trials, a run outside the window, a second team), some answers reviewed by the
 * member and by someone else (a tie): verifier_outcomes, review_queue (several limits),
 * judge_cache_savings, digest_week's verifier section and the runs list's fields equal their old
 * formulas over the documents, as the member sees them; and the migration's backfill rebuilds the
 * rollup of runs written without it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { standardEvalResultSchema, toRunPayload } from '@gstack/core';
import { createTeam, pushRun, signedInClient, sql } from '@gstack/local-stack/testing';
import type { SupabaseClient } from '@supabase/supabase-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { ladderDocs } from '../../apps/dashboard/test/insights-fixtures.ts';
import {
  asMember,
  normal,
  OLD_REVIEW_QUEUE,
  OLD_TEAM_ANSWERS,
  OLD_VERIFIER_OUTCOMES,
  reviewAnswers,
  variedDoc,
} from './answer-fixtures.ts';

const MIGRATION = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../migrations/20261207130000_document_rollup.sql');

/** judge_cache_savings as it was (20261206110002_costs_period.sql). */
const OLD_JUDGE_CACHE_SAVINGS = `
  with verdicts as (
    select (j ->> 'cached')::boolean as cached, (j ->> 'saved_usd')::numeric as saved
    from public.eval_runs r
    cross join lateral jsonb_array_elements(coalesce(r.result -> 'all_results', '[]'::jsonb)) t
    cross join lateral jsonb_array_elements(coalesce(t -> 'judge', '[]'::jsonb)) j
    where r.team_id = $1 and r.run_at >= now() - make_interval(days => 30)
    union all
    select (a -> 'verifier' ->> 'cached')::boolean, (a -> 'verifier' ->> 'saved_usd')::numeric
    from public.eval_runs r
    cross join lateral jsonb_array_elements(coalesce(r.result -> 'all_results', '[]'::jsonb)) t
    cross join lateral jsonb_array_elements(coalesce(t -> 'attempts', '[]'::jsonb)) a
    where r.team_id = $1 and r.run_at >= now() - make_interval(days => 30)
      and jsonb_typeof(a -> 'verifier') = 'object'
  )
  select count(*) filter (where cached) as hits, count(*) filter (where cached and saved is not null) as hits_priced,
         coalesce(sum(saved) filter (where cached), 0) as saved_usd
  from verdicts`;

/** digest_week's verifier section as it was (20261206120022_alert_episodes.sql), for the week starting $2. */
const OLD_DIGEST_VERIFIER = `
  with week_runs as (
    select r.* from public.eval_runs r
    where r.team_id = $1 and r.run_at >= ($2::date::timestamp at time zone 'utc') and r.run_at < (($2::date + 7)::timestamp at time zone 'utc')
  ),
  verifier as (
    select a -> 'verifier' ->> 'model' as model, (a -> 'verifier' ->> 'accept')::boolean as accepted,
           coalesce(
             (a ->> 'assertions_passed')::boolean,
             case when (a -> 'verifier' ->> 'accept')::boolean and a ->> 'verdict' = 'accept' then (
               select bool_and((x ->> 'passed')::boolean) from jsonb_array_elements(coalesce(t -> 'assertions', '[]'::jsonb)) x
               where x ->> 'type' <> 'judge'
             ) end
           ) as assertions_passed,
           count(*) as decisions
    from week_runs r
    cross join lateral jsonb_array_elements(coalesce(r.result -> 'all_results', '[]'::jsonb)) t
    cross join lateral jsonb_array_elements(coalesce(t -> 'attempts', '[]'::jsonb)) a
    where jsonb_typeof(a -> 'verifier') = 'object'
    group by 1, 2, 3
  )
  select coalesce((select jsonb_agg(jsonb_build_object('model', v.model, 'accepted', v.accepted,
                                                       'assertions_passed', v.assertions_passed, 'decisions', v.decisions)
                                    order by v.model, v.accepted, v.assertions_passed) from verifier v), '[]'::jsonb) as verifier`;

/** The runs list's document fields as dashboard_run_row read them (20261206150000_runs_sort_and_models.sql). */
const OLD_RUN_FIELDS = `
  select r.id, coalesce((r.result ->> 'interrupted')::boolean, false) as interrupted,
         coalesce((r.result ->> 'cost_exact')::boolean, false) as cost_exact,
         coalesce((select jsonb_agg(distinct c ->> 'model')
                   from jsonb_array_elements(case when jsonb_typeof(r.result -> 'costs') = 'array' then r.result -> 'costs' else '[]'::jsonb end) c
                   where c ->> 'purpose' is distinct from 'judge' and c ->> 'model' is not null), '[]'::jsonb) as models
  from public.eval_runs r where r.team_id = $1 order by r.id`;
const NEW_RUN_FIELDS = `
  select (x ->> 'id')::uuid as id, (x ->> 'interrupted')::boolean as interrupted, (x ->> 'cost_exact')::boolean as cost_exact, x -> 'models' as models
  from (select public.dashboard_run_row(r) as x from public.eval_runs r where r.team_id = $1) s order by 1`;

let member: SupabaseClient;
let memberId: string;
let team: string;

beforeAll(async () => {
  ({ client: member, userId: memberId } = await signedInClient());
  team = await createTeam(member, 'docroll');
  const { client: outsider } = await signedInClient();
  const otherTeam = await createTeam(outsider, 'docroll-other');
  const docs = [
    ...ladderDocs(),
    ...Array.from({ length: 24 }, (_, i) => variedDoc(i + 1, 30 + i * 180, `suite-${i % 3}`)),
    // Outside the 30-day window.
    variedDoc(100, 31 * 24 * 60, 'suite-0'),
  ];
  for (const doc of docs) await pushRun(member, team, toRunPayload(standardEvalResultSchema.parse(doc)));
  await pushRun(outsider, otherTeam, toRunPayload(standardEvalResultSchema.parse(variedDoc(200, 10, 'suite-0'))));

  // Reviews, in every other run of the first 16: the member reviews some answers; someone else too, tying some.
  await reviewAnswers(
    member,
    memberId,
    team,
    Array.from({ length: 8 }, (_, i) => `varied-${2 * i + 1}`),
    4,
  );
}, 120_000);

describe('document rollup (eval_runs.doc_stats)', () => {
  it('the fixture has what the readers distinguish', async () => {
    const [mix] = await sql<{ reviewed: string; unreviewed: string; priorities: string; ties: string }>(
      `select (select count(distinct run_id) from public.answer_reviews where team_id = $1) as reviewed,
              (select count(*) from public.eval_runs r where r.team_id = $1
                 and not exists (select 1 from public.answer_reviews v where v.run_id = r.id)) as unreviewed,
              (select count(distinct priority) from public.review_queue($1, 30, 1000)) as priorities,
              (select count(*) from (select 1 from public.answer_reviews where team_id = $1
                 group by run_id, test_name, trial, attempt having count(*) filter (where correct) = count(*) filter (where not correct)) t) as ties`,
      [team],
    );
    expect(Number(mix?.reviewed)).toBeGreaterThan(3);
    expect(Number(mix?.unreviewed)).toBeGreaterThan(3);
    expect(Number(mix?.priorities)).toBe(4);
    expect(Number(mix?.ties)).toBeGreaterThan(0);
  });

  it('team_answers (now read through private.answers_of) equals its old formula', async () => {
    const order = 'order by run_id, test_name, trial, attempt';
    const old = normal(await asMember(memberId, `select * from (${OLD_TEAM_ANSWERS(4000)}) a ${order}`, [team]));
    expect(old.length).toBeGreaterThan(100);
    expect(normal(await asMember(memberId, `select * from public.team_answers($1, 30, 4000) ${order}`, [team]))).toEqual(old);
  });

  it('verifier_outcomes equals its old formula over the documents', async () => {
    const old = normal(await asMember(memberId, OLD_VERIFIER_OUTCOMES(), [team]));
    expect(old.length).toBeGreaterThan(10);
    expect(normal(await asMember(memberId, 'select * from public.verifier_outcomes($1, 30)', [team]))).toEqual(old);
  });

  it.each([1, 3, 20, 1000])('review_queue (limit %i) equals its old formula over the documents', async (limit) => {
    const old = normal(await asMember(memberId, OLD_REVIEW_QUEUE(limit), [team]));
    expect(old.length).toBe(Math.min(limit, Number((old[0] as { waiting: number }).waiting)));
    expect(normal(await asMember(memberId, `select * from public.review_queue($1, 30, ${limit})`, [team]))).toEqual(old);
  });

  it('judge_cache_savings equals its old formula over the documents', async () => {
    const old = normal(await asMember(memberId, OLD_JUDGE_CACHE_SAVINGS, [team]));
    expect((old[0] as { hits: number }).hits).toBeGreaterThan(0);
    expect(normal(await asMember(memberId, 'select * from public.judge_cache_savings($1, 30)', [team]))).toEqual(old);
  });

  it("digest_week's verifier section equals its old formula, this week and last", async () => {
    for (const week of ["date_trunc('week', now())::date", "(date_trunc('week', now()) - interval '7 days')::date"]) {
      const [{ start }] = (await sql<{ start: string }>(`select ${week}::text as start`)) as [{ start: string }];
      const old = normal(await asMember(memberId, OLD_DIGEST_VERIFIER, [team, start]));
      const now = normal(await asMember(memberId, `select public.digest_week($1, $2::date) -> 'verifier' as verifier`, [team, start]));
      expect(now).toEqual(old);
    }
  });

  it("the runs list's interrupted, cost_exact and models equal what it read from the documents", async () => {
    const old = normal(await asMember(memberId, OLD_RUN_FIELDS, [team]));
    expect(old.some((r) => (r as { interrupted: boolean }).interrupted)).toBe(true);
    expect(normal(await asMember(memberId, NEW_RUN_FIELDS, [team]))).toEqual(old);
  });

  it("the migration's backfill rebuilds the rollup of runs written without it", async () => {
    const before = await sql<{ id: string; doc_stats: unknown }>(
      'select id, doc_stats from public.eval_runs where team_id = $1 order by id',
      [team],
    );
    await sql(`update public.eval_runs set doc_stats = '{}' where team_id = $1`, [team]);
    const backfill = readFileSync(MIGRATION, 'utf8')
      .split('\n')
      .find((line) => line.startsWith('update public.eval_runs set doc_stats'));
    expect(backfill).toBeDefined();
    await sql(`${(backfill as string).replace(/;$/, '')} and team_id = $1`, [team]);
    expect(await sql('select id, doc_stats from public.eval_runs where team_id = $1 order by id', [team])).toEqual(before);
  });
});
