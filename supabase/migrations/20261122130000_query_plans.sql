-- test_history: a plan that reads only the results of the runs it shows, whatever the data.
--
-- The first version joined the suite's recent runs to eval_results in one query. A SQL
-- function's statements are planned with their parameters unknown (a generic plan), so the
-- LIMIT p_runs is estimated at a tenth of the suite's runs, and for a suite with many runs
-- the planner could prefer hashing every result of the team (an index scan over all of
-- eval_results via team_id, 5,000,000 rows at benchmark scale: 1.4 s) to probing each run.
-- The costs of the two plans were close, so which one ran depended on the data.
--
-- Now each recent run's results are read by a LATERAL subquery that references the run.
-- OFFSET 0 keeps the planner from flattening it into an ordinary join (a subquery with a
-- LIMIT/OFFSET is never pulled up), and a subquery that references an outer row can only be
-- the inner side of a nested loop, re-run per outer row with run_id known: so a hash or merge
-- join over the team's results is not a plan the planner can choose, only the per-run probe of
-- eval_results_pkey (run_id, test_name, trial). supabase/tests/query-plans.int.test.ts bounds
-- the rows every plan node reads, on two data shapes.
create or replace function public.test_history(p_team_id uuid, p_repo_slug text, p_suite text, p_runs integer default 20)
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
  cross join lateral (
    select x.test_name, x.trial, x.category, x.passed, x.resolved_tier
    from public.eval_results x
    where x.run_id = rc.id and not x.skipped
    offset 0 -- an optimisation fence: see the comment above
  ) e
  group by e.test_name
  order by e.test_name
$$;
comment on function public.test_history(uuid, text, text, integer) is 'Each test''s pass/fail sequence over a suite''s recent runs, oldest first.';
