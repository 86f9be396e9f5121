-- The runs list's default order read every run of the team (issue 26).
--
-- The dashboard asks runs_page for its default sort by name (p_sort '-when'), which became
-- "order by r.run_at desc nulls last": not the order of the (team_id, run_at) index (descending is
-- nulls first there), so every view of the runs page sorted all of the team's runs before taking 50.
-- At 455,000 runs (the large benchmark at 50,000,000 results) the page took 434 / 463 ms (p50 /
-- p95), 340 ms of it this call, and grew with the history; run_at is never null, so the sort by
-- time is now the index's order. Same signature, grants and answer as
-- 20261206150000_runs_sort_and_models.sql (supabase/tests/query-plans.int.test.ts has the case
-- with the page's sort).

create or replace function public.runs_page(
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
  -- By time (never missing) the order is the team's run_at index's, so a page reads its rows and no
  -- more: written like the other keys ("desc nulls last"), it sorted every run of the team first.
  ordering := case
    when ordering is null then 'r.run_at desc, r.id'
    when sort_key = 'when' then 'r.run_at' || case when descending then ' desc' else ' asc' end || ', r.id'
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
