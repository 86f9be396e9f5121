-- The Costs page's most expensive tests read a daily rollup, not every result of the window.
--
-- cost_leaders ranked tests by summing every result of the window's runs (a lateral probe per
-- run): 200,000 results at quick benchmark scale, 430,000+ in 30 days at full scale, 250-380 ms
-- per view, so the Costs page missed its 300 ms p95 (265 ms p50 / 454 ms p95 quick, 809 ms p95
-- full; docs/benchmarks.md). Results get a rollup per team, UTC day, repo, suite and test:
-- public.test_costs_daily, kept by statement triggers like eval_runs.tier_stats (a run's rows are
-- written whole, once, by push_eval_run or ingest_eval_run; admins may delete results or runs).
-- cost_leaders keeps its signature and answer: whole days from the rollup, the window's first,
-- partial day from that day's results.

-- =============================================================================
-- The rollup
-- =============================================================================

create table public.test_costs_daily (
  team_id uuid not null references public.teams (id) on delete cascade,
  -- The UTC day of the run's run_at.
  day date not null,
  repo_slug text not null,
  suite text not null,
  test_name text not null,
  -- Result rows (trials count one each) and their summed cost.
  results bigint not null,
  cost_usd numeric not null,
  primary key (team_id, day, repo_slug, suite, test_name)
)
-- A suite's later runs on a day update its rows in place: free room on each page lets those be
-- HOT updates (no new index entry), which halves the trigger's share of a push.
with (fillfactor = 50);
comment on table public.test_costs_daily is
  'Maintained from eval_results by triggers: results and their cost per team, UTC day of the run, repo, suite and test.';

alter table public.test_costs_daily enable row level security;
revoke all on public.test_costs_daily from public, anon, authenticated;
grant select on public.test_costs_daily to authenticated;
grant all on public.test_costs_daily to service_role;
create policy "Members can read their team's test costs" on public.test_costs_daily
  for select to authenticated using (team_id = any ((select private.user_team_ids())::uuid[]));

-- The day a run counts on: the one definition the triggers, the backfill and cost_leaders share.
create function private.utc_day(p_at timestamptz) returns date
  language sql immutable set search_path = ''
as $$ select (p_at at time zone 'UTC')::date $$;
comment on function private.utc_day(timestamptz) is 'The UTC calendar day of a timestamp (test_costs_daily.day).';
grant execute on function private.utc_day(timestamptz) to authenticated, service_role;

-- Adds the statement's new results to their days.
create function private.add_test_costs() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  insert into public.test_costs_daily as d (team_id, day, repo_slug, suite, test_name, results, cost_usd)
  select r.team_id, r.day, r.repo_slug, r.suite, c.test_name, count(*), sum(c.cost_usd)
  from changed c
  join (
    select x.id, x.team_id, private.utc_day(x.run_at) as day, x.repo_slug, x.suite
    from public.eval_runs x where x.id in (select distinct run_id from changed)
  ) r on r.id = c.run_id
  group by 1, 2, 3, 4, 5
  on conflict (team_id, day, repo_slug, suite, test_name)
  do update set results = d.results + excluded.results, cost_usd = d.cost_usd + excluded.cost_usd;
  return null;
end
$$;
revoke all on function private.add_test_costs() from public, anon, authenticated;

-- Rebuilds the (team, day, repo, suite) slices listed in p_slices from the results left.
create function private.rebuild_test_costs(p_slices jsonb) returns void
  language plpgsql security definer set search_path = ''
as $$
declare
  s record;
begin
  for s in
    select distinct (x ->> 'team_id')::uuid as team_id, (x ->> 'day')::date as day, x ->> 'repo_slug' as repo_slug, x ->> 'suite' as suite
    from jsonb_array_elements(p_slices) x
  loop
    delete from public.test_costs_daily d
    where d.team_id = s.team_id and d.day = s.day and d.repo_slug = s.repo_slug and d.suite = s.suite;

    insert into public.test_costs_daily (team_id, day, repo_slug, suite, test_name, results, cost_usd)
    select s.team_id, s.day, s.repo_slug, s.suite, x.test_name, count(*), sum(x.cost_usd)
    from public.eval_runs r
    join public.eval_results x on x.run_id = r.id
    where r.team_id = s.team_id and r.repo_slug = s.repo_slug and r.suite = s.suite
      and r.run_at >= s.day::timestamp at time zone 'UTC' and r.run_at < (s.day + 1)::timestamp at time zone 'UTC'
    group by x.test_name;
  end loop;
end
$$;
revoke all on function private.rebuild_test_costs(jsonb) from public, anon, authenticated;

-- Deleted results whose run is still there (a run's own delete is handled on eval_runs: its
-- results go by cascade, after the run row, so they cannot be joined to it here).
create function private.remove_test_costs() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  perform private.rebuild_test_costs(coalesce((
    select jsonb_agg(distinct jsonb_build_object('team_id', r.team_id, 'day', private.utc_day(r.run_at), 'repo_slug', r.repo_slug, 'suite', r.suite))
    from changed c join public.eval_runs r on r.id = c.run_id
  ), '[]'::jsonb));
  return null;
end
$$;
revoke all on function private.remove_test_costs() from public, anon, authenticated;

-- Deleted runs: their slices are rebuilt once the cascade has removed their results.
create function private.remove_run_test_costs() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  perform private.rebuild_test_costs(coalesce((
    select jsonb_agg(distinct jsonb_build_object('team_id', c.team_id, 'day', private.utc_day(c.run_at), 'repo_slug', c.repo_slug, 'suite', c.suite))
    from changed c
  ), '[]'::jsonb));
  return null;
end
$$;
revoke all on function private.remove_run_test_costs() from public, anon, authenticated;

create trigger eval_results_test_costs_after_insert
  after insert on public.eval_results
  referencing new table as changed
  for each statement execute function private.add_test_costs();

create trigger eval_results_test_costs_after_delete
  after delete on public.eval_results
  referencing old table as changed
  for each statement execute function private.remove_test_costs();

create trigger eval_runs_test_costs_after_delete
  after delete on public.eval_runs
  referencing old table as changed
  for each statement execute function private.remove_run_test_costs();

-- Backfill: every result there is, per day (rows a concurrent push already wrote are kept).
insert into public.test_costs_daily (team_id, day, repo_slug, suite, test_name, results, cost_usd) select r.team_id, private.utc_day(r.run_at), r.repo_slug, r.suite, x.test_name, count(*), sum(x.cost_usd) from public.eval_results x join public.eval_runs r on r.id = x.run_id group by 1, 2, 3, 4, 5 on conflict do nothing;

-- =============================================================================
-- cost_leaders from the rollup
-- =============================================================================

-- Same signature and answer as before (20261122140000_dashboard_insights.sql), with a stable order
-- among equal costs (repo, suite, test). The window is the last p_days days to the second: its
-- whole UTC days come from test_costs_daily, its first day (partly inside) from the results of
-- that day's runs in the window. supabase/tests/test-cost-rollup.int.test.ts checks the answer
-- against the old formula over every result.
create or replace function public.cost_leaders(p_team_id uuid, p_days integer default 30, p_limit integer default 10)
  returns jsonb
  language sql stable security invoker set search_path = ''
as $$
  with bounds as (
    select since, private.utc_day(since) as first_day, (private.utc_day(since) + 1)::timestamp at time zone 'UTC' as first_day_end
    from (select now() - make_interval(days => p_days) as since) w
  ),
  runs as (
    select r.id, r.repo_slug, r.suite, r.cost_usd, r.judge_cost_usd, r.run_at from public.eval_runs r, bounds b
    where r.team_id = p_team_id and r.run_at >= b.since
  ),
  test_costs as (
    select d.repo_slug, d.suite, d.test_name, d.results, d.cost_usd
    from public.test_costs_daily d, bounds b
    where d.team_id = p_team_id and d.day > b.first_day
    union all
    -- The first day's runs, their results through the results' primary key (offset 0 keeps the
    -- planner from turning this into a hash join over every result of every team).
    select r.repo_slug, r.suite, e.test_name, 1, e.cost_usd
    from runs r
    cross join bounds b
    cross join lateral (select x.test_name, x.cost_usd from public.eval_results x where x.run_id = r.id offset 0) e
    where r.run_at < b.first_day_end
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
comment on function public.cost_leaders(uuid, integer, integer) is 'The most expensive suites and tests in the window.';
