-- The CLI's team reads (`gstack eval leaderboard --team [--repo SLUG]`) use the dashboard's
-- leaderboard RPC, so both count the same runs the same way (CI tokens as one "CI" row).
-- leaderboard_runs gains an optional repository filter and each person's ships and sessions
-- in the window; called with two arguments it answers as before for runs.

drop function public.leaderboard_runs(uuid, integer);

-- Per person (CI tokens grouped as one "CI" row, user_id null) over the last p_days days, only
-- repository p_repo_slug when given: runs, tests passed and run, cost, ships, sessions, and the UTC
-- days with a run in the last 400 days (core's dayStreak counts the streak).
create function public.leaderboard_runs(p_team_id uuid, p_days integer default 7, p_repo_slug text default null)
  returns table (
    user_id uuid, name text, runs bigint, passed bigint, ran bigint, cost_usd numeric, days date[],
    ships bigint, sessions bigint
  )
  language sql stable security invoker set search_path = ''
as $$
  with since as (select now() - make_interval(days => p_days) as t),
  windowed as (
    select r.user_id, count(*) as runs, sum(r.passed) as passed, sum(r.total_tests - r.skipped) as ran, sum(r.cost_usd) as cost
    from public.eval_runs r, since
    where r.team_id = p_team_id and r.run_at >= since.t and (p_repo_slug is null or r.repo_slug = p_repo_slug)
    group by r.user_id
  ),
  ships as (
    select s.user_id, count(*) as n from public.ship_logs s, since
    where s.team_id = p_team_id and s.shipped_at >= since.t and (p_repo_slug is null or s.repo_slug = p_repo_slug)
    group by s.user_id
  ),
  sessions as (
    select t.user_id, count(*) as n from public.session_transcripts t, since
    where t.team_id = p_team_id and t.started_at >= since.t and (p_repo_slug is null or t.repo_slug = p_repo_slug)
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
comment on function public.leaderboard_runs(uuid, integer, text) is
  'Runs, pass counts, cost, ships, sessions and active days per member (optionally one repository), CI tokens as one row.';

grant execute on function public.leaderboard_runs(uuid, integer, text) to authenticated, service_role;
