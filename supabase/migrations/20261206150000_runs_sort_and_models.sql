-- Runs list (issue 25): the models a run answered with in each listed run (the runs page's model
-- column), and the list sortable on the server by a column given in the URL.

-- ============================================================================
-- Functions
-- ============================================================================

-- A run as the dashboard lists it, now with 'models': the distinct models of the run's cost lines
-- other than the judge's (the models that answered the tests), sorted.
create or replace function public.dashboard_run_row(r public.eval_runs)
  returns jsonb
  language sql stable security invoker set search_path = ''
as $$
  select jsonb_build_object(
    'id', r.id, 'run_key', r.run_key, 'repo_slug', r.repo_slug, 'suite', r.suite, 'branch', r.branch,
    'git_sha', r.git_sha, 'tier', r.tier, 'label', r.label, 'hostname', r.hostname, 'run_at', r.run_at,
    'total_tests', r.total_tests, 'passed', r.passed, 'failed', r.failed, 'skipped', r.skipped,
    'pass_rate', r.pass_rate, 'cost_usd', r.cost_usd, 'judge_cost_usd', r.judge_cost_usd,
    'duration_ms', r.duration_ms, 'tier_stats', r.tier_stats,
    'interrupted', coalesce((r.result ->> 'interrupted')::boolean, false),
    'cost_exact', coalesce((r.result ->> 'cost_exact')::boolean, false),
    'user_id', r.user_id, 'token_id', r.token_id,
    'models', coalesce((
      select jsonb_agg(distinct c ->> 'model')
      from jsonb_array_elements(case when jsonb_typeof(r.result -> 'costs') = 'array' then r.result -> 'costs' else '[]'::jsonb end) c
      where c ->> 'purpose' is distinct from 'judge' and c ->> 'model' is not null
    ), '[]'::jsonb),
    'who', coalesce(
      (select coalesce(m.display_name, m.email) from public.team_members m where m.team_id = r.team_id and m.user_id = r.user_id),
      (select 'CI: ' || t.name from public.team_tokens t where t.id = r.token_id),
      case when r.token_id is not null then 'CI token' end
    )
  )
$$;
comment on function public.dashboard_run_row(public.eval_runs) is 'A run as the dashboard lists it (no result document), with the models that answered.';

-- The runs list with a sort: p_sort is one of when, pass_rate, tests, cost, duration, each
-- optionally prefixed with "-" for descending; null or anything else is newest first. Only fixed
-- text from the whitelist below is concatenated; every value stays a bound parameter.
drop function public.runs_page(uuid, text, text, text, uuid, boolean, timestamptz, timestamptz, integer, integer);
create function public.runs_page(
  p_team_id uuid,
  p_repo_slug text default null,
  p_suite text default null,
  p_branch text default null,
  p_user_id uuid default null,
  p_ci boolean default null,
  p_from timestamptz default null,
  p_to timestamptz default null,
  p_limit integer default 50,
  p_offset integer default 0,
  p_sort text default null
)
  returns jsonb
  language plpgsql stable security invoker set search_path = ''
as $$
declare
  filters text := 'r.team_id = $1';
  descending boolean := left(coalesce(p_sort, ''), 1) = '-';
  sort_key text := ltrim(coalesce(p_sort, ''), '-');
  ordering text;
  answer jsonb;
begin
  if p_repo_slug is not null then filters := filters || ' and r.repo_slug = $2'; end if;
  if p_suite is not null then filters := filters || ' and r.suite = $3'; end if;
  if p_branch is not null then filters := filters || ' and r.branch = $4'; end if;
  if p_user_id is not null then filters := filters || ' and r.user_id = $5'; end if;
  if p_ci is not null then filters := filters || ' and (r.token_id is not null) = $6'; end if;
  if p_from is not null then filters := filters || ' and r.run_at >= $7'; end if;
  if p_to is not null then filters := filters || ' and r.run_at < $8'; end if;
  ordering := case sort_key
    when 'when' then 'r.run_at'
    when 'pass_rate' then 'r.pass_rate'
    when 'tests' then 'r.total_tests'
    when 'cost' then 'r.cost_usd'
    when 'duration' then 'r.duration_ms'
  end;
  -- Unknown or no sort: newest first. Ties (and missing values, always last) fall back to newest first.
  ordering := case
    when ordering is null then 'r.run_at desc, r.id'
    else ordering || case when descending then ' desc' else ' asc' end || ' nulls last, r.run_at desc, r.id'
  end;
  execute format(
    $q$select jsonb_build_object(
      -- Ordered by the team's run_at index, so the capped count walks that index whatever share of
      -- the table the team holds (without the order, a large team's count was a sequential scan).
      'total', (select count(*) from (select 1 from public.eval_runs r where %1$s order by r.run_at desc limit 10001) capped),
      'rows', coalesce((select jsonb_agg(public.dashboard_run_row(p) order by %3$s)
                        from (select r.* from public.eval_runs r where %1$s order by %2$s limit $9 offset $10) p), '[]'::jsonb)
    )$q$,
    filters, ordering, replace(ordering, 'r.', 'p.'))
    into answer
    using p_team_id, p_repo_slug, p_suite, p_branch, p_user_id, p_ci, p_from, p_to,
          least(greatest(p_limit, 1), 200), greatest(p_offset, 0);
  return answer;
end
$$;
comment on function public.runs_page(uuid, text, text, text, uuid, boolean, timestamptz, timestamptz, integer, integer, text)
  is 'One page of a team''s runs, newest first or sorted by p_sort (when, pass_rate, tests, cost, duration; "-" for descending), with the filtered total (counted up to 10,001).';

-- ============================================================================
-- Grants
-- ============================================================================

revoke all on function public.runs_page(uuid, text, text, text, uuid, boolean, timestamptz, timestamptz, integer, integer, text)
  from public, anon;
grant execute on function public.runs_page(uuid, text, text, text, uuid, boolean, timestamptz, timestamptz, integer, integer, text)
  to authenticated, service_role;
