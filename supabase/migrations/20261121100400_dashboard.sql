-- Dashboard aggregates: small answers computed next to the data, so pages read kilobytes
-- instead of whole tables. Every function is security invoker (RLS applies: a non-member
-- gets empty results) and takes the team explicitly so the team's indexes are used.
-- Weeks start on Monday, UTC. Pass rates are percentages of tests that ran (skips excluded).

-- Team overview: runs, pass rate and cost this week vs last, people active now.
create function public.dashboard_overview(p_team_id uuid, p_active_minutes integer default 15)
  returns jsonb
  language sql stable security invoker set search_path = ''
as $$
  with bounds as (
    select date_trunc('week', now() at time zone 'utc') at time zone 'utc' as this_week
  ),
  weekly as (
    select
      count(*) filter (where r.run_at >= b.this_week) as runs_this_week,
      count(*) filter (where r.run_at < b.this_week) as runs_last_week,
      sum(r.passed) filter (where r.run_at >= b.this_week) as passed_this_week,
      sum(r.total_tests - r.skipped) filter (where r.run_at >= b.this_week) as ran_this_week,
      sum(r.passed) filter (where r.run_at < b.this_week) as passed_last_week,
      sum(r.total_tests - r.skipped) filter (where r.run_at < b.this_week) as ran_last_week,
      coalesce(sum(r.cost_usd) filter (where r.run_at >= b.this_week), 0) as cost_this_week,
      coalesce(sum(r.cost_usd) filter (where r.run_at < b.this_week), 0) as cost_last_week
    from bounds b
    join public.eval_runs r on r.team_id = p_team_id and r.run_at >= b.this_week - interval '7 days'
  )
  select jsonb_build_object(
    'runs_total', (select count(*) from public.eval_runs where team_id = p_team_id),
    'last_run_at', (select max(run_at) from public.eval_runs where team_id = p_team_id),
    'runs_this_week', w.runs_this_week,
    'runs_last_week', w.runs_last_week,
    'pass_rate_this_week', case when w.ran_this_week > 0 then round(100.0 * w.passed_this_week / w.ran_this_week, 2) end,
    'pass_rate_last_week', case when w.ran_last_week > 0 then round(100.0 * w.passed_last_week / w.ran_last_week, 2) end,
    'cost_this_week', w.cost_this_week,
    'cost_last_week', w.cost_last_week,
    'active_now', (
      select count(distinct h.user_id) from public.sync_heartbeats h
      where h.team_id = p_team_id and h.last_seen_at > now() - make_interval(mins => p_active_minutes)
    )
  )
  from weekly w
$$;
comment on function public.dashboard_overview(uuid, integer) is 'Team overview: run counts, pass rate and cost this week and last, active people.';

-- Daily pass rate per repo and suite over the last p_days days.
create function public.pass_rate_series(p_team_id uuid, p_days integer default 30)
  returns table (repo_slug text, suite text, day date, runs bigint, passed bigint, ran bigint, pass_rate numeric)
  language sql stable security invoker set search_path = ''
as $$
  select r.repo_slug, r.suite, (r.run_at at time zone 'utc')::date as day, count(*), sum(r.passed), sum(r.total_tests - r.skipped),
         case when sum(r.total_tests - r.skipped) > 0 then round(100.0 * sum(r.passed) / sum(r.total_tests - r.skipped), 2) end
  from public.eval_runs r
  where r.team_id = p_team_id and r.run_at >= now() - make_interval(days => p_days)
  group by 1, 2, 3
  order by 1, 2, 3
$$;
comment on function public.pass_rate_series(uuid, integer) is 'Pass rate per repo, suite and UTC day.';

-- Per-test outcomes over the last p_runs runs of one suite, oldest first: the input of the
-- trend/flaky classification in packages/core.
create function public.test_history(p_team_id uuid, p_repo_slug text, p_suite text, p_runs integer default 20)
  returns table (test_name text, category text, outcomes boolean[], run_ats timestamptz[], last_tier text)
  language sql stable security invoker set search_path = ''
as $$
  with recent as (
    select r.id, r.run_at from public.eval_runs r
    where r.team_id = p_team_id and r.repo_slug = p_repo_slug and r.suite = p_suite
    order by r.run_at desc
    limit p_runs
  )
  select e.test_name,
         (array_agg(e.category order by rc.run_at desc))[1],
         array_agg(e.passed order by rc.run_at, e.trial),
         array_agg(rc.run_at order by rc.run_at, e.trial),
         (array_agg(e.resolved_tier order by rc.run_at desc, e.trial desc))[1]
  from recent rc
  join public.eval_results e on e.run_id = rc.id
  where not e.skipped
  group by e.test_name
  order by e.test_name
$$;
comment on function public.test_history(uuid, text, text, integer) is 'Each test''s pass/fail sequence over a suite''s recent runs, oldest first.';

-- Cost per week, total and the judge's share.
create function public.cost_per_week(p_team_id uuid, p_weeks integer default 12)
  returns table (week date, runs bigint, cost_usd numeric, judge_cost_usd numeric)
  language sql stable security invoker set search_path = ''
as $$
  select (date_trunc('week', r.run_at at time zone 'utc'))::date, count(*), sum(r.cost_usd), sum(r.judge_cost_usd)
  from public.eval_runs r
  where r.team_id = p_team_id
    and r.run_at >= (date_trunc('week', now() at time zone 'utc') at time zone 'utc') - make_interval(weeks => p_weeks - 1)
  group by 1
  order by 1
$$;
comment on function public.cost_per_week(uuid, integer) is 'Spend per UTC week (Monday start), with the judge''s part.';

-- Cost per model and purpose (system under test vs judge) over the last p_days days.
create function public.cost_per_model(p_team_id uuid, p_days integer default 30)
  returns table (
    model text, purpose text, calls bigint, input_tokens numeric, output_tokens numeric,
    cache_read_tokens numeric, cache_write_tokens numeric, cost_usd numeric, exact boolean
  )
  language sql stable security invoker set search_path = ''
as $$
  select c.model, c.purpose, sum(c.calls), sum(c.input_tokens), sum(c.output_tokens), sum(c.cache_read_tokens),
         sum(c.cache_write_tokens), sum(c.cost_usd), bool_and(c.exact)
  from public.eval_costs c
  where c.team_id = p_team_id and c.run_at >= now() - make_interval(days => p_days)
  group by c.model, c.purpose
  order by sum(c.cost_usd) desc, c.model
$$;
comment on function public.cost_per_model(uuid, integer) is 'Calls, tokens and cost per model; exact is false when any cost was estimated.';

-- Which ladder tier produced the final answer, how often it passed, at what cost.
create function public.escalation_per_tier(p_team_id uuid, p_days integer default 30)
  returns table (tier text, tests bigint, passed bigint, share numeric, cost_usd numeric)
  language sql stable security invoker set search_path = ''
as $$
  -- From the per-run rollup eval_runs.tier_stats: reads runs, not results.
  select t.key, sum((t.value ->> 'tests')::bigint), sum((t.value ->> 'passed')::bigint),
         round(100.0 * sum((t.value ->> 'tests')::bigint) / sum(sum((t.value ->> 'tests')::bigint)) over (), 2),
         sum((t.value ->> 'cost_usd')::numeric)
  from public.eval_runs r
  cross join lateral jsonb_each(r.tier_stats) t
  where r.team_id = p_team_id and r.run_at >= now() - make_interval(days => p_days)
  group by t.key
  order by t.key
$$;
comment on function public.escalation_per_tier(uuid, integer) is 'Share of tests resolved per ladder tier, with pass counts and cost.';

-- Per person over the last p_days days: runs, pass rate, cost, ships and sessions.
create function public.leaderboard(p_team_id uuid, p_days integer default 7)
  returns table (
    user_id uuid, display_name text, runs bigint, pass_rate numeric, cost_usd numeric,
    ships bigint, sessions bigint, last_active_at timestamptz
  )
  language sql stable security invoker set search_path = ''
as $$
  with since as (select now() - make_interval(days => p_days) as t),
  runs as (
    select r.user_id, count(*) as n, sum(r.passed) as passed, sum(r.total_tests - r.skipped) as ran,
           sum(r.cost_usd) as cost, max(r.run_at) as last_at
    from public.eval_runs r, since
    where r.team_id = p_team_id and r.run_at >= since.t and r.user_id is not null
    group by r.user_id
  ),
  ships as (
    select s.user_id, count(*) as n, max(s.shipped_at) as last_at from public.ship_logs s, since
    where s.team_id = p_team_id and s.shipped_at >= since.t group by s.user_id
  ),
  sessions as (
    select t.user_id, count(*) as n, max(t.started_at) as last_at from public.session_transcripts t, since
    where t.team_id = p_team_id and t.started_at >= since.t group by t.user_id
  )
  select m.user_id, m.display_name, coalesce(runs.n, 0),
         case when runs.ran > 0 then round(100.0 * runs.passed / runs.ran, 2) end,
         coalesce(runs.cost, 0), coalesce(ships.n, 0), coalesce(sessions.n, 0),
         greatest(runs.last_at, ships.last_at, sessions.last_at)
  from public.team_members m
  left join runs on runs.user_id = m.user_id
  left join ships on ships.user_id = m.user_id
  left join sessions on sessions.user_id = m.user_id
  where m.team_id = p_team_id
  order by coalesce(runs.n, 0) + coalesce(ships.n, 0) desc, m.display_name
$$;
comment on function public.leaderboard(uuid, integer) is 'Per member: runs, pass rate, cost, ships and sessions in the window.';

-- Who sent a heartbeat in the last p_minutes minutes, newest first.
create function public.active_now(p_team_id uuid, p_minutes integer default 15)
  returns table (user_id uuid, display_name text, hostname text, repo_slug text, version text, event text, last_seen_at timestamptz)
  language sql stable security invoker set search_path = ''
as $$
  select h.user_id, m.display_name, h.hostname, h.repo_slug, h.version, h.event, h.last_seen_at
  from public.sync_heartbeats h
  left join public.team_members m on m.team_id = h.team_id and m.user_id = h.user_id
  where h.team_id = p_team_id and h.last_seen_at > now() - make_interval(mins => p_minutes)
  order by h.last_seen_at desc
$$;
comment on function public.active_now(uuid, integer) is 'People (and machines) active in the last minutes.';

grant execute on function
  public.dashboard_overview(uuid, integer), public.pass_rate_series(uuid, integer),
  public.test_history(uuid, text, text, integer), public.cost_per_week(uuid, integer),
  public.cost_per_model(uuid, integer), public.escalation_per_tier(uuid, integer),
  public.leaderboard(uuid, integer), public.active_now(uuid, integer)
  to authenticated, service_role;
