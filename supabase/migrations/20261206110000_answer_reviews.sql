-- Answer reviews: people mark a ladder answer (accepted or rejected, any tier) correct or
-- incorrect, the ground truth the verifier is measured against (with the deterministic
-- assertions and the audit sample). Plus the reads the dashboard needs: every answer of the
-- period with its verifier verdict, assertion outcome and reviews (team_answers), grouped for
-- the Escalation page (verifier_outcomes), and the Review page's queue (review_queue).
-- Rules in docs/dashboard-insights.md ("Verifier quality") and packages/core/src/analytics/verifier.ts.

-- =============================================================================
-- Tables
-- =============================================================================

create table public.answer_reviews (
  team_id uuid not null references public.teams (id) on delete cascade,
  -- The answer: one ladder attempt of one test (and trial) of one run.
  run_id uuid not null,
  test_name text not null,
  trial integer not null default 1,
  attempt integer not null constraint answer_reviews_attempt check (attempt >= 1),
  -- Who reviewed it: one review per person per answer, changeable.
  reviewer uuid not null default auth.uid() references auth.users (id) on delete cascade,
  correct boolean not null,
  note text constraint answer_reviews_note_length check (char_length(note) <= 2000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (run_id, test_name, trial, attempt, reviewer),
  foreign key (run_id, team_id) references public.eval_runs (id, team_id) on delete cascade,
  foreign key (run_id, test_name, trial, attempt) references public.eval_attempts (run_id, test_name, trial, attempt) on delete cascade
);
comment on table public.answer_reviews is 'A person''s verdict (correct or incorrect, with a note) on one ladder answer; one per person per answer.';

-- =============================================================================
-- Indexes
-- =============================================================================

create index answer_reviews_team_id_idx on public.answer_reviews (team_id, updated_at desc);
create index answer_reviews_reviewer_idx on public.answer_reviews (reviewer);

-- =============================================================================
-- Grants
-- =============================================================================

revoke all on public.answer_reviews from anon, authenticated, service_role;
grant select, insert, delete on public.answer_reviews to authenticated;
-- Only the verdict and the note change; the answer and the reviewer are the row's identity.
grant update (correct, note) on public.answer_reviews to authenticated;
grant all on public.answer_reviews to service_role;

-- =============================================================================
-- Policies
-- =============================================================================

alter table public.answer_reviews enable row level security;

create policy "Members can read their team's answer reviews" on public.answer_reviews
  for select to authenticated using (team_id = any ((select private.user_team_ids())::uuid[]));
create policy "Members can review their team's answers as themselves" on public.answer_reviews
  for insert to authenticated
  with check (team_id = any ((select private.user_team_ids())::uuid[]) and reviewer = (select auth.uid()));
create policy "Members can change their own reviews" on public.answer_reviews
  for update to authenticated
  using (reviewer = (select auth.uid()) and team_id = any ((select private.user_team_ids())::uuid[]))
  with check (reviewer = (select auth.uid()) and team_id = any ((select private.user_team_ids())::uuid[]));
create policy "Members can delete their own reviews" on public.answer_reviews
  for delete to authenticated using (reviewer = (select auth.uid()));

-- =============================================================================
-- Functions
-- =============================================================================

create function private.touch_answer_review() returns trigger
  language plpgsql set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end
$$;
comment on function private.touch_answer_review() is 'Keeps answer_reviews.updated_at the time of the last change.';

create trigger answer_reviews_touch before update on public.answer_reviews
  for each row execute function private.touch_answer_review();

-- Writes (or changes) the caller's review of one answer. RLS decides: a member of the run's team
-- only, as themselves.
create function public.review_answer(
  p_team_id uuid, p_run_id uuid, p_test_name text, p_trial integer, p_attempt integer, p_correct boolean, p_note text default null
)
  returns public.answer_reviews
  language sql volatile security invoker set search_path = ''
as $$
  insert into public.answer_reviews as r (team_id, run_id, test_name, trial, attempt, reviewer, correct, note)
  values (p_team_id, p_run_id, p_test_name, p_trial, p_attempt, (select auth.uid()), p_correct, nullif(btrim(p_note), ''))
  on conflict (run_id, test_name, trial, attempt, reviewer)
  do update set correct = excluded.correct, note = excluded.note
  returning r.*
$$;
comment on function public.review_answer(uuid, uuid, text, integer, integer, boolean, text) is 'The caller''s review of one answer (one per person per answer; a second call changes it).';

-- Every ladder answer of the last p_days days (attempts that produced one: errors excluded), read
-- from the pushed documents: who made it, who decided it (self-certified, the verifier, audit),
-- whether the deterministic assertions passed on it (the attempt's own record; for an accepted
-- answer in an older document, the test's non-judge assertions), its text cut to p_answer_chars,
-- and its reviews (how many said correct / incorrect, and whether the caller reviewed it).
create function public.team_answers(p_team_id uuid, p_days integer default 30, p_answer_chars integer default 0)
  returns table (
    run_id uuid, run_at timestamptz, repo_slug text, suite text, test_name text, trial integer, attempt integer,
    tier text, model text, verdict text, self_certified boolean, verifier_model text, verifier_accept boolean,
    verifier_error boolean, audit boolean, verifier_cost_usd numeric, assertions_passed boolean, answer text,
    answer_length integer, reviews_correct bigint, reviews_incorrect bigint, my_review boolean
  )
  language sql stable security invoker set search_path = ''
as $$
  select r.id, r.run_at, r.repo_slug, r.suite, t ->> 'name', coalesce((t ->> 'trial')::integer, 1), (a ->> 'attempt')::integer,
         a ->> 'tier', a ->> 'model', a ->> 'verdict', coalesce((a ->> 'self_certified')::boolean, false),
         a -> 'verifier' ->> 'model', (a -> 'verifier' ->> 'accept')::boolean,
         coalesce(jsonb_typeof(a -> 'verifier') = 'object' and (
           coalesce((a -> 'verifier' ->> 'error')::boolean, false)
           -- Documents written before the flag: the ladder's own words for a failed verifier call.
           or (not coalesce((a -> 'verifier' ->> 'audit')::boolean, false) and coalesce(a ->> 'feedback', '') like 'verifier error:%')
         ), false),
         coalesce((a -> 'verifier' ->> 'audit')::boolean, false),
         coalesce((a -> 'verifier' ->> 'cost_usd')::numeric, 0),
         coalesce(
           (a ->> 'assertions_passed')::boolean,
           case when a ->> 'verdict' = 'accept' then (
             select bool_and((x ->> 'passed')::boolean) from jsonb_array_elements(coalesce(t -> 'assertions', '[]'::jsonb)) x
             where x ->> 'type' <> 'judge'
           ) end
         ),
         left(coalesce(a ->> 'answer', case when a ->> 'verdict' = 'accept' then t ->> 'output' end), p_answer_chars),
         char_length(coalesce(a ->> 'answer', case when a ->> 'verdict' = 'accept' then t ->> 'output' end)),
         coalesce(rv.correct, 0), coalesce(rv.incorrect, 0), coalesce(rv.mine, false)
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
  where r.team_id = p_team_id and r.run_at >= now() - make_interval(days => p_days)
    and a ->> 'verdict' <> 'error'
$$;
comment on function public.team_answers(uuid, integer, integer) is 'Every ladder answer of a period with its verdict source, assertion outcome and reviews.';

-- The verifier's decisions of the last p_days days, grouped by suite, model, verdict, assertion
-- outcome, audit and review counts (core's verifierQuality turns them into rates), with what the
-- calls cost. Failed verifier calls are rows too (verifier_error), so their cost is counted.
create function public.verifier_outcomes(p_team_id uuid, p_days integer default 30)
  returns table (
    repo_slug text, suite text, verifier_model text, accepted boolean, assertions_passed boolean, audit boolean,
    verifier_error boolean, reviews_correct bigint, reviews_incorrect bigint, decisions bigint, cost_usd numeric
  )
  language sql stable security invoker set search_path = ''
as $$
  select a.repo_slug, a.suite, a.verifier_model, a.verifier_accept, a.assertions_passed, a.audit, a.verifier_error,
         a.reviews_correct, a.reviews_incorrect, count(*), sum(a.verifier_cost_usd)
  from public.team_answers(p_team_id, p_days, 0) a
  where a.verifier_model is not null
  group by 1, 2, 3, 4, 5, 6, 7, 8, 9
  order by 1, 2, 3, 4, 5, 6, 7, 8, 9
$$;
comment on function public.verifier_outcomes(uuid, integer) is 'Verifier decisions grouped with the assertions'' outcome, audit flag and review counts.';

-- Answers for the caller to label (not yet reviewed by them), most useful first: 1 where the
-- ground truths disagree (the verifier vs the assertions, or reviewers tied), 2 uncertain
-- verdicts (the verifier decided where no assertion could, or its call failed), 3 other
-- verifier decisions, 4 answers no verifier saw (self-certified, assertions only); newest first.
create function public.review_queue(p_team_id uuid, p_days integer default 30, p_limit integer default 30)
  returns table (
    run_id uuid, run_at timestamptz, repo_slug text, suite text, test_name text, trial integer, attempt integer,
    tier text, model text, verdict text, self_certified boolean, verifier_model text, verifier_accept boolean,
    verifier_error boolean, audit boolean, assertions_passed boolean, answer text, answer_length integer,
    reviews_correct bigint, reviews_incorrect bigint, priority integer, waiting bigint, waiting_in_priority bigint
  )
  language sql stable security invoker set search_path = ''
as $$
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
    from public.team_answers(p_team_id, p_days, 2000) a
    where not a.my_review and a.answer is not null
  )
  select o.run_id, o.run_at, o.repo_slug, o.suite, o.test_name, o.trial, o.attempt, o.tier, o.model, o.verdict,
         o.self_certified, o.verifier_model, o.verifier_accept, o.verifier_error, o.audit, o.assertions_passed, o.answer,
         o.answer_length, o.reviews_correct, o.reviews_incorrect, o.priority, count(*) over (), count(*) over (partition by o.priority)
  from open o
  order by o.priority, o.run_at desc, o.test_name, o.trial, o.attempt
  limit p_limit
$$;
comment on function public.review_queue(uuid, integer, integer) is 'Answers the caller has not reviewed, disagreements and uncertain verdicts first.';

-- A test's answer, judge verdicts, assertions and ladder attempts (as the document records them:
-- self-certification rule, verifier verdict and feedback, audit flag, rejected answers cut to
-- p_max characters), and the question: the recorded input (messages after vars, and the vars;
-- already redacted and bounded by the engine) and what was expected (null in version 1 documents).
create or replace function public.dashboard_test_doc(p_result jsonb, p_name text, p_trial integer, p_max integer)
  returns jsonb
  language sql immutable security invoker set search_path = ''
as $$
  select jsonb_build_object(
    'trial', coalesce((t ->> 'trial')::integer, 1),
    'output', left(t ->> 'output', p_max),
    'output_length', char_length(t ->> 'output'),
    'judge', coalesce(t -> 'judge', '[]'::jsonb),
    'assertions', coalesce(t -> 'assertions', '[]'::jsonb),
    'input', case when jsonb_typeof(t -> 'input') = 'object' then t -> 'input' end,
    'expected', t ->> 'expected',
    'attempts', coalesce((
      select jsonb_agg(jsonb_build_object(
        'attempt', (a ->> 'attempt')::integer, 'verdict', a ->> 'verdict',
        'self_certified', coalesce((a ->> 'self_certified')::boolean, false), 'self_certify_rule', a ->> 'self_certify_rule',
        'assertions_passed', (a ->> 'assertions_passed')::boolean, 'verifier', a -> 'verifier',
        'answer', left(a ->> 'answer', p_max), 'answer_length', char_length(a ->> 'answer')
      ) order by (a ->> 'attempt')::integer)
      from jsonb_array_elements(coalesce(t -> 'attempts', '[]'::jsonb)) a
    ), '[]'::jsonb)
  )
  from jsonb_array_elements(coalesce(p_result -> 'all_results', '[]'::jsonb)) t
  where t ->> 'name' = p_name and coalesce((t ->> 'trial')::integer, 1) = p_trial
  limit 1
$$;

-- Two runs side by side, test by test (matched on name and trial): as before, plus each side's
-- full output length (so a cut is marked) and the recorded question (input and expected, from the
-- head's document, else the base's: version 1 documents have none).
create or replace function public.compare_runs(p_team_id uuid, p_base uuid, p_head uuid, p_output_chars integer default 2000)
  returns jsonb
  language sql stable security invoker set search_path = ''
as $$
  with base as (select * from public.eval_runs where team_id = p_team_id and id = p_base),
  head as (select * from public.eval_runs where team_id = p_team_id and id = p_head),
  side as (
    select e.*, d.t ->> 'output' as full_output, d.t -> 'input' as input, d.t ->> 'expected' as expected
    from public.eval_results e
    join public.eval_runs r on r.id = e.run_id and r.team_id = p_team_id
    left join lateral (
      select t from jsonb_array_elements(coalesce(r.result -> 'all_results', '[]'::jsonb)) t
      where t ->> 'name' = e.test_name and coalesce((t ->> 'trial')::integer, 1) = e.trial limit 1
    ) d on true
    where e.team_id = p_team_id and e.run_id in (p_base, p_head)
  ),
  b as (select * from side where run_id = p_base),
  h as (select * from side where run_id = p_head)
  select jsonb_build_object(
    'base', (select public.dashboard_run_row(base) from base),
    'head', (select public.dashboard_run_row(head) from head),
    'tests', coalesce((
      select jsonb_agg(jsonb_build_object(
        'test_name', coalesce(h.test_name, b.test_name), 'trial', coalesce(h.trial, b.trial),
        'input', case when jsonb_typeof(h.input) = 'object' then h.input when jsonb_typeof(b.input) = 'object' then b.input end,
        'expected', coalesce(h.expected, b.expected),
        'base', case when b.run_id is not null then jsonb_build_object('passed', b.passed, 'skipped', b.skipped,
          'cost_usd', b.cost_usd, 'duration_ms', b.duration_ms, 'resolved_tier', b.resolved_tier,
          'resolved_model', b.resolved_model, 'error', b.error, 'output', left(b.full_output, p_output_chars),
          'output_length', char_length(b.full_output)) end,
        'head', case when h.run_id is not null then jsonb_build_object('passed', h.passed, 'skipped', h.skipped,
          'cost_usd', h.cost_usd, 'duration_ms', h.duration_ms, 'resolved_tier', h.resolved_tier,
          'resolved_model', h.resolved_model, 'error', h.error, 'output', left(h.full_output, p_output_chars),
          'output_length', char_length(h.full_output)) end
      ) order by coalesce(h.test_name, b.test_name), coalesce(h.trial, b.trial))
      from b full join h on h.test_name = b.test_name and h.trial = b.trial
    ), '[]'::jsonb)
  )
  where exists (select 1 from base) and exists (select 1 from head)
$$;

-- verifier_outcomes replaces it (the same decisions, with audit flag and reviews).
drop function public.verifier_decisions(uuid, integer);

revoke all on function
  public.review_answer(uuid, uuid, text, integer, integer, boolean, text),
  public.team_answers(uuid, integer, integer),
  public.verifier_outcomes(uuid, integer),
  public.review_queue(uuid, integer, integer)
  from public, anon;
grant execute on function
  public.review_answer(uuid, uuid, text, integer, integer, boolean, text),
  public.team_answers(uuid, integer, integer),
  public.verifier_outcomes(uuid, integer),
  public.review_queue(uuid, integer, integer)
  to authenticated, service_role;
