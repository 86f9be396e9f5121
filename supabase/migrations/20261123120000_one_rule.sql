-- One definition per rule: the pass-rate formula lives once, in private.pass_rate, and every
-- SQL place that computed it (the eval_runs.pass_rate column, dashboard_overview,
-- pass_rate_series, leaderboard) now calls it. packages/core's passRatePercent is the client's
-- copy of the same rule; supabase/tests/rule-drift.int.test.ts compares the two on the same inputs.

-- Percent of the tests that ran which passed, two decimals; null when none ran. Skipped tests
-- are not in `ran`. Immutable and parallel safe; its search_path is pinned like every function's
-- (the advisors require it), which means the planner calls it rather than inlining it: a call
-- per output row of an aggregate, never a change to how the tables are read (query-plans).
create or replace function private.pass_rate(passed numeric, ran numeric)
  returns numeric
  language sql immutable parallel safe set search_path = ''
  return case when ran > 0 then round(100.0 * passed / ran, 2) end;
comment on function private.pass_rate(numeric, numeric) is
  'Percent of the tests that ran which passed, two decimals; null when none ran. Mirrored by passRatePercent in packages/core.';

-- The dashboard aggregates are security invoker: the member calling them runs the helper.
revoke all on function private.pass_rate(numeric, numeric) from public, anon;
grant execute on function private.pass_rate(numeric, numeric) to authenticated, service_role;

alter table public.eval_runs alter column pass_rate set expression as (private.pass_rate(passed, total_tests - skipped));

create or replace function public.dashboard_overview(p_team_id uuid, p_active_minutes integer default 15)
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
    'pass_rate_this_week', private.pass_rate(w.passed_this_week, w.ran_this_week),
    'pass_rate_last_week', private.pass_rate(w.passed_last_week, w.ran_last_week),
    'cost_this_week', w.cost_this_week,
    'cost_last_week', w.cost_last_week,
    'active_now', (
      select count(distinct h.user_id) from public.sync_heartbeats h
      where h.team_id = p_team_id and h.last_seen_at > now() - make_interval(mins => p_active_minutes)
    )
  )
  from weekly w
$$;

create or replace function public.pass_rate_series(p_team_id uuid, p_days integer default 30)
  returns table (repo_slug text, suite text, day date, runs bigint, passed bigint, ran bigint, pass_rate numeric)
  language sql stable security invoker set search_path = ''
as $$
  select r.repo_slug, r.suite, (r.run_at at time zone 'utc')::date as day, count(*), sum(r.passed), sum(r.total_tests - r.skipped),
         private.pass_rate(sum(r.passed), sum(r.total_tests - r.skipped))
  from public.eval_runs r
  where r.team_id = p_team_id and r.run_at >= now() - make_interval(days => p_days)
  group by 1, 2, 3
  order by 1, 2, 3
$$;

create or replace function public.leaderboard(p_team_id uuid, p_days integer default 7)
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
         private.pass_rate(runs.passed, runs.ran),
         coalesce(runs.cost, 0), coalesce(ships.n, 0), coalesce(sessions.n, 0),
         greatest(runs.last_at, ships.last_at, sessions.last_at)
  from public.team_members m
  left join runs on runs.user_id = m.user_id
  left join ships on ships.user_id = m.user_id
  left join sessions on sessions.user_id = m.user_id
  where m.team_id = p_team_id
  order by coalesce(runs.n, 0) + coalesce(ships.n, 0) desc, m.display_name
$$;
