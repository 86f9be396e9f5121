-- What the pages read from result documents, rolled up per run when the run is written (issue 26).
--
-- The Costs, Escalation and Review pages and the Monday digest read every result document of their
-- window (eval_runs.result: each test's output, input, judge verdicts and ladder attempts, about
-- 2.5 KB of JSON per test, 250 KB per 100-test run): verifier_outcomes (through team_answers),
-- review_queue, judge_cache_savings and digest_week's verifier section. With realistic documents,
-- a month of a large organisation (20,000 runs, 2,000,000 results) took verifier_outcomes and
-- review_queue past a minute and judge_cache_savings 35 s; even the quick benchmark's 2,000 runs
-- put those pages at 4-6 s. The runs list read three fields of every listed run's document.
--
-- eval_runs.doc_stats holds, per run, what those reads need: the answers grouped by everything
-- the Escalation and Review pages group or rank them by, the verifier's decisions as the digest
-- counts them, the judge cache's hits and savings, and the list fields (interrupted, cost_exact,
-- answering models). A BEFORE INSERT trigger computes it from the document (a document is written
-- once, by push_eval_run or ingest_eval_run; a later change to the document, such as pruning it,
-- keeps the rollup). Every answer is still defined once, by private.answers_of (team_answers
-- reads it too), so the rollup and the documents cannot disagree
-- (supabase/tests/document-rollup.int.test.ts checks each function against its old formula).
-- Runs with answer reviews are read from their documents (reviews change an answer's counts and
-- priority); people review a few answers, so those are few.

-- =============================================================================
-- The answers of a document: one definition
-- =============================================================================

-- Every ladder attempt of a result document, as team_answers, verifier_outcomes, review_queue and
-- the digest judge it (20261206110000_answer_reviews.sql, 20261206120022_alert_episodes.sql):
-- assertions_passed is the attempt's own record, else (an accepted answer in an older document)
-- the test's non-judge assertions; decision_assertions_passed is the digest's rule (the same, for
-- answers the verifier accepted); answer is a rejected attempt's answer or the accepted one's output.
create function private.answers_of(p_result jsonb)
  returns table (
    test_name text, trial integer, attempt integer, tier text, model text, verdict text, self_certified boolean,
    has_verifier boolean, verifier_model text, verifier_accept boolean, verifier_error boolean, audit boolean,
    verifier_cost_usd numeric, verifier_cached boolean, verifier_saved_usd numeric,
    assertions_passed boolean, decision_assertions_passed boolean, answer text
  )
  language sql immutable set search_path = ''
as $$
  select t ->> 'name', coalesce((t ->> 'trial')::integer, 1), (a ->> 'attempt')::integer,
         a ->> 'tier', a ->> 'model', a ->> 'verdict', coalesce((a ->> 'self_certified')::boolean, false),
         jsonb_typeof(a -> 'verifier') = 'object',
         a -> 'verifier' ->> 'model', (a -> 'verifier' ->> 'accept')::boolean,
         coalesce(jsonb_typeof(a -> 'verifier') = 'object' and (
           coalesce((a -> 'verifier' ->> 'error')::boolean, false)
           -- Documents written before the flag: the ladder's own words for a failed verifier call.
           or (not coalesce((a -> 'verifier' ->> 'audit')::boolean, false) and coalesce(a ->> 'feedback', '') like 'verifier error:%')
         ), false),
         coalesce((a -> 'verifier' ->> 'audit')::boolean, false),
         coalesce((a -> 'verifier' ->> 'cost_usd')::numeric, 0),
         (a -> 'verifier' ->> 'cached')::boolean,
         (a -> 'verifier' ->> 'saved_usd')::numeric,
         coalesce((a ->> 'assertions_passed')::boolean, case when a ->> 'verdict' = 'accept' then checks.passed end),
         coalesce((a ->> 'assertions_passed')::boolean,
                  case when (a -> 'verifier' ->> 'accept')::boolean and a ->> 'verdict' = 'accept' then checks.passed end),
         coalesce(a ->> 'answer', case when a ->> 'verdict' = 'accept' then t ->> 'output' end)
  from jsonb_array_elements(case when jsonb_typeof(p_result -> 'all_results') = 'array' then p_result -> 'all_results' else '[]'::jsonb end) t
  cross join lateral (
    select bool_and((x ->> 'passed')::boolean) as passed
    from jsonb_array_elements(case when jsonb_typeof(t -> 'assertions') = 'array' then t -> 'assertions' else '[]'::jsonb end) x
    where x ->> 'type' <> 'judge'
  ) checks
  cross join lateral jsonb_array_elements(case when jsonb_typeof(t -> 'attempts') = 'array' then t -> 'attempts' else '[]'::jsonb end) a
$$;
comment on function private.answers_of(jsonb) is 'Every ladder attempt of a result document with its verifier verdict, assertion outcome and answer text.';
revoke all on function private.answers_of(jsonb) from public, anon;
grant execute on function private.answers_of(jsonb) to authenticated, service_role;

-- An answer's place in the Review page's queue: 1 where the ground truths disagree (the verifier
-- vs the assertions, or reviewers tied), 2 uncertain verdicts (the verifier decided where no
-- assertion could, or its call failed), 3 other verifier decisions, 4 answers no verifier saw.
create function private.review_priority(
  p_reviews_correct bigint, p_reviews_incorrect bigint, p_verifier_model text, p_verifier_error boolean,
  p_assertions_passed boolean, p_verifier_accept boolean
) returns integer
  language sql immutable set search_path = ''
as $$
  select case
    when p_reviews_correct > 0 and p_reviews_correct = p_reviews_incorrect then 1
    when p_verifier_model is not null and not p_verifier_error
         and p_assertions_passed is not null and p_verifier_accept <> p_assertions_passed then 1
    when p_verifier_model is not null and (p_verifier_error or p_assertions_passed is null) then 2
    when p_verifier_model is not null then 3
    else 4
  end
$$;
comment on function private.review_priority(bigint, bigint, text, boolean, boolean, boolean) is 'An answer''s priority in review_queue (1 first).';
revoke all on function private.review_priority(bigint, bigint, text, boolean, boolean, boolean) from public, anon;
grant execute on function private.review_priority(bigint, bigint, text, boolean, boolean, boolean) to authenticated, service_role;

-- =============================================================================
-- The rollup
-- =============================================================================

-- What the pages read from a document:
--   answers:     non-error attempts grouped by verifier model, verdict, assertion outcome, audit,
--                verifier error and whether there is an answer text: {n, cost_usd (the verifier's),
--                priority (in review_queue, without reviews)}
--   decisions:   attempts the verifier judged (any verdict), as the digest groups them: {n}
--   judge_cache: cached judge and verifier verdicts: hits, hits with what they first cost, that cost
--   interrupted, cost_exact, models: the runs list's fields (models: the cost lines' models, judge's excepted)
create function private.doc_stats_of(p_result jsonb) returns jsonb
  language sql immutable set search_path = ''
as $$
  with answers as (select * from private.answers_of(p_result)),
  verdicts as (
    select (j ->> 'cached')::boolean as cached, (j ->> 'saved_usd')::numeric as saved
    from jsonb_array_elements(case when jsonb_typeof(p_result -> 'all_results') = 'array' then p_result -> 'all_results' else '[]'::jsonb end) t
    cross join lateral jsonb_array_elements(case when jsonb_typeof(t -> 'judge') = 'array' then t -> 'judge' else '[]'::jsonb end) j
    union all
    select verifier_cached, verifier_saved_usd from answers where has_verifier
  )
  select jsonb_build_object(
    'interrupted', coalesce((p_result ->> 'interrupted')::boolean, false),
    'cost_exact', coalesce((p_result ->> 'cost_exact')::boolean, false),
    'models', coalesce((
      select jsonb_agg(distinct c ->> 'model')
      from jsonb_array_elements(case when jsonb_typeof(p_result -> 'costs') = 'array' then p_result -> 'costs' else '[]'::jsonb end) c
      where c ->> 'purpose' is distinct from 'judge' and c ->> 'model' is not null
    ), '[]'::jsonb),
    'answers', coalesce((
      select jsonb_agg(jsonb_build_object(
        'verifier_model', verifier_model, 'verifier_accept', verifier_accept, 'assertions_passed', assertions_passed,
        'audit', audit, 'verifier_error', verifier_error, 'with_answer', with_answer, 'n', n, 'cost_usd', cost_usd,
        -- the answers' place in the review queue while nobody has reviewed them
        'priority', private.review_priority(0, 0, verifier_model, verifier_error, assertions_passed, verifier_accept)))
      from (
        select verifier_model, verifier_accept, assertions_passed, audit, verifier_error, answer is not null as with_answer,
               count(*) as n, sum(verifier_cost_usd) as cost_usd
        from answers where verdict <> 'error'
        group by 1, 2, 3, 4, 5, 6
      ) g
    ), '[]'::jsonb),
    'decisions', coalesce((
      select jsonb_agg(jsonb_build_object('model', model, 'accepted', accepted, 'assertions_passed', assertions_passed, 'n', n))
      from (
        select verifier_model as model, verifier_accept as accepted, decision_assertions_passed as assertions_passed, count(*) as n
        from answers where has_verifier
        group by 1, 2, 3
      ) d
    ), '[]'::jsonb),
    'judge_cache', (
      select jsonb_build_object('hits', count(*) filter (where cached), 'hits_priced', count(*) filter (where cached and saved is not null),
                                'saved_usd', coalesce(sum(saved) filter (where cached), 0))
      from verdicts
    )
  )
$$;
comment on function private.doc_stats_of(jsonb) is 'What the dashboard reads from a result document, as stored in eval_runs.doc_stats.';
revoke all on function private.doc_stats_of(jsonb) from public, anon, authenticated;

alter table public.eval_runs add column doc_stats jsonb not null default '{}'::jsonb;
comment on column public.eval_runs.doc_stats is
  'Maintained from result when the run is written: answers, verifier decisions, judge cache hits and list fields (private.doc_stats_of).';

-- Security definer, like the other rollup triggers: whoever may insert a run (push_eval_run, the
-- service role, a member through RLS) gets its doc_stats without execute rights on the helpers.
create function private.set_doc_stats() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  new.doc_stats := private.doc_stats_of(new.result);
  return new;
end
$$;
revoke all on function private.set_doc_stats() from public, anon, authenticated;

-- On insert only: a document changed later (pruned by retention) keeps what its run showed.
create trigger eval_runs_doc_stats
  before insert on public.eval_runs
  for each row execute function private.set_doc_stats();

-- Backfill: runs with a document (the others keep '{}', which every reader treats as empty).
update public.eval_runs set doc_stats = private.doc_stats_of(result) where result <> '{}'::jsonb;

-- What retention records on a run before pruning it (20261207120000_retention.sql), from the same
-- two definitions: the judge cache as the run's doc_stats holds it, the verifier groups from answers_of with
-- the answer reviews counted as they stand now. Same keys as before.
create or replace function private.pruned_stats_of(r public.eval_runs, p_retention_days integer) returns jsonb
  language sql stable security definer set search_path = ''
as $$
  select jsonb_build_object(
    'retention_days', p_retention_days,
    'results', (select count(*) from public.eval_results x where x.run_id = r.id),
    'attempts', (select count(*) from public.eval_attempts x where x.run_id = r.id),
    'judge_cache', r.doc_stats -> 'judge_cache',
    'verifier', coalesce((
      select jsonb_agg(to_jsonb(g)) from (
        select a.verifier_model, a.verifier_accept as accepted, a.assertions_passed, a.audit, a.verifier_error,
               coalesce(rv.correct, 0) as reviews_correct, coalesce(rv.incorrect, 0) as reviews_incorrect,
               count(*) as decisions, sum(a.verifier_cost_usd) as cost_usd
        from private.answers_of(r.result) a
        left join lateral (
          select count(*) filter (where v.correct) as correct, count(*) filter (where not v.correct) as incorrect
          from public.answer_reviews v
          where v.run_id = r.id and v.test_name = a.test_name and v.trial = a.trial and v.attempt = a.attempt
        ) rv on true
        where a.verdict <> 'error' and a.verifier_model is not null
        group by 1, 2, 3, 4, 5, 6, 7
      ) g
    ), '[]'::jsonb)
  )
$$;

-- =============================================================================
-- The readers
-- =============================================================================

-- As in 20261206150000_runs_sort_and_models.sql, reading doc_stats instead of the document.
create or replace function public.dashboard_run_row(r public.eval_runs)
  returns jsonb
  language sql stable security invoker set search_path = ''
as $$
  select jsonb_build_object(
    'id', r.id, 'run_key', r.run_key, 'repo_slug', r.repo_slug, 'suite', r.suite, 'branch', r.branch,
    'git_sha', r.git_sha, 'tier', r.tier, 'label', r.label, 'hostname', r.hostname, 'run_at', r.run_at,
    'total_tests', r.total_tests, 'passed', r.passed, 'failed', r.failed, 'skipped', r.skipped,
    'pass_rate', r.pass_rate, 'cost_usd', r.cost_usd, 'judge_cost_usd', r.judge_cost_usd,
    'duration_ms', r.duration_ms, 'tier_stats', r.tier_stats,
    'interrupted', coalesce((r.doc_stats ->> 'interrupted')::boolean, false),
    'cost_exact', coalesce((r.doc_stats ->> 'cost_exact')::boolean, false),
    'user_id', r.user_id, 'token_id', r.token_id,
    'models', coalesce(r.doc_stats -> 'models', '[]'::jsonb),
    'who', coalesce(
      (select coalesce(m.display_name, m.email) from public.team_members m where m.team_id = r.team_id and m.user_id = r.user_id),
      (select 'CI: ' || t.name from public.team_tokens t where t.id = r.token_id),
      case when r.token_id is not null then 'CI token' end
    )
  )
$$;

-- The period readers below keep 20261207100000_period_until.sql's signatures (p_until: the period
-- ends there, null = now; the ends come from a one-row materialized CTE so the (team_id, run_at)
-- index bounds the read) and 20261207120000_retention.sql's rule for pruned runs (pruned_stats is
-- set): their answers are gone from documents and reviews, so the verifier figures come from what
-- pruned_stats recorded, and the review queue has nothing of theirs to offer.

-- As before, from private.answers_of (the same rows).
create or replace function public.team_answers(
  p_team_id uuid, p_days integer default 30, p_answer_chars integer default 0, p_until timestamptz default null
)
  returns table (
    run_id uuid, run_at timestamptz, repo_slug text, suite text, test_name text, trial integer, attempt integer,
    tier text, model text, verdict text, self_certified boolean, verifier_model text, verifier_accept boolean,
    verifier_error boolean, audit boolean, verifier_cost_usd numeric, assertions_passed boolean, answer text,
    answer_length integer, reviews_correct bigint, reviews_incorrect bigint, my_review boolean
  )
  language sql stable security invoker set search_path = ''
as $$
  with period as materialized (
    select coalesce(p_until, now()) - make_interval(days => p_days) as since, coalesce(p_until, 'infinity'::timestamptz) as until
  )
  select r.id, r.run_at, r.repo_slug, r.suite, x.test_name, x.trial, x.attempt, x.tier, x.model, x.verdict, x.self_certified,
         x.verifier_model, x.verifier_accept, x.verifier_error, x.audit, x.verifier_cost_usd, x.assertions_passed,
         left(x.answer, p_answer_chars), char_length(x.answer),
         coalesce(rv.correct, 0), coalesce(rv.incorrect, 0), coalesce(rv.mine, false)
  from period w
  join public.eval_runs r on r.team_id = p_team_id and r.run_at >= w.since and r.run_at < w.until
  cross join lateral private.answers_of(r.result) x
  left join lateral (
    select count(*) filter (where v.correct) as correct, count(*) filter (where not v.correct) as incorrect,
           bool_or(v.reviewer = (select auth.uid())) as mine
    from public.answer_reviews v
    where v.run_id = r.id and v.test_name = x.test_name and v.trial = x.trial and v.attempt = x.attempt
  ) rv on true
  where x.verdict <> 'error'
$$;

-- The answers of the period's runs that have reviews, exactly (from their documents); the other
-- runs' answers come from doc_stats. p_answer_chars as in team_answers.
create function private.reviewed_answers(p_team_id uuid, p_days integer, p_answer_chars integer, p_until timestamptz)
  returns table (
    run_id uuid, run_at timestamptz, repo_slug text, suite text, test_name text, trial integer, attempt integer,
    tier text, model text, verdict text, self_certified boolean, verifier_model text, verifier_accept boolean,
    verifier_error boolean, audit boolean, verifier_cost_usd numeric, assertions_passed boolean, answer text,
    answer_length integer, reviews_correct bigint, reviews_incorrect bigint, my_review boolean
  )
  language sql stable security invoker set search_path = ''
as $$
  with period as materialized (
    select coalesce(p_until, now()) - make_interval(days => p_days) as since, coalesce(p_until, 'infinity'::timestamptz) as until
  )
  select r.id, r.run_at, r.repo_slug, r.suite, x.test_name, x.trial, x.attempt, x.tier, x.model, x.verdict, x.self_certified,
         x.verifier_model, x.verifier_accept, x.verifier_error, x.audit, x.verifier_cost_usd, x.assertions_passed,
         left(x.answer, p_answer_chars), char_length(x.answer),
         coalesce(rv.correct, 0), coalesce(rv.incorrect, 0), coalesce(rv.mine, false)
  from period w
  cross join (select distinct v.run_id from public.answer_reviews v where v.team_id = p_team_id) d
  join public.eval_runs r on r.id = d.run_id
  cross join lateral private.answers_of(r.result) x
  left join lateral (
    select count(*) filter (where v.correct) as correct, count(*) filter (where not v.correct) as incorrect,
           bool_or(v.reviewer = (select auth.uid())) as mine
    from public.answer_reviews v
    where v.run_id = r.id and v.test_name = x.test_name and v.trial = x.trial and v.attempt = x.attempt
  ) rv on true
  where r.team_id = p_team_id and r.run_at >= w.since and r.run_at < w.until and r.pruned_stats is null
    and x.verdict <> 'error'
$$;
revoke all on function private.reviewed_answers(uuid, integer, integer, timestamptz) from public, anon;
grant execute on function private.reviewed_answers(uuid, integer, integer, timestamptz) to authenticated, service_role;

-- The period's runs without reviews and not pruned, with their answer groups (doc_stats.answers).
create function private.unreviewed_answer_groups(p_team_id uuid, p_days integer, p_until timestamptz)
  returns table (
    run_id uuid, run_at timestamptz, repo_slug text, suite text, verifier_model text, verifier_accept boolean,
    assertions_passed boolean, audit boolean, verifier_error boolean, with_answer boolean, n bigint, cost_usd numeric,
    priority integer
  )
  language sql stable security invoker set search_path = ''
as $$
  with period as materialized (
    select coalesce(p_until, now()) - make_interval(days => p_days) as since, coalesce(p_until, 'infinity'::timestamptz) as until
  )
  select r.id, r.run_at, r.repo_slug, r.suite, g ->> 'verifier_model', (g ->> 'verifier_accept')::boolean,
         (g ->> 'assertions_passed')::boolean, (g ->> 'audit')::boolean, (g ->> 'verifier_error')::boolean,
         (g ->> 'with_answer')::boolean, (g ->> 'n')::bigint, (g ->> 'cost_usd')::numeric, (g ->> 'priority')::integer
  from period w
  join public.eval_runs r on r.team_id = p_team_id and r.run_at >= w.since and r.run_at < w.until
  cross join lateral jsonb_array_elements(coalesce(r.doc_stats -> 'answers', '[]'::jsonb)) g
  where r.pruned_stats is null
    and r.id not in (select v.run_id from public.answer_reviews v where v.team_id = p_team_id)
$$;
revoke all on function private.unreviewed_answer_groups(uuid, integer, timestamptz) from public, anon;
grant execute on function private.unreviewed_answer_groups(uuid, integer, timestamptz) to authenticated, service_role;

-- Same signature and answer as before: unreviewed runs from doc_stats, reviewed runs from their
-- documents, pruned runs from the groups pruned_stats recorded (review counts included).
create or replace function public.verifier_outcomes(p_team_id uuid, p_days integer default 30, p_until timestamptz default null)
  returns table (
    repo_slug text, suite text, verifier_model text, accepted boolean, assertions_passed boolean, audit boolean,
    verifier_error boolean, reviews_correct bigint, reviews_incorrect bigint, decisions bigint, cost_usd numeric
  )
  language sql stable security invoker set search_path = ''
as $$
  with period as materialized (
    select coalesce(p_until, now()) - make_interval(days => p_days) as since, coalesce(p_until, 'infinity'::timestamptz) as until
  )
  select a.repo_slug, a.suite, a.verifier_model, a.verifier_accept, a.assertions_passed, a.audit, a.verifier_error,
         a.reviews_correct, a.reviews_incorrect, sum(a.n)::bigint, sum(a.cost_usd)
  from (
    select g.repo_slug, g.suite, g.verifier_model, g.verifier_accept, g.assertions_passed, g.audit, g.verifier_error,
           0::bigint as reviews_correct, 0::bigint as reviews_incorrect, g.n, g.cost_usd
    from private.unreviewed_answer_groups(p_team_id, p_days, p_until) g
    union all
    select x.repo_slug, x.suite, x.verifier_model, x.verifier_accept, x.assertions_passed, x.audit, x.verifier_error,
           x.reviews_correct, x.reviews_incorrect, 1, x.verifier_cost_usd
    from private.reviewed_answers(p_team_id, p_days, 0, p_until) x
    union all
    select r.repo_slug, r.suite, v ->> 'verifier_model', (v ->> 'accepted')::boolean, (v ->> 'assertions_passed')::boolean,
           (v ->> 'audit')::boolean, (v ->> 'verifier_error')::boolean, (v ->> 'reviews_correct')::bigint,
           (v ->> 'reviews_incorrect')::bigint, (v ->> 'decisions')::bigint, (v ->> 'cost_usd')::numeric
    from period w
    join public.eval_runs r on r.team_id = p_team_id and r.run_at >= w.since and r.run_at < w.until and r.pruned_stats is not null
    cross join lateral jsonb_array_elements(coalesce(r.pruned_stats -> 'verifier', '[]'::jsonb)) v
  ) a
  where a.verifier_model is not null
  group by 1, 2, 3, 4, 5, 6, 7, 8, 9
  order by 1, 2, 3, 4, 5, 6, 7, 8, 9
$$;

-- Same signature and answer as before: the counts from doc_stats (and the reviewed runs' documents),
-- the rows from the documents of only the runs that can reach the first p_limit.
create or replace function public.review_queue(
  p_team_id uuid, p_days integer default 30, p_limit integer default 30, p_until timestamptz default null
)
  returns table (
    run_id uuid, run_at timestamptz, repo_slug text, suite text, test_name text, trial integer, attempt integer,
    tier text, model text, verdict text, self_certified boolean, verifier_model text, verifier_accept boolean,
    verifier_error boolean, audit boolean, assertions_passed boolean, answer text, answer_length integer,
    reviews_correct bigint, reviews_incorrect bigint, priority integer, waiting bigint, waiting_in_priority bigint
  )
  language sql stable security invoker set search_path = ''
as $$
  with reviewed as (
    select x.*, private.review_priority(x.reviews_correct, x.reviews_incorrect, x.verifier_model, x.verifier_error,
                                        x.assertions_passed, x.verifier_accept) as priority
    from private.reviewed_answers(p_team_id, p_days, 2000, p_until) x
    where not x.my_review and x.answer is not null
  ),
  -- Runs without reviews: nobody reviewed their answers, the caller neither.
  unreviewed as (
    select g.run_id, g.run_at, g.priority, sum(g.n) as n
    from private.unreviewed_answer_groups(p_team_id, p_days, p_until) g
    where g.with_answer
    group by 1, 2, 3
  ),
  counts as (
    select priority, sum(n)::bigint as n from (
      select priority, n from unreviewed union all select priority, 1 from reviewed
    ) c group by priority
  ),
  -- The (run, priority) pairs whose answers can be among the first p_limit: fewer than p_limit
  -- answers come before their run's group (runs at the same time count together).
  needed as (
    select u.run_id, u.priority from (
      select u.*, sum(u.n) over (order by u.priority, u.run_at desc) - sum(u.n) over (partition by u.priority, u.run_at) as before
      from unreviewed u
    ) u
    where u.before < p_limit
  ),
  candidates as (
    select r.run_id, r.run_at, r.repo_slug, r.suite, r.test_name, r.trial, r.attempt, r.tier, r.model, r.verdict,
           r.self_certified, r.verifier_model, r.verifier_accept, r.verifier_error, r.audit, r.assertions_passed, r.answer,
           r.answer_length, r.reviews_correct, r.reviews_incorrect, r.priority
    from reviewed r
    union all
    select e.id, e.run_at, e.repo_slug, e.suite, x.test_name, x.trial, x.attempt, x.tier, x.model, x.verdict,
           x.self_certified, x.verifier_model, x.verifier_accept, x.verifier_error, x.audit, x.assertions_passed,
           left(x.answer, 2000), char_length(x.answer), 0::bigint, 0::bigint, n.priority
    from needed n
    join public.eval_runs e on e.id = n.run_id
    cross join lateral private.answers_of(e.result) x
    where x.verdict <> 'error' and x.answer is not null
      and private.review_priority(0, 0, x.verifier_model, x.verifier_error, x.assertions_passed, x.verifier_accept) = n.priority
  )
  select c.run_id, c.run_at, c.repo_slug, c.suite, c.test_name, c.trial, c.attempt, c.tier, c.model, c.verdict,
         c.self_certified, c.verifier_model, c.verifier_accept, c.verifier_error, c.audit, c.assertions_passed, c.answer,
         c.answer_length, c.reviews_correct, c.reviews_incorrect, c.priority,
         (select sum(n)::bigint from counts), (select k.n from counts k where k.priority = c.priority)
  from candidates c
  order by c.priority, c.run_at desc, c.test_name, c.trial, c.attempt
  limit p_limit
$$;

-- Same signature and answer as before (20261207100000_period_until.sql), from doc_stats, which
-- pruning leaves as it was: pruned runs need nothing else.
create or replace function public.judge_cache_savings(p_team_id uuid, p_days integer default 30, p_until timestamptz default null)
  returns table (hits bigint, hits_priced bigint, saved_usd numeric)
  language sql stable security invoker set search_path = ''
as $$
  with period as materialized (
    select coalesce(p_until, now()) - make_interval(days => p_days) as since, coalesce(p_until, 'infinity'::timestamptz) as until
  )
  select coalesce(sum((r.doc_stats -> 'judge_cache' ->> 'hits')::bigint), 0)::bigint,
         coalesce(sum((r.doc_stats -> 'judge_cache' ->> 'hits_priced')::bigint), 0)::bigint,
         coalesce(sum((r.doc_stats -> 'judge_cache' ->> 'saved_usd')::numeric), 0)
  from period w
  join public.eval_runs r on r.team_id = p_team_id and r.run_at >= w.since and r.run_at < w.until
$$;

-- As in 20261206120022_alert_episodes.sql, the verifier's decisions from doc_stats, not the documents.
create or replace function public.digest_week(p_team_id uuid, p_week_start date) returns jsonb
  language sql stable security invoker set search_path = ''
as $$
  with bounds as (
    select (p_week_start::timestamp at time zone 'utc') as w0,
           ((p_week_start + 7)::timestamp at time zone 'utc') as w1,
           ((p_week_start - 7)::timestamp at time zone 'utc') as p0
  ),
  week_runs as (
    select r.* from public.eval_runs r, bounds b where r.team_id = p_team_id and r.run_at >= b.w0 and r.run_at < b.w1
  ),
  prev_runs as (
    select r.* from public.eval_runs r, bounds b where r.team_id = p_team_id and r.run_at >= b.p0 and r.run_at < b.w0
  ),
  suites as (select distinct repo_slug, suite from week_runs),
  suite_runs as (
    select s.repo_slug, s.suite, x.id, x.run_at, x.pass_rate, x.in_week
    from suites s, bounds b,
    lateral (
      select * from (
        select r.id, r.run_at, r.pass_rate, false as in_week from public.eval_runs r
        where r.team_id = p_team_id and r.repo_slug = s.repo_slug and r.suite = s.suite and r.run_at < b.w0
        order by r.run_at desc limit 19
      ) before
      union all
      select r.id, r.run_at, r.pass_rate, true from week_runs r where r.repo_slug = s.repo_slug and r.suite = s.suite
    ) x
  ),
  windows as (
    select s.repo_slug, s.suite, w.kind, w.id, w.run_at
    from suites s, bounds b,
    lateral (
      select 'before' as kind, y.* from (
        select r.id, r.run_at from public.eval_runs r
        where r.team_id = p_team_id and r.repo_slug = s.repo_slug and r.suite = s.suite and r.run_at < b.w0
        order by r.run_at desc limit 10) y
      union all
      select 'through', z.* from (
        select r.id, r.run_at from public.eval_runs r
        where r.team_id = p_team_id and r.repo_slug = s.repo_slug and r.suite = s.suite and r.run_at < b.w1
        order by r.run_at desc limit 10) z
    ) w
  ),
  outcomes as (
    select w.repo_slug, w.suite, w.kind, x.test_name, w.run_at, bool_and(x.passed) as passed
    from windows w join public.eval_results x on x.run_id = w.id
    where not x.skipped
    group by w.repo_slug, w.suite, w.kind, x.test_name, w.id, w.run_at
  ),
  tests as (
    select o.repo_slug, o.suite, o.test_name,
           coalesce(jsonb_agg(o.passed order by o.run_at) filter (where o.kind = 'before'), '[]'::jsonb) as before,
           coalesce(jsonb_agg(o.passed order by o.run_at) filter (where o.kind = 'through'), '[]'::jsonb) as through
    from outcomes o
    group by o.repo_slug, o.suite, o.test_name
  ),
  tiers as (
    select t.key as tier, sum((t.value ->> 'tests')::bigint) as tests, sum((t.value ->> 'passed')::bigint) as passed,
           sum((t.value ->> 'cost_usd')::numeric) as cost_usd
    from week_runs r cross join lateral jsonb_each(r.tier_stats) t
    group by t.key
  ),
  -- The ladder's calls per attempt tier (eval_runs.attempt_stats, what the Costs and Escalation
  -- pages read): the spend of a tier is its model calls, the same number as the model table.
  attempt_tiers as (
    select a.key as tier, sum((a.value ->> 'attempts')::bigint) as attempts, sum((a.value ->> 'cost_usd')::numeric) as cost_usd
    from week_runs r cross join lateral jsonb_each(r.attempt_stats) a
    group by a.key
  ),
  -- The verifier's decisions of the week (eval_runs.doc_stats.decisions, as private.answers_of judges them).
  verifier as (
    select d ->> 'model' as model, (d ->> 'accepted')::boolean as accepted, (d ->> 'assertions_passed')::boolean as assertions_passed,
           sum((d ->> 'n')::bigint)::bigint as decisions
    from week_runs r cross join lateral jsonb_array_elements(coalesce(r.doc_stats -> 'decisions', '[]'::jsonb)) d
    group by 1, 2, 3
  )
  select jsonb_build_object(
    'week_start', p_week_start,
    'team', (select jsonb_build_object('slug', t.slug, 'name', t.name) from public.teams t where t.id = p_team_id),
    -- The team's own alert threshold decides the digest's regressions, as it does the alerts'
    -- (null when unset or not readable: the caller falls back to core's default).
    'alert_threshold_pp', (select s.alert_threshold_pp from public.team_settings s where s.team_id = p_team_id),
    'runs', (select count(*) from week_runs),
    'passed', (select coalesce(sum(passed), 0) from week_runs),
    'ran', (select coalesce(sum(total_tests - skipped), 0) from week_runs),
    'cost_usd', (select coalesce(sum(cost_usd), 0) from week_runs),
    'judge_cost_usd', (select coalesce(sum(judge_cost_usd), 0) from week_runs),
    'prev_runs', (select count(*) from prev_runs),
    'prev_passed', (select coalesce(sum(passed), 0) from prev_runs),
    'prev_ran', (select coalesce(sum(total_tests - skipped), 0) from prev_runs),
    'prev_cost_usd', (select coalesce(sum(cost_usd), 0) from prev_runs),
    'cost_by_model', coalesce((
      select jsonb_agg(jsonb_build_object('model', c.model, 'purpose', c.purpose, 'calls', c.calls, 'cost_usd', c.cost_usd)
                       order by c.cost_usd desc, c.model, c.purpose)
      from (select c.model, c.purpose, sum(c.calls) as calls, sum(c.cost_usd) as cost_usd
            from public.eval_costs c, bounds b
            where c.team_id = p_team_id and c.run_at >= b.w0 and c.run_at < b.w1
            group by c.model, c.purpose) c), '[]'::jsonb),
    -- Where each section links (null: no links).
    'dashboard_url', (select s.dashboard_url from public.team_settings s where s.team_id = p_team_id),
    'tier_attempts', coalesce((select jsonb_agg(jsonb_build_object('tier', t.tier, 'attempts', t.attempts, 'cost_usd', t.cost_usd)
                                                order by t.tier) from attempt_tiers t), '[]'::jsonb),
    'verifier', coalesce((select jsonb_agg(jsonb_build_object('model', v.model, 'accepted', v.accepted,
                                                              'assertions_passed', v.assertions_passed, 'decisions', v.decisions)
                                           order by v.model, v.accepted, v.assertions_passed) from verifier v), '[]'::jsonb),
    -- Tests in open alert episodes (as the digest is built): failing since the run they joined.
    'still_failing', coalesce((
      select jsonb_agg(jsonb_build_object('repo_slug', e.repo_slug, 'suite', e.suite, 'branch', nullif(e.branch, ''),
                                          'test', t.key, 'since', t.value ->> 'since', 'run_id', t.value ->> 'run_id')
                       order by t.value ->> 'since', e.repo_slug, e.suite, t.key)
      from public.alert_episodes e cross join lateral jsonb_each(e.tests) t
      where e.team_id = p_team_id), '[]'::jsonb),
    'tiers', coalesce((select jsonb_agg(jsonb_build_object('tier', t.tier, 'tests', t.tests, 'passed', t.passed, 'cost_usd', t.cost_usd)
                                        order by t.tier) from tiers t), '[]'::jsonb),
    'sessions', (select count(*) from public.session_transcripts s, bounds b
                 where s.team_id = p_team_id and s.started_at >= b.w0 and s.started_at < b.w1),
    'ships', coalesce((
      select jsonb_agg(jsonb_build_object('name', x.name, 'ships', x.n) order by x.n desc, x.name)
      from (select coalesce(m.display_name, 'someone') as name, count(*) as n
            from public.ship_logs s cross join bounds b
            left join public.team_members m on m.team_id = s.team_id and m.user_id = s.user_id
            where s.team_id = p_team_id and s.shipped_at >= b.w0 and s.shipped_at < b.w1
            group by 1) x), '[]'::jsonb),
    'suites', coalesce((
      select jsonb_agg(jsonb_build_object(
        'repo_slug', s.repo_slug, 'suite', s.suite,
        'runs', (select jsonb_agg(jsonb_build_object('id', r.id, 'run_at', r.run_at, 'pass_rate', r.pass_rate, 'in_week', r.in_week)
                                  order by r.run_at, r.id)
                 from suite_runs r where r.repo_slug = s.repo_slug and r.suite = s.suite),
        'tests', coalesce((select jsonb_agg(jsonb_build_object('name', t.test_name, 'before', t.before, 'through', t.through)
                                            order by t.test_name)
                           from tests t where t.repo_slug = s.repo_slug and t.suite = s.suite), '[]'::jsonb)
      ) order by s.repo_slug, s.suite) from suites s), '[]'::jsonb)
  )
$$;

-- =============================================================================
-- An index no reader uses
-- =============================================================================

-- eval_results (team_id, test_name) was for one test's history and the most expensive tests; both
-- now read per-run probes of the primary key (test_runs) and test_costs_daily (cost_leaders), and
-- the large benchmark's reads and pushes never scan it (pg_stat_user_indexes). It is 140 MB at
-- 22,000,000 results and one more random insert per result on every push. eval_results_team_id_idx
-- and eval_attempts_team_id_idx stay for now: the team foreign key they served is gone
-- (20261207110000_push_throughput.sql: the run key checks the team), but a member's REST read of
-- results or attempts by team would scan the table without them.
drop index public.eval_results_team_test_idx;
