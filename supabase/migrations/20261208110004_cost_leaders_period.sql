-- cost_leaders takes its period and whole UTC days from private.period_days
-- (20261208110000_answer_groups_daily.sql), the one definition the answer readers use, instead of
-- its own copy of the same rule. Same signature, grants and answer as
-- 20261207100000_period_until.sql.

create or replace function public.cost_leaders(
  p_team_id uuid, p_days integer default 30, p_limit integer default 10, p_until timestamptz default null
)
  returns jsonb
  language sql stable security invoker set search_path = ''
as $$
  with bounds as materialized (select * from private.period_days(p_days, p_until)),
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
    -- The partial days' runs are picked first (offset 0), so only theirs are probed.
    select r.repo_slug, r.suite, e.test_name, 1, e.cost_usd
    from (
      select r.id, r.repo_slug, r.suite from runs r, bounds b
      where r.run_at < b.whole_from_at or r.run_at >= b.whole_to_at
      offset 0
    ) r
    cross join lateral (select x.test_name, x.cost_usd from public.eval_results x where x.run_id = r.id offset 0) e
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
