-- The leaderboard's day streak read the team's last 400 days of runs in one pass (issue 26).
--
-- leaderboard_runs grouped every run of the last 400 days by person for the streak; inside the
-- function the planner estimated the team's share from the number of teams and read the whole
-- table sequentially: 310 ms at the large benchmark's 455,000 runs (274,000 in 400 days), and the
-- leaderboard page at 289 / 299 ms (p50 / p95) against its 300 ms. Each person shown now reads
-- their own range of eval_runs_team_user_run_at_idx (team_id, user_id, run_at), from the index
-- alone; the period is a materialized one-row CTE like the other period readers', so the window's
-- runs are an index range too. Same signature, grants and answer as
-- 20261207100000_period_until.sql.

create or replace function public.leaderboard_runs(
  p_team_id uuid, p_days integer default 7, p_repo_slug text default null, p_until timestamptz default null
)
  returns table (
    user_id uuid, name text, runs bigint, passed bigint, ran bigint, cost_usd numeric, days date[],
    ships bigint, sessions bigint
  )
  language sql stable security invoker set search_path = ''
as $$
  with period as materialized (
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
  )
  select p.user_id,
         case when p.user_id is null then 'CI'
              else coalesce((select coalesce(m.display_name, m.email) from public.team_members m
                             where m.team_id = p_team_id and m.user_id = p.user_id), 'former member') end,
         coalesce(w.runs, 0), coalesce(w.passed, 0), coalesce(w.ran, 0), coalesce(w.cost, 0),
         -- The days with a run over the last 400 days (the day streak), per person shown: one range of
         -- the (team_id, user_id, run_at) index each, read from the index alone.
         coalesce(case when p.user_id is null then (
           select array_agg(distinct (r.run_at at time zone 'utc')::date) from public.eval_runs r
           where r.team_id = p_team_id and r.user_id is null and r.run_at >= now() - interval '400 days'
             and (p_repo_slug is null or r.repo_slug = p_repo_slug)
         ) else (
           select array_agg(distinct (r.run_at at time zone 'utc')::date) from public.eval_runs r
           where r.team_id = p_team_id and r.user_id = p.user_id and r.run_at >= now() - interval '400 days'
             and (p_repo_slug is null or r.repo_slug = p_repo_slug)
         ) end, '{}'),
         coalesce(s.n, 0), coalesce(t.n, 0)
  from people p
  left join windowed w on w.user_id is not distinct from p.user_id
  left join ships s on s.user_id = p.user_id
  left join sessions t on t.user_id = p.user_id
  order by coalesce(w.runs, 0) desc
$$;
