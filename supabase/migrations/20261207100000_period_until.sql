-- A period that ends where the reader says (issue 25: a custom date range on the dashboard).
--
-- The dashboard's period RPCs counted p_days back from now, so a page could show "the last N
-- days" or "since a date" but never October alone. Each gains p_until timestamptz default null:
-- the period is [coalesce(p_until, now()) - p_days days, p_until), null meaning now (and no upper
-- bound, as before). The dashboard asks for a range of whole UTC days as p_until = the midnight
-- after its last day and p_days = its length in days. Called without p_until, every function
-- answers exactly as before (the CLI's `gstack eval leaderboard --team` calls leaderboard_runs
-- with named arguments and keeps working). A changed signature is a drop and a create; the
-- grants are restated as they were (execute for authenticated and service_role only).
--
-- Each function reads the period's two ends from a one-row materialized CTE (`period`, `bounds`):
-- written inline, a two-sided range on coalesce(parameter, now()) got the planner's default
-- estimate and it read every run of the team through a team_id-only index; from a CTE row the
-- ends are the (team_id, run_at) index's range (supabase/tests/query-plans.int.test.ts).

-- =============================================================================
-- Functions
-- =============================================================================

drop function public.verifier_outcomes(uuid, integer);
drop function public.review_queue(uuid, integer, integer);
drop function public.team_answers(uuid, integer, integer);
drop function public.cost_series(uuid, integer);
drop function public.cost_per_model(uuid, integer);
drop function public.cost_leaders(uuid, integer, integer);
drop function public.ladder_spend(uuid, integer);
drop function public.judge_cache_savings(uuid, integer);
drop function public.leaderboard_runs(uuid, integer, text);
drop function public.pass_rate_series(uuid, integer);
drop function public.suite_run_series(uuid, integer);

-- Pass rate per repo, suite and UTC day of the period (20261123120000_one_rule.sql, bounded).
create function public.pass_rate_series(p_team_id uuid, p_days integer default 30, p_until timestamptz default null)
  returns table (repo_slug text, suite text, day date, runs bigint, passed bigint, ran bigint, pass_rate numeric)
  language sql stable security invoker set search_path = ''
as $$
  with period as materialized (
    select coalesce(p_until, now()) - make_interval(days => p_days) as since, coalesce(p_until, 'infinity'::timestamptz) as until
  )
  select r.repo_slug, r.suite, (r.run_at at time zone 'utc')::date as day, count(*), sum(r.passed), sum(r.total_tests - r.skipped),
         private.pass_rate(sum(r.passed), sum(r.total_tests - r.skipped))
  from period w, public.eval_runs r
  where r.team_id = p_team_id and r.run_at >= w.since and r.run_at < w.until
  group by 1, 2, 3
  order by 1, 2, 3
$$;
comment on function public.pass_rate_series(uuid, integer, timestamptz) is
  'Pass rate per repo, suite and UTC day of the period (p_days before p_until, default now).';

-- Each run of the period with its pass rate, oldest first, per repo and suite (the trend lines'
-- runs and core's regression rule; 20261122140000_dashboard_insights.sql, bounded).
create function public.suite_run_series(p_team_id uuid, p_days integer default 30, p_until timestamptz default null)
  returns table (repo_slug text, suite text, run_id uuid, run_at timestamptz, pass_rate numeric)
  language sql stable security invoker set search_path = ''
as $$
  with period as materialized (
    select coalesce(p_until, now()) - make_interval(days => p_days) as since, coalesce(p_until, 'infinity'::timestamptz) as until
  )
  select r.repo_slug, r.suite, r.id, r.run_at, r.pass_rate
  from period w, public.eval_runs r
  where r.team_id = p_team_id and r.run_at >= w.since and r.run_at < w.until
  order by r.repo_slug, r.suite, r.run_at
$$;
comment on function public.suite_run_series(uuid, integer, timestamptz) is 'Runs of the period with their pass rate per repo and suite, oldest first.';

-- Spend per bucket over the period (20261206110002_costs_period.sql, bounded): UTC days for
-- p_days <= 7, else UTC weeks (Monday start; the first bucket starts at the period's first day).
-- The calendar runs from the period's first UTC day to its last (the day of the instant before
-- p_until; today without p_until); every bucket is a row, with how many of its days fall in it.
create function public.cost_series(p_team_id uuid, p_days integer default 30, p_until timestamptz default null)
  returns table (bucket date, days integer, runs bigint, cost_usd numeric, judge_cost_usd numeric)
  language sql stable security invoker set search_path = ''
as $$
  with bounds as (
    select coalesce(p_until, now()) - make_interval(days => p_days) as since,
           coalesce(p_until, 'infinity'::timestamptz) as until,
           case when p_until is null then (now() at time zone 'utc')::date
                else ((p_until - interval '1 microsecond') at time zone 'utc')::date end as last_day
  ),
  calendar as (
    select g::date as day from bounds b, generate_series((b.since at time zone 'utc')::date, b.last_day, interval '1 day') g
  ),
  keyed as (
    select c.day,
           case when p_days <= 7 then c.day
                else greatest((date_trunc('week', c.day))::date, (select (b.since at time zone 'utc')::date from bounds b)) end as bucket
    from calendar c
  ),
  spend as (
    select (r.run_at at time zone 'utc')::date as day, count(*) as runs, sum(r.cost_usd) as cost, sum(r.judge_cost_usd) as judge
    from public.eval_runs r, bounds b
    where r.team_id = p_team_id and r.run_at >= b.since and r.run_at < b.until
    group by 1
  )
  select k.bucket, count(*)::integer, coalesce(sum(s.runs), 0)::bigint, coalesce(sum(s.cost), 0), coalesce(sum(s.judge), 0)
  from keyed k
  left join spend s on s.day = k.day
  group by k.bucket
  order by k.bucket
$$;
comment on function public.cost_series(uuid, integer, timestamptz) is
  'Spend per day (7 days) or week over the period, every bucket present, with the judge''s part.';

-- Per model over the period (20261206140100_response_cache_costs.sql, bounded).
create function public.cost_per_model(p_team_id uuid, p_days integer default 30, p_until timestamptz default null)
  returns table (
    model text, purpose text, calls bigint, input_tokens numeric, output_tokens numeric,
    cache_read_tokens numeric, cache_write_tokens numeric, cost_usd numeric, exact boolean, cached_calls bigint
  )
  language sql stable security invoker set search_path = ''
as $$
  with period as materialized (
    select coalesce(p_until, now()) - make_interval(days => p_days) as since, coalesce(p_until, 'infinity'::timestamptz) as until
  )
  select c.model, c.purpose, sum(c.calls), sum(c.input_tokens), sum(c.output_tokens), sum(c.cache_read_tokens),
         sum(c.cache_write_tokens), sum(c.cost_usd), bool_and(c.exact), sum(c.cached_calls)
  from period w, public.eval_costs c
  where c.team_id = p_team_id and c.run_at >= w.since and c.run_at < w.until
  group by c.model, c.purpose
  order by sum(c.cost_usd) desc, c.model
$$;
comment on function public.cost_per_model(uuid, integer, timestamptz) is
  'Calls, tokens and cost per model, and the calls the response cache answered; exact is false when any cost was estimated.';

-- The most expensive suites and tests of the period (20261123150000_test_cost_rollup.sql, bounded
-- at both ends). Tests: the whole UTC days inside the period from test_costs_daily; the days it
-- covers only in part (its first unless it starts at midnight; its last when p_until is not a
-- midnight) from the results of those days' runs in the period. Without p_until the period runs
-- to now and its last day (today) is whole from the rollup, as before.
create function public.cost_leaders(
  p_team_id uuid, p_days integer default 30, p_limit integer default 10, p_until timestamptz default null
)
  returns jsonb
  language sql stable security invoker set search_path = ''
as $$
  with window_ as (
    select coalesce(p_until, now()) - make_interval(days => p_days) as since,
           coalesce(p_until, 'infinity'::timestamptz) as until
  ),
  bounds as (
    select w.since, w.until,
           -- The first whole day: the period's first day when it starts at midnight, else the next.
           private.utc_day(w.since) + case when w.since = private.utc_day(w.since)::timestamp at time zone 'UTC' then 0 else 1 end
             as whole_from,
           -- The first day not whole: the day p_until falls on (none without p_until).
           case when p_until is null then 'infinity'::date else private.utc_day(p_until) end as whole_to
    from window_ w
  ),
  runs as (
    select r.id, r.repo_slug, r.suite, r.cost_usd, r.judge_cost_usd, r.run_at from public.eval_runs r, bounds b
    where r.team_id = p_team_id and r.run_at >= b.since and r.run_at < b.until
  ),
  test_costs as (
    select d.repo_slug, d.suite, d.test_name, d.results, d.cost_usd
    from public.test_costs_daily d, bounds b
    where d.team_id = p_team_id and d.day >= b.whole_from and d.day < b.whole_to
    union all
    -- The partial days' runs, their results through the results' primary key (offset 0 keeps the
    -- planner from turning this into a hash join over every result of every team).
    select r.repo_slug, r.suite, e.test_name, 1, e.cost_usd
    from runs r
    cross join bounds b
    cross join lateral (select x.test_name, x.cost_usd from public.eval_results x where x.run_id = r.id offset 0) e
    where r.run_at < b.whole_from::timestamp at time zone 'UTC' or r.run_at >= b.whole_to::timestamp at time zone 'UTC'
  )
  select jsonb_build_object(
    'suites', coalesce((select jsonb_agg(s order by s.cost_usd desc, s.repo_slug, s.suite) from (
        select repo_slug, suite, count(*) as runs, sum(cost_usd) as cost_usd, sum(judge_cost_usd) as judge_cost_usd
        from runs group by repo_slug, suite order by sum(cost_usd) desc, repo_slug, suite limit p_limit) s), '[]'::jsonb),
    'tests', coalesce((select jsonb_agg(t order by t.cost_usd desc, t.repo_slug, t.suite, t.test_name) from (
        select repo_slug, suite, test_name, sum(results)::bigint as runs, sum(cost_usd) as cost_usd
        from test_costs
        group by repo_slug, suite, test_name order by sum(cost_usd) desc, repo_slug, suite, test_name limit p_limit) t), '[]'::jsonb)
  )
$$;
comment on function public.cost_leaders(uuid, integer, integer, timestamptz) is 'The most expensive suites and tests of the period.';

-- Per suite and attempt tier over the period, from the runs' rollups (20261123130000_ladder_rollup.sql, bounded).
create function public.ladder_spend(p_team_id uuid, p_days integer default 30, p_until timestamptz default null)
  returns table (repo_slug text, suite text, tests bigint, tier text, attempts bigint, cost_usd numeric, resolved bigint)
  language sql stable security invoker set search_path = ''
as $$
  with period as materialized (
    select coalesce(p_until, now()) - make_interval(days => p_days) as since, coalesce(p_until, 'infinity'::timestamptz) as until
  ),
  runs as (
    select r.repo_slug, r.suite, r.tier_stats, r.attempt_stats from period w, public.eval_runs r
    where r.team_id = p_team_id and r.run_at >= w.since and r.run_at < w.until
  ),
  by_resolved as (
    select r.repo_slug, r.suite, t.key as tier, sum((t.value ->> 'tests')::bigint)::bigint as n
    from runs r cross join lateral jsonb_each(r.tier_stats) t
    group by 1, 2, 3
  ),
  tests as (
    select repo_slug, suite, sum(n)::bigint as n from by_resolved group by 1, 2
  ),
  attempts as (
    select r.repo_slug, r.suite, a.key as tier, sum((a.value ->> 'attempts')::bigint)::bigint as n,
           sum((a.value ->> 'cost_usd')::numeric) as cost
    from runs r cross join lateral jsonb_each(r.attempt_stats) a
    group by 1, 2, 3
  )
  select a.repo_slug, a.suite, coalesce(t.n, 0), a.tier, a.n, a.cost, coalesce(v.n, 0)
  from attempts a
  left join tests t on t.repo_slug = a.repo_slug and t.suite = a.suite
  left join by_resolved v on v.repo_slug = a.repo_slug and v.suite = a.suite and v.tier = a.tier and v.tier <> '(none)'
  order by a.repo_slug, a.suite, a.tier
$$;
comment on function public.ladder_spend(uuid, integer, timestamptz) is 'Per suite and tier: attempts, their cost, tests resolved there, and the suite''s tests.';

-- Judge and verifier verdicts served from the cache in the period, and what each cost when first
-- paid (20261206110002_costs_period.sql, bounded).
create function public.judge_cache_savings(p_team_id uuid, p_days integer default 30, p_until timestamptz default null)
  returns table (hits bigint, hits_priced bigint, saved_usd numeric)
  language sql stable security invoker set search_path = ''
as $$
  with period as materialized (
    select coalesce(p_until, now()) - make_interval(days => p_days) as since, coalesce(p_until, 'infinity'::timestamptz) as until
  ),
  runs as (
    select r.result from period w, public.eval_runs r
    where r.team_id = p_team_id and r.run_at >= w.since and r.run_at < w.until
  ),
  verdicts as (
    select (j ->> 'cached')::boolean as cached, (j ->> 'saved_usd')::numeric as saved
    from runs r
    cross join lateral jsonb_array_elements(coalesce(r.result -> 'all_results', '[]'::jsonb)) t
    cross join lateral jsonb_array_elements(coalesce(t -> 'judge', '[]'::jsonb)) j
    union all
    select (a -> 'verifier' ->> 'cached')::boolean, (a -> 'verifier' ->> 'saved_usd')::numeric
    from runs r
    cross join lateral jsonb_array_elements(coalesce(r.result -> 'all_results', '[]'::jsonb)) t
    cross join lateral jsonb_array_elements(coalesce(t -> 'attempts', '[]'::jsonb)) a
    where jsonb_typeof(a -> 'verifier') = 'object'
  )
  select count(*) filter (where cached), count(*) filter (where cached and saved is not null),
         coalesce(sum(saved) filter (where cached), 0)
  from verdicts
$$;
comment on function public.judge_cache_savings(uuid, integer, timestamptz) is
  'Judge and verifier verdicts served from the cache in the period, and what they cost when first paid.';

-- Per person (CI tokens as one "CI" row, user_id null) over the period, only repository
-- p_repo_slug when given (20261123110000_cli_team_reads.sql, bounded): runs, tests passed and
-- run, cost, ships, sessions; and the UTC days with a run in the last 400 days up to now (core's
-- dayStreak counts the streak up to today, whatever the period).
create function public.leaderboard_runs(
  p_team_id uuid, p_days integer default 7, p_repo_slug text default null, p_until timestamptz default null
)
  returns table (
    user_id uuid, name text, runs bigint, passed bigint, ran bigint, cost_usd numeric, days date[],
    ships bigint, sessions bigint
  )
  language sql stable security invoker set search_path = ''
as $$
  with period as (
    select coalesce(p_until, now()) - make_interval(days => p_days) as t, coalesce(p_until, 'infinity'::timestamptz) as u
  ),
  windowed as (
    select r.user_id, count(*) as runs, sum(r.passed) as passed, sum(r.total_tests - r.skipped) as ran, sum(r.cost_usd) as cost
    from public.eval_runs r, period
    where r.team_id = p_team_id and r.run_at >= period.t and r.run_at < period.u
      and (p_repo_slug is null or r.repo_slug = p_repo_slug)
    group by r.user_id
  ),
  ships as (
    select s.user_id, count(*) as n from public.ship_logs s, period
    where s.team_id = p_team_id and s.shipped_at >= period.t and s.shipped_at < period.u
      and (p_repo_slug is null or s.repo_slug = p_repo_slug)
    group by s.user_id
  ),
  sessions as (
    select t.user_id, count(*) as n from public.session_transcripts t, period
    where t.team_id = p_team_id and t.started_at >= period.t and t.started_at < period.u
      and (p_repo_slug is null or t.repo_slug = p_repo_slug)
    group by t.user_id
  ),
  -- union (not union all): one row per person, and one for CI (null user_id).
  people as (
    select w.user_id from windowed w union select s.user_id from ships s union select t.user_id from sessions t
  ),
  active_days as (
    select r.user_id, array_agg(distinct (r.run_at at time zone 'utc')::date) as days
    from public.eval_runs r
    where r.team_id = p_team_id and r.run_at >= now() - interval '400 days'
      and (p_repo_slug is null or r.repo_slug = p_repo_slug)
    group by r.user_id
  )
  select p.user_id,
         case when p.user_id is null then 'CI'
              else coalesce((select coalesce(m.display_name, m.email) from public.team_members m
                             where m.team_id = p_team_id and m.user_id = p.user_id), 'former member') end,
         coalesce(w.runs, 0), coalesce(w.passed, 0), coalesce(w.ran, 0), coalesce(w.cost, 0),
         coalesce((select d.days from active_days d where d.user_id is not distinct from p.user_id), '{}'),
         coalesce(s.n, 0), coalesce(t.n, 0)
  from people p
  left join windowed w on w.user_id is not distinct from p.user_id
  left join ships s on s.user_id = p.user_id
  left join sessions t on t.user_id = p.user_id
  order by coalesce(w.runs, 0) desc
$$;
comment on function public.leaderboard_runs(uuid, integer, text, timestamptz) is
  'Runs, pass counts, cost, ships, sessions and active days per member (optionally one repository) over the period, CI tokens as one row.';

-- Every ladder answer of the period, read from the pushed documents (20261206110000_answer_reviews.sql,
-- bounded): verifier_outcomes and review_queue read it; the demo seed marks reviews through it.
create function public.team_answers(
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
  from period w
  join public.eval_runs r on r.team_id = p_team_id and r.run_at >= w.since and r.run_at < w.until
  cross join lateral jsonb_array_elements(coalesce(r.result -> 'all_results', '[]'::jsonb)) t
  cross join lateral jsonb_array_elements(coalesce(t -> 'attempts', '[]'::jsonb)) a
  left join lateral (
    select count(*) filter (where v.correct) as correct, count(*) filter (where not v.correct) as incorrect,
           bool_or(v.reviewer = (select auth.uid())) as mine
    from public.answer_reviews v
    where v.run_id = r.id and v.test_name = t ->> 'name' and v.trial = coalesce((t ->> 'trial')::integer, 1)
      and v.attempt = (a ->> 'attempt')::integer
  ) rv on true
  where a ->> 'verdict' <> 'error'
$$;
comment on function public.team_answers(uuid, integer, integer, timestamptz) is
  'Every ladder answer of a period with its verdict source, assertion outcome and reviews.';

-- The verifier's decisions of the period, grouped (20261206110000_answer_reviews.sql, bounded).
create function public.verifier_outcomes(p_team_id uuid, p_days integer default 30, p_until timestamptz default null)
  returns table (
    repo_slug text, suite text, verifier_model text, accepted boolean, assertions_passed boolean, audit boolean,
    verifier_error boolean, reviews_correct bigint, reviews_incorrect bigint, decisions bigint, cost_usd numeric
  )
  language sql stable security invoker set search_path = ''
as $$
  select a.repo_slug, a.suite, a.verifier_model, a.verifier_accept, a.assertions_passed, a.audit, a.verifier_error,
         a.reviews_correct, a.reviews_incorrect, count(*), sum(a.verifier_cost_usd)
  from public.team_answers(p_team_id, p_days, 0, p_until) a
  where a.verifier_model is not null
  group by 1, 2, 3, 4, 5, 6, 7, 8, 9
  order by 1, 2, 3, 4, 5, 6, 7, 8, 9
$$;
comment on function public.verifier_outcomes(uuid, integer, timestamptz) is
  'Verifier decisions grouped with the assertions'' outcome, audit flag and review counts.';

-- Answers of the period for the caller to label, most useful first (20261206110000_answer_reviews.sql, bounded).
create function public.review_queue(
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
    from public.team_answers(p_team_id, p_days, 2000, p_until) a
    where not a.my_review and a.answer is not null
  )
  select o.run_id, o.run_at, o.repo_slug, o.suite, o.test_name, o.trial, o.attempt, o.tier, o.model, o.verdict,
         o.self_certified, o.verifier_model, o.verifier_accept, o.verifier_error, o.audit, o.assertions_passed, o.answer,
         o.answer_length, o.reviews_correct, o.reviews_incorrect, o.priority, count(*) over (), count(*) over (partition by o.priority)
  from open o
  order by o.priority, o.run_at desc, o.test_name, o.trial, o.attempt
  limit p_limit
$$;
comment on function public.review_queue(uuid, integer, integer, timestamptz) is
  'Answers the caller has not reviewed, disagreements and uncertain verdicts first.';

-- =============================================================================
-- Grants (as before: execute for signed-in members, through RLS, and the service role)
-- =============================================================================

revoke all on function
  public.pass_rate_series(uuid, integer, timestamptz),
  public.suite_run_series(uuid, integer, timestamptz),
  public.cost_series(uuid, integer, timestamptz),
  public.cost_per_model(uuid, integer, timestamptz),
  public.cost_leaders(uuid, integer, integer, timestamptz),
  public.ladder_spend(uuid, integer, timestamptz),
  public.judge_cache_savings(uuid, integer, timestamptz),
  public.leaderboard_runs(uuid, integer, text, timestamptz),
  public.team_answers(uuid, integer, integer, timestamptz),
  public.verifier_outcomes(uuid, integer, timestamptz),
  public.review_queue(uuid, integer, integer, timestamptz)
  from public, anon;
grant execute on function
  public.pass_rate_series(uuid, integer, timestamptz),
  public.suite_run_series(uuid, integer, timestamptz),
  public.cost_series(uuid, integer, timestamptz),
  public.cost_per_model(uuid, integer, timestamptz),
  public.cost_leaders(uuid, integer, integer, timestamptz),
  public.ladder_spend(uuid, integer, timestamptz),
  public.judge_cache_savings(uuid, integer, timestamptz),
  public.leaderboard_runs(uuid, integer, text, timestamptz),
  public.team_answers(uuid, integer, integer, timestamptz),
  public.verifier_outcomes(uuid, integer, timestamptz),
  public.review_queue(uuid, integer, integer, timestamptz)
  to authenticated, service_role;
