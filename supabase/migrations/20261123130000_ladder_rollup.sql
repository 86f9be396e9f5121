-- The Costs and Escalation pages' ladder_spend reads runs, not results and attempts (issue 15).
--
-- ladder_spend read every result and every attempt of the window on each view (a lateral probe
-- per run: 5,000,000 results at benchmark scale, 430,000+ in 30 days, and as many attempts):
-- 827 ms p50 / 1.3 s p95 for the Costs page, and once past the authenticated role's statement
-- timeout. Results already have a per-run rollup (eval_runs.tier_stats, by resolved tier);
-- attempts get one here, eval_runs.attempt_stats (attempts and their cost by the attempt's
-- tier), kept by statement triggers like tier_stats, so whatever path writes or deletes attempts
-- (push_eval_run and ingest_eval_run write a run's rows whole, once; admins may delete) keeps it
-- right. ladder_spend keeps its signature and answer and reads the two rollups.

-- =============================================================================
-- The rollup
-- =============================================================================

alter table public.eval_runs add column attempt_stats jsonb not null default '{}'::jsonb;
comment on column public.eval_runs.attempt_stats is
  'Maintained from eval_attempts by a trigger: {"<attempt tier, ''?'' when none>": {"attempts", "cost_usd"}}.';

-- One run's attempts per tier: the one definition the trigger and the backfill share.
create function private.attempt_stats_of(p_run_id uuid) returns jsonb
  language sql stable security definer set search_path = ''
as $$
  select coalesce(jsonb_object_agg(s.tier, jsonb_build_object('attempts', s.attempts, 'cost_usd', s.cost_usd)), '{}'::jsonb)
  from (
    select coalesce(a.tier, '?') as tier, count(*) as attempts, sum(a.cost_usd) as cost_usd
    from public.eval_attempts a
    where a.run_id = p_run_id
    group by 1
  ) s
$$;
comment on function private.attempt_stats_of(uuid) is 'A run''s attempts and their cost per tier, as stored in eval_runs.attempt_stats.';
revoke all on function private.attempt_stats_of(uuid) from public, anon, authenticated;

-- Recomputes eval_runs.attempt_stats for the runs whose attempts changed in the statement.
create function private.refresh_attempt_stats() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  update public.eval_runs r
     set attempt_stats = private.attempt_stats_of(r.id)
   where r.id in (select distinct c.run_id from changed c);
  return null;
end
$$;
revoke all on function private.refresh_attempt_stats() from public, anon, authenticated;

create trigger eval_attempts_attempt_stats_after_insert
  after insert on public.eval_attempts
  referencing new table as changed
  for each statement execute function private.refresh_attempt_stats();

create trigger eval_attempts_attempt_stats_after_delete
  after delete on public.eval_attempts
  referencing old table as changed
  for each statement execute function private.refresh_attempt_stats();

-- Backfill: the runs that have attempts (the others keep the default '{}').
update public.eval_runs r
   set attempt_stats = private.attempt_stats_of(r.id)
 where exists (select 1 from public.eval_attempts a where a.run_id = r.id);

-- =============================================================================
-- ladder_spend from the rollups
-- =============================================================================

-- Same signature and answer as before (20261122140000_dashboard_insights.sql): per repo, suite and
-- attempt tier, the attempts and their cost (attempt_stats), the tests resolved at that tier and
-- the suite's tests that ran (tier_stats, which counts non-skipped results by resolved tier,
-- "(none)" for results without one). supabase/tests/ladder-rollup.int.test.ts checks the answer
-- against the old formula over the rows.
create or replace function public.ladder_spend(p_team_id uuid, p_days integer default 30)
  returns table (repo_slug text, suite text, tests bigint, tier text, attempts bigint, cost_usd numeric, resolved bigint)
  language sql stable security invoker set search_path = ''
as $$
  with runs as (
    select r.repo_slug, r.suite, r.tier_stats, r.attempt_stats from public.eval_runs r
    where r.team_id = p_team_id and r.run_at >= now() - make_interval(days => p_days)
  ),
  by_resolved as (
    select r.repo_slug, r.suite, t.key as tier, sum((t.value ->> 'tests')::bigint)::bigint as n
    from runs r cross join lateral jsonb_each(r.tier_stats) t
    group by 1, 2, 3
  ),
  tests as (
    select repo_slug, suite, sum(n)::bigint as n from by_resolved group by 1, 2
  ),
  attempts as (
    select r.repo_slug, r.suite, a.key as tier, sum((a.value ->> 'attempts')::bigint)::bigint as n,
           sum((a.value ->> 'cost_usd')::numeric) as cost
    from runs r cross join lateral jsonb_each(r.attempt_stats) a
    group by 1, 2, 3
  )
  select a.repo_slug, a.suite, coalesce(t.n, 0), a.tier, a.n, a.cost, coalesce(v.n, 0)
  from attempts a
  left join tests t on t.repo_slug = a.repo_slug and t.suite = a.suite
  left join by_resolved v on v.repo_slug = a.repo_slug and v.suite = a.suite and v.tier = a.tier and v.tier <> '(none)'
  order by a.repo_slug, a.suite, a.tier
$$;
comment on function public.ladder_spend(uuid, integer) is 'Per suite and tier: attempts, their cost, tests resolved there, and the suite''s tests.';
