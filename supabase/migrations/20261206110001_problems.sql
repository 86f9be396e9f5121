-- The team-wide Problems page: every test of every suite with recent runs, its outcomes over the
-- suite's last p_runs runs (optionally one repo, one branch), oldest first, with each run's id,
-- time and commit, so core (analytics/problems.ts) classifies it with the one trend rule and says
-- since which run and commit it fails, or flips.

-- =============================================================================
-- Functions
-- =============================================================================

-- Per repo, suite and test: [{run_id, run_at, sha, passed}] over the suite's last p_runs runs
-- (of p_branch when given) among suites with a run in the last 90 days; skipped results left out,
-- trials in order. Each run's results are read by a per-run probe of eval_results_pkey (the
-- LATERAL ... OFFSET 0 fence of test_history, see …_query_plans.sql).
create function public.problem_history(
  p_team_id uuid, p_repo_slug text default null, p_branch text default null, p_runs integer default 30
)
  returns table (repo_slug text, suite text, test_name text, outcomes jsonb)
  language sql stable security invoker set search_path = ''
as $$
  with suites as (
    select distinct r.repo_slug, r.suite from public.eval_runs r
    where r.team_id = p_team_id and r.run_at >= now() - interval '90 days'
      and (p_repo_slug is null or r.repo_slug = p_repo_slug)
      and (p_branch is null or r.branch is not distinct from p_branch)
  ),
  recent as (
    select s.repo_slug, s.suite, x.id, x.run_at, x.git_sha
    from suites s
    cross join lateral (
      select r.id, r.run_at, r.git_sha from public.eval_runs r
      where r.team_id = p_team_id and r.repo_slug = s.repo_slug and r.suite = s.suite
        and (p_branch is null or r.branch is not distinct from p_branch)
      order by r.run_at desc
      limit p_runs
    ) x
  )
  select rc.repo_slug, rc.suite, e.test_name,
         jsonb_agg(jsonb_build_object('run_id', rc.id, 'run_at', rc.run_at, 'sha', rc.git_sha, 'passed', e.passed)
                   order by rc.run_at, e.trial)
  from recent rc
  cross join lateral (
    select x.test_name, x.trial, x.passed from public.eval_results x
    where x.run_id = rc.id and not x.skipped
    offset 0 -- an optimisation fence: see test_history
  ) e
  group by rc.repo_slug, rc.suite, e.test_name
  order by rc.repo_slug, rc.suite, e.test_name
$$;
comment on function public.problem_history(uuid, text, text, integer) is 'Every recent test''s outcomes over its suite''s last runs, with run ids, times and commits (input to core''s problemTests).';

-- =============================================================================
-- Grants
-- =============================================================================

revoke all on function public.problem_history(uuid, text, text, integer) from public, anon;
grant execute on function public.problem_history(uuid, text, text, integer) to authenticated, service_role;
