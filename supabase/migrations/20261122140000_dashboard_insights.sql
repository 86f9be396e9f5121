-- Dashboard part 2 aggregates: tests across runs, costs by suite and test, the ladder's spend
-- per tier, the verifier's decisions against the deterministic assertions, the leaderboard with
-- CI grouped, and the runs behind the trend lines. Like the part 1 aggregates: security invoker
-- (RLS applies: a non-member gets nothing), the team passed explicitly so the team's indexes are
-- used, small answers. The rules that turn these facts into numbers (classification, savings,
-- false accepts/rejects) live once in packages/core/src/analytics.

-- =============================================================================
-- Indexes
-- =============================================================================

-- One test's history and the most expensive tests: results of a team by test name.
create index eval_results_team_test_idx on public.eval_results (team_id, test_name);

-- =============================================================================
-- Functions
-- =============================================================================

-- Each run of a team in the last p_days days with its pass rate, oldest first, per repo and suite:
-- the points of the trend lines and the input of core's regression rule.
create function public.suite_run_series(p_team_id uuid, p_days integer default 30)
  returns table (repo_slug text, suite text, run_id uuid, run_at timestamptz, pass_rate numeric)
  language sql stable security invoker set search_path = ''
as $$
  select r.repo_slug, r.suite, r.id, r.run_at, r.pass_rate
  from public.eval_runs r
  where r.team_id = p_team_id and r.run_at >= now() - make_interval(days => p_days)
  order by r.repo_slug, r.suite, r.run_at
$$;
comment on function public.suite_run_series(uuid, integer) is 'Runs with their pass rate per repo and suite, oldest first.';

-- One test across a suite's last p_runs runs, newest first, with the output of its latest
-- failing and latest passing run (cut to p_output_chars).
create function public.test_runs(
  p_team_id uuid, p_repo_slug text, p_suite text, p_test_name text, p_runs integer default 30, p_output_chars integer default 4000
)
  returns jsonb
  language sql stable security invoker set search_path = ''
as $$
  with recent as (
    select r.id, r.run_at, r.result from public.eval_runs r
    where r.team_id = p_team_id and r.repo_slug = p_repo_slug and r.suite = p_suite
    order by r.run_at desc
    limit p_runs
  ),
  rows as (
    select rc.id as run_id, rc.run_at, rc.result, e.trial, e.passed, e.skipped, e.resolved_tier, e.resolved_model,
           e.cost_usd, e.duration_ms, e.error, e.category
    from recent rc
    join public.eval_results e on e.run_id = rc.id and e.test_name = p_test_name
  )
  select jsonb_build_object(
    'category', (select category from rows order by run_at desc limit 1),
    'runs', coalesce((select jsonb_agg(jsonb_build_object(
        'run_id', run_id, 'run_at', run_at, 'trial', trial, 'passed', passed, 'skipped', skipped,
        'resolved_tier', resolved_tier, 'resolved_model', resolved_model, 'cost_usd', cost_usd,
        'duration_ms', duration_ms, 'error', error) order by run_at desc, trial desc) from rows), '[]'::jsonb),
    'latest_fail', (select jsonb_build_object('run_id', run_id, 'run_at', run_at,
        'doc', public.dashboard_test_doc(result, p_test_name, trial, p_output_chars))
      from rows where not passed and not skipped order by run_at desc, trial desc limit 1),
    'latest_pass', (select jsonb_build_object('run_id', run_id, 'run_at', run_at,
        'doc', public.dashboard_test_doc(result, p_test_name, trial, p_output_chars))
      from rows where passed order by run_at desc, trial desc limit 1)
  )
$$;
comment on function public.test_runs(uuid, text, text, text, integer, integer) is 'One test across a suite''s recent runs, with its latest failing and passing output.';

-- The most expensive suites and tests in the last p_days days.
create function public.cost_leaders(p_team_id uuid, p_days integer default 30, p_limit integer default 10)
  returns jsonb
  language sql stable security invoker set search_path = ''
as $$
  with runs as (
    select r.id, r.repo_slug, r.suite, r.cost_usd, r.judge_cost_usd from public.eval_runs r
    where r.team_id = p_team_id and r.run_at >= now() - make_interval(days => p_days)
  )
  select jsonb_build_object(
    'suites', coalesce((select jsonb_agg(s order by s.cost_usd desc) from (
        select repo_slug, suite, count(*) as runs, sum(cost_usd) as cost_usd, sum(judge_cost_usd) as judge_cost_usd
        from runs group by repo_slug, suite order by sum(cost_usd) desc limit p_limit) s), '[]'::jsonb),
    'tests', coalesce((select jsonb_agg(t order by t.cost_usd desc) from (
        select r.repo_slug, r.suite, e.test_name, count(*) as runs, sum(e.cost_usd) as cost_usd
        from runs r
        -- Per run through the results' primary key (offset 0 keeps the planner from turning this
        -- into a hash join over every result of every team).
        cross join lateral (select x.test_name, x.cost_usd from public.eval_results x where x.run_id = r.id offset 0) e
        group by r.repo_slug, r.suite, e.test_name order by sum(e.cost_usd) desc limit p_limit) t), '[]'::jsonb)
  )
$$;
comment on function public.cost_leaders(uuid, integer, integer) is 'The most expensive suites and tests in the window.';

-- Ladder spend per repo, suite and tier in the last p_days days: attempts and their cost, tests
-- resolved at the tier, and the suite's tests that ran (the input of core's ladderSavings).
create function public.ladder_spend(p_team_id uuid, p_days integer default 30)
  returns table (repo_slug text, suite text, tests bigint, tier text, attempts bigint, cost_usd numeric, resolved bigint)
  language sql stable security invoker set search_path = ''
as $$
  with runs as (
    select r.id, r.repo_slug, r.suite from public.eval_runs r
    where r.team_id = p_team_id and r.run_at >= now() - make_interval(days => p_days)
  ),
  -- Results and attempts per run through their primary keys (offset 0 keeps the planner from
  -- turning these into hash joins over every team's rows).
  results as (
    select r.repo_slug, r.suite, e.resolved_tier
    from runs r
    cross join lateral (select x.resolved_tier from public.eval_results x where x.run_id = r.id and not x.skipped offset 0) e
  ),
  tests as (
    select repo_slug, suite, count(*) as n from results group by 1, 2
  ),
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
  select a.repo_slug, a.suite, coalesce(t.n, 0), a.tier, a.n, a.cost, coalesce(v.n, 0)
  from attempts a
  left join tests t on t.repo_slug = a.repo_slug and t.suite = a.suite
  left join resolved v on v.repo_slug = a.repo_slug and v.suite = a.suite and v.tier = a.tier
  order by a.repo_slug, a.suite, a.tier
$$;
comment on function public.ladder_spend(uuid, integer) is 'Per suite and tier: attempts, their cost, tests resolved there, and the suite''s tests.';

-- Every verifier decision in the last p_days days, grouped: the verifier model, whether it
-- accepted, and whether the same answer passed the test's deterministic assertions (the
-- attempt's own assertions_passed; for the accepted answer, else the test's non-judge
-- assertions; null when neither tells). Read from the result documents as pushed.
create function public.verifier_decisions(p_team_id uuid, p_days integer default 30)
  returns table (repo_slug text, suite text, verifier_model text, accepted boolean, assertions_passed boolean, decisions bigint)
  language sql stable security invoker set search_path = ''
as $$
  select r.repo_slug, r.suite, a -> 'verifier' ->> 'model', (a -> 'verifier' ->> 'accept')::boolean,
         coalesce(
           (a ->> 'assertions_passed')::boolean,
           case when (a -> 'verifier' ->> 'accept')::boolean and a ->> 'verdict' = 'accept' then (
             select bool_and((x ->> 'passed')::boolean) from jsonb_array_elements(coalesce(t -> 'assertions', '[]'::jsonb)) x
             where x ->> 'type' <> 'judge'
           ) end
         ),
         count(*)
  from public.eval_runs r
  cross join lateral jsonb_array_elements(coalesce(r.result -> 'all_results', '[]'::jsonb)) t
  cross join lateral jsonb_array_elements(coalesce(t -> 'attempts', '[]'::jsonb)) a
  where r.team_id = p_team_id and r.run_at >= now() - make_interval(days => p_days)
    and jsonb_typeof(a -> 'verifier') = 'object'
  group by 1, 2, 3, 4, 5
  order by 1, 2, 3, 4, 5
$$;
comment on function public.verifier_decisions(uuid, integer) is 'Verifier decisions per suite and model, with the deterministic assertions'' outcome on the same answer.';

-- Per person (CI tokens grouped as one "CI" row) over the last p_days days: runs, tests passed and
-- run, cost, and the UTC days with a run in the last 400 days (core's dayStreak counts the streak).
create function public.leaderboard_runs(p_team_id uuid, p_days integer default 7)
  returns table (user_id uuid, name text, runs bigint, passed bigint, ran bigint, cost_usd numeric, days date[])
  language sql stable security invoker set search_path = ''
as $$
  with windowed as (
    select r.user_id, count(*) as runs, sum(r.passed) as passed, sum(r.total_tests - r.skipped) as ran, sum(r.cost_usd) as cost
    from public.eval_runs r
    where r.team_id = p_team_id and r.run_at >= now() - make_interval(days => p_days)
    group by r.user_id
  ),
  active_days as (
    select r.user_id, array_agg(distinct (r.run_at at time zone 'utc')::date) as days
    from public.eval_runs r
    where r.team_id = p_team_id and r.run_at >= now() - interval '400 days'
    group by r.user_id
  )
  select w.user_id,
         case when w.user_id is null then 'CI'
              else coalesce((select coalesce(m.display_name, m.email) from public.team_members m
                             where m.team_id = p_team_id and m.user_id = w.user_id), 'former member') end,
         w.runs, w.passed, w.ran, w.cost,
         coalesce((select d.days from active_days d where d.user_id is not distinct from w.user_id), '{}')
  from windowed w
  order by w.runs desc
$$;
comment on function public.leaderboard_runs(uuid, integer) is 'Runs, pass counts, cost and active days per member, CI tokens as one row.';

grant execute on function
  public.suite_run_series(uuid, integer),
  public.test_runs(uuid, text, text, text, integer, integer),
  public.cost_leaders(uuid, integer, integer),
  public.ladder_spend(uuid, integer),
  public.verifier_decisions(uuid, integer),
  public.leaderboard_runs(uuid, integer)
  to authenticated, service_role;
