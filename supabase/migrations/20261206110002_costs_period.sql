-- The Costs page over the chosen period: spend per day (7 days) or per week (longer periods),
-- every bucket of the period present (zero when nothing ran), and what the judge cache saved.

-- =============================================================================
-- Functions
-- =============================================================================

-- Spend per bucket over the last p_days days: UTC days for p_days <= 7, else UTC weeks (Monday
-- start; the first bucket starts at the period's first day). Every bucket of the period is a row,
-- with how many of its days fall in the period; runs, cost and the judge's part from eval_runs.
create function public.cost_series(p_team_id uuid, p_days integer default 30)
  returns table (bucket date, days integer, runs bigint, cost_usd numeric, judge_cost_usd numeric)
  language sql stable security invoker set search_path = ''
as $$
  with bounds as (
    select now() - make_interval(days => p_days) as since, (now() at time zone 'utc')::date as today
  ),
  calendar as (
    select g::date as day from bounds b, generate_series((b.since at time zone 'utc')::date, b.today, interval '1 day') g
  ),
  keyed as (
    select c.day,
           case when p_days <= 7 then c.day
                else greatest((date_trunc('week', c.day))::date, (select (b.since at time zone 'utc')::date from bounds b)) end as bucket
    from calendar c
  ),
  spend as (
    select (r.run_at at time zone 'utc')::date as day, count(*) as runs, sum(r.cost_usd) as cost, sum(r.judge_cost_usd) as judge
    from public.eval_runs r, bounds b
    where r.team_id = p_team_id and r.run_at >= b.since
    group by 1
  )
  select k.bucket, count(*)::integer, coalesce(sum(s.runs), 0)::bigint, coalesce(sum(s.cost), 0), coalesce(sum(s.judge), 0)
  from keyed k
  left join spend s on s.day = k.day
  group by k.bucket
  order by k.bucket
$$;
comment on function public.cost_series(uuid, integer) is 'Spend per day (7 days) or week over the period, every bucket present, with the judge''s part.';

-- What the judge cache saved in the last p_days days: verdicts served from the cache (judge
-- assertions and verifier calls, read from the result documents), and the sum of what each cost
-- when it was first paid (`saved_usd`, recorded by the engine on a hit; documents from before it
-- have hits without it, counted apart).
create function public.judge_cache_savings(p_team_id uuid, p_days integer default 30)
  returns table (hits bigint, hits_priced bigint, saved_usd numeric)
  language sql stable security invoker set search_path = ''
as $$
  with verdicts as (
    select (j ->> 'cached')::boolean as cached, (j ->> 'saved_usd')::numeric as saved
    from public.eval_runs r
    cross join lateral jsonb_array_elements(coalesce(r.result -> 'all_results', '[]'::jsonb)) t
    cross join lateral jsonb_array_elements(coalesce(t -> 'judge', '[]'::jsonb)) j
    where r.team_id = p_team_id and r.run_at >= now() - make_interval(days => p_days)
    union all
    select (a -> 'verifier' ->> 'cached')::boolean, (a -> 'verifier' ->> 'saved_usd')::numeric
    from public.eval_runs r
    cross join lateral jsonb_array_elements(coalesce(r.result -> 'all_results', '[]'::jsonb)) t
    cross join lateral jsonb_array_elements(coalesce(t -> 'attempts', '[]'::jsonb)) a
    where r.team_id = p_team_id and r.run_at >= now() - make_interval(days => p_days)
      and jsonb_typeof(a -> 'verifier') = 'object'
  )
  select count(*) filter (where cached), count(*) filter (where cached and saved is not null),
         coalesce(sum(saved) filter (where cached), 0)
  from verdicts
$$;
comment on function public.judge_cache_savings(uuid, integer) is 'Judge and verifier verdicts served from the cache in the period, and what they cost when first paid.';

-- =============================================================================
-- Grants
-- =============================================================================

revoke all on function public.cost_series(uuid, integer), public.judge_cache_savings(uuid, integer) from public, anon;
grant execute on function public.cost_series(uuid, integer), public.judge_cache_savings(uuid, integer) to authenticated, service_role;
