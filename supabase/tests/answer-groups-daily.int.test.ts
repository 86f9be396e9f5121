/**
 * The answer groups rolled up per team, UTC day, repo and suite (public.answer_groups_daily,
 * 20261208110000_answer_groups_daily.sql), and the readers that take whole days from it.
 *
 * Thirty varied runs five hours apart (six days, three suites, two repos) and eight more 15-20
 * days old, pushed through push_eval_run, some answers reviewed (ties too). The rollup always
 * equals its rebuild from the runs: after the pushes, after a run is deleted, after runs are
 * pruned (their groups move to what pruned_stats recorded) and after another team is deleted.
 * verifier_outcomes and review_queue equal their old formulas over the documents for periods
 * whose first and last days are partial (and hold runs), end at a midnight, or run to now; and
 * pruning leaves verifier_outcomes as it was.
 */
import { standardEvalResultSchema, toRunPayload } from '@gstack/core';
import { createTeam, pushRun, signedInClient, sql } from '@gstack/local-stack/testing';
import type { SupabaseClient } from '@supabase/supabase-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { asMember, normal, OLD_REVIEW_QUEUE, OLD_VERIFIER_OUTCOMES, reviewAnswers, variedDoc } from './answer-fixtures.ts';

let member: SupabaseClient;
let memberId: string;
let team: string;

const ROLLUP = `
  select day, repo_slug, suite, pruned, verifier_model, verifier_accept, assertions_passed, audit, verifier_error, with_answer,
         reviews_correct, reviews_incorrect, n, cost_usd
  from public.answer_groups_daily where team_id = $1`;
const ORDER = 'order by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12';

/** The team's rollup as the triggers left it, and as a rebuild from its runs makes it. */
async function rollupAndRebuild(teamId: string): Promise<[unknown[], unknown[]]> {
  const kept = normal(await sql(`${ROLLUP} ${ORDER}`, [teamId]));
  const rebuilt = normal(
    await sql(
      `with rebuilt as (
         select private.utc_day(r.run_at) as day, r.repo_slug, r.suite, g.pruned, g.verifier_model, g.verifier_accept,
                g.assertions_passed, g.audit, g.verifier_error, g.with_answer, g.reviews_correct, g.reviews_incorrect,
                sum(g.n) as n, sum(g.cost_usd) as cost_usd
         from public.eval_runs r cross join lateral private.answer_groups_of(r.doc_stats, r.pruned_stats) g
         where r.team_id = $1
         group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12
       )
       select * from rebuilt ${ORDER}`,
      [teamId],
    ),
  );
  return [kept, rebuilt];
}

/** One second after run `key`: a period ending there has that run on its partial last day. */
const justAfter = (key: string) =>
  `((select x.run_at from public.eval_runs x where x.team_id = $1 and x.run_key = '${key}') + interval '1 second')`;

/** Periods as p_days and p_until (SQL), and the same period as a condition on the run `r`. */
const PERIODS: Array<{ name: string; days: number; until: string; period: string }> = [
  ...['varied-8', 'varied-10'].map((key) => ({
    name: `3 days to just after ${key}, partial first and last days`,
    days: 3,
    until: justAfter(key),
    period: `r.run_at >= ${justAfter(key)} - interval '3 days' and r.run_at < ${justAfter(key)}`,
  })),
  {
    name: 'ending at a midnight',
    days: 4,
    until: "date_trunc('day', now() at time zone 'utc') at time zone 'utc'",
    period:
      "r.run_at >= (date_trunc('day', now() at time zone 'utc') at time zone 'utc') - interval '4 days' and r.run_at < date_trunc('day', now() at time zone 'utc') at time zone 'utc'",
  },
  { name: 'the last 2 days to now', days: 2, until: 'null', period: "r.run_at >= now() - interval '2 days'" },
  { name: 'the last 30 days to now', days: 30, until: 'null', period: "r.run_at >= now() - interval '30 days'" },
];

/** Prunes runs as private.prune_team_data does, for this team only (other files' teams share the stack). */
async function prune(runIds: string[]): Promise<void> {
  const ids = `array[${runIds.map((id) => `'${id}'`).join(', ')}]::uuid[]`;
  await sql(`begin;
    select set_config('gstack.pruning', 'on', true);
    update public.eval_runs r set pruned_stats = private.pruned_stats_of(r, 14), result = r.result - 'all_results' where r.id = any (${ids});
    delete from public.eval_attempts where run_id = any (${ids});
    delete from public.eval_results where run_id = any (${ids});
    update public.eval_runs set pruned_at = now() where id = any (${ids});
    commit;`);
}

beforeAll(async () => {
  ({ client: member, userId: memberId } = await signedInClient());
  team = await createTeam(member, 'groups');
  const docs = [
    ...Array.from({ length: 30 }, (_, i) => variedDoc(i + 1, 20 + i * 300, `suite-${i % 3}`)),
    ...Array.from({ length: 8 }, (_, i) => variedDoc(50 + i, (15 + (i % 5)) * 24 * 60 + i * 37, `suite-${i % 3}`)),
  ];
  for (const doc of docs) await pushRun(member, team, toRunPayload(standardEvalResultSchema.parse(doc)));

  // Reviews in every third run (the old ones included): the member's, and someone else's, tying some.
  await reviewAnswers(
    member,
    memberId,
    team,
    [...Array.from({ length: 10 }, (_, i) => `varied-${3 * i + 1}`), 'varied-50', 'varied-53'],
    3,
  );
}, 120_000);

describe('answer_groups_daily', () => {
  it('holds every answer of every run, as its rebuild from the runs does', async () => {
    const [kept, rebuilt] = await rollupAndRebuild(team);
    expect(kept).toEqual(rebuilt);
    // Counted from the documents, not from the rollup's own definition: every attempt not in error.
    const [row] = await sql<{ rollup: string; documents: string; days: string }>(
      `select (select sum(n) from public.answer_groups_daily where team_id = $1) as rollup,
              (select count(*) from public.eval_runs r
                 cross join lateral jsonb_array_elements(r.result -> 'all_results') t
                 cross join lateral jsonb_array_elements(t -> 'attempts') a
               where r.team_id = $1 and a ->> 'verdict' <> 'error') as documents,
              (select count(distinct day) from public.answer_groups_daily where team_id = $1) as days`,
      [team],
    );
    expect(Number(row?.rollup)).toBe(Number(row?.documents));
    expect(Number(row?.rollup)).toBeGreaterThan(300);
    expect(Number(row?.days)).toBeGreaterThanOrEqual(9);
  });

  it('is readable by members of its team only', async () => {
    const mine = await member.from('answer_groups_daily').select('n').eq('team_id', team);
    expect(mine.error).toBeNull();
    expect(mine.data?.length).toBeGreaterThan(10);
    const { client: outsider } = await signedInClient();
    const theirs = await outsider.from('answer_groups_daily').select('n').eq('team_id', team);
    expect(theirs.data).toEqual([]);
    const write = await member
      .from('answer_groups_daily')
      .update({ n: 0 } as never)
      .eq('team_id', team)
      .select('n');
    expect(write.data ?? []).toEqual([]);
  });

  it('the periods ending after a run hold runs on their partial days (one of them on its first)', async () => {
    const partial = await sql<{ first: string; last: string }>(
      `select count(*) filter (where r.run_at < date_trunc('day', (p.since) at time zone 'utc') at time zone 'utc' + interval '1 day') as first,
              count(*) filter (where r.run_at >= date_trunc('day', (p.until) at time zone 'utc') at time zone 'utc') as last
       from (values (${justAfter('varied-8')}), (${justAfter('varied-10')})) u(until)
       cross join lateral (select u.until - interval '3 days' as since, u.until) p
       join public.eval_runs r on r.team_id = $1 and r.run_at >= p.since and r.run_at < p.until
       group by p.until`,
      [team],
    );
    expect(partial.map((p) => Number(p.last) > 0)).toEqual([true, true]);
    expect(partial.some((p) => Number(p.first) > 0)).toBe(true);
  });

  it.each(PERIODS)('verifier_outcomes equals its old formula: $name', async ({ days, until, period }) => {
    const old = normal(await asMember(memberId, OLD_VERIFIER_OUTCOMES(period), [team]));
    expect(old.length).toBeGreaterThan(3);
    expect(normal(await asMember(memberId, `select * from public.verifier_outcomes($1, ${days}, ${until})`, [team]))).toEqual(old);
  });

  it.each(PERIODS.flatMap((p) => [1, 7, 40, 1000].map((limit) => ({ ...p, limit }))))(
    'review_queue (limit $limit) equals its old formula: $name',
    async ({ days, until, period, limit }) => {
      const old = normal(await asMember(memberId, OLD_REVIEW_QUEUE(limit, period), [team]));
      expect(old.length).toBe(Math.min(limit, Number((old[0] as { waiting: number }).waiting)));
      expect(normal(await asMember(memberId, `select * from public.review_queue($1, ${days}, ${limit}, ${until})`, [team]))).toEqual(old);
    },
  );

  it('stays equal to its rebuild when a run is deleted, and the readers follow', async () => {
    const [victim] = await sql<{ id: string }>("select id from public.eval_runs where team_id = $1 and run_key = 'varied-4'", [team]);
    const { error } = await member
      .from('eval_runs')
      .delete()
      .eq('id', victim?.id as string);
    expect(error).toBeNull();
    expect((await sql('select 1 from public.eval_runs where id = $1', [victim?.id])).length).toBe(0);
    const [kept, rebuilt] = await rollupAndRebuild(team);
    expect(kept).toEqual(rebuilt);
    const old = normal(await asMember(memberId, OLD_VERIFIER_OUTCOMES(), [team]));
    expect(normal(await asMember(memberId, 'select * from public.verifier_outcomes($1, 30)', [team]))).toEqual(old);
    const queue = normal(await asMember(memberId, OLD_REVIEW_QUEUE(40), [team]));
    expect(normal(await asMember(memberId, 'select * from public.review_queue($1, 30, 40)', [team]))).toEqual(queue);
  });

  it('moves pruned runs to what pruned_stats recorded: verifier_outcomes unchanged, their answers leave the queue', async () => {
    const before = normal(await asMember(memberId, 'select * from public.verifier_outcomes($1, 30)', [team]));
    const old = await sql<{ id: string }>("select id from public.eval_runs where team_id = $1 and run_at < now() - interval '14 days'", [
      team,
    ]);
    expect(old.length).toBe(8);
    // Among them, runs with reviews: their review counts must survive in the rollup.
    const [reviewed] = await sql<{ n: string }>('select count(distinct run_id) as n from public.answer_reviews where run_id = any ($1)', [
      old.map((r) => r.id),
    ]);
    expect(Number(reviewed?.n)).toBeGreaterThan(0);

    await prune(old.map((r) => r.id));

    const [kept, rebuilt] = await rollupAndRebuild(team);
    expect(kept).toEqual(rebuilt);
    const [moved] = await sql<{ pruned: string; reviews: string }>(
      `select coalesce(sum(n) filter (where pruned), 0) as pruned, coalesce(sum(reviews_correct + reviews_incorrect) filter (where pruned), 0) as reviews
       from public.answer_groups_daily where team_id = $1`,
      [team],
    );
    expect(Number(moved?.pruned)).toBeGreaterThan(0);
    expect(Number(moved?.reviews)).toBeGreaterThan(0);
    expect(normal(await asMember(memberId, 'select * from public.verifier_outcomes($1, 30)', [team]))).toEqual(before);
    for (const limit of [7, 1000]) {
      const queue = normal(await asMember(memberId, OLD_REVIEW_QUEUE(limit), [team]));
      expect(normal(await asMember(memberId, `select * from public.review_queue($1, 30, ${limit})`, [team]))).toEqual(queue);
    }
  });

  it("goes with its team, and its deletion leaves the other teams' rollup as its rebuild", async () => {
    const { client } = await signedInClient();
    const other = await createTeam(client, 'groups-gone');
    await pushRun(client, other, toRunPayload(standardEvalResultSchema.parse(variedDoc(90, 60, 'suite-0'))));
    expect((await sql('select 1 from public.answer_groups_daily where team_id = $1', [other])).length).toBeGreaterThan(0);
    await sql('delete from public.teams where id = $1', [other]);
    expect(await sql('select 1 from public.answer_groups_daily where team_id = $1', [other])).toEqual([]);
    const [kept, rebuilt] = await rollupAndRebuild(team);
    expect(kept).toEqual(rebuilt);
  });
});
