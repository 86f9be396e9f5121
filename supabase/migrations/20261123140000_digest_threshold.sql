-- The Monday digest counts a run as a regression by the team's own alert threshold
-- (team_settings.alert_threshold_pp), the one the regression alerts use, instead of
-- always the default. digest_week is redefined unchanged except for that one field.

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
