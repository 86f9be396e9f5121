-- Retention (issue 26, item 3): a team keeps its raw per-test data for N days, then a scheduled
-- job prunes it in small batches. What a run keeps and what it loses is in docs/retention.md.
--
-- Kept for ever: the run row (totals, pass rate, cost, by_category, tier_stats, attempt_stats),
-- its eval_costs lines, test_costs_daily, alert and CI report rows, the team's judge cache. Those
-- are what Trends, Costs, Leaderboard, Escalation and the overview read, so their numbers for a
-- pruned period do not change.
-- Pruned: eval_results, eval_attempts (and the answer reviews that point at them), and the result
-- document's all_results (outputs, inputs, judge reasons, rejected answers). Before they go, the
-- two period figures that read all_results (judge cache savings and verifier outcomes) are rolled
-- up into eval_runs.pruned_stats, and judge_cache_savings / verifier_outcomes add those up.

-- =============================================================================
-- Columns
-- =============================================================================

alter table public.team_settings
  add column retention_days integer
    constraint team_settings_retention_days check (retention_days is null or retention_days between 14 and 3650);
comment on column public.team_settings.retention_days is
  'Days a run keeps its results, attempts and outputs (14 to 3650); null keeps everything (the default).';

alter table public.eval_runs
  add column pruned_at timestamptz,
  add column pruned_stats jsonb;
comment on column public.eval_runs.pruned_at is
  'When retention removed the run''s results, attempts and outputs (null: they are all there).';
comment on column public.eval_runs.pruned_stats is
  'Set when pruning starts: retention_days, results and attempts removed, judge_cache {hits, hits_priced, saved_usd} and verifier outcome rows (what judge_cache_savings and verifier_outcomes read from the document before).';

-- The pruner's work list: a team's runs still holding raw data, oldest first.
create index eval_runs_team_unpruned_run_at_idx on public.eval_runs (team_id, run_at) where pruned_at is null;
-- A period's pruned runs, for the figures judge_cache_savings and verifier_outcomes add from
-- pruned_stats: only those runs are read a second time (none, for a team without a retention).
create index eval_runs_team_pruned_run_at_idx on public.eval_runs (team_id, run_at) where pruned_stats is not null;

-- =============================================================================
-- Rollups survive the prune
-- =============================================================================

-- tier_stats, attempt_stats and test_costs_daily are recomputed from the rows left when results or
-- attempts are deleted (an admin correcting data). Pruning must leave them as they are, so each
-- delete trigger is skipped while private.prune_team_data runs (it sets gstack.pruning for its own
-- transaction only). The trigger functions themselves are unchanged.
drop trigger eval_results_tier_stats_after_delete on public.eval_results;
create trigger eval_results_tier_stats_after_delete
  after delete on public.eval_results
  referencing old table as changed
  for each statement
  when (current_setting('gstack.pruning', true) is distinct from 'on')
  execute function private.refresh_tier_stats();

drop trigger eval_attempts_attempt_stats_after_delete on public.eval_attempts;
create trigger eval_attempts_attempt_stats_after_delete
  after delete on public.eval_attempts
  referencing old table as changed
  for each statement
  when (current_setting('gstack.pruning', true) is distinct from 'on')
  execute function private.refresh_attempt_stats();

drop trigger eval_results_test_costs_after_delete on public.eval_results;
create trigger eval_results_test_costs_after_delete
  after delete on public.eval_results
  referencing old table as changed
  for each statement
  when (current_setting('gstack.pruning', true) is distinct from 'on')
  execute function private.remove_test_costs();

-- =============================================================================
-- Functions
-- =============================================================================

-- What a run's document says that two period pages read, computed the way they compute it:
-- judge cache hits (judge_cache_savings, 20261206110002_costs_period.sql) and verifier decisions
-- grouped as verifier_outcomes groups team_answers' rows (20261206110000_answer_reviews.sql),
-- with the answer reviews counted as they stand now.
create function private.pruned_stats_of(r public.eval_runs, p_retention_days integer) returns jsonb
  language sql stable security definer set search_path = ''
as $$
  with tests as (
    select t.value as doc from jsonb_array_elements(coalesce(r.result -> 'all_results', '[]'::jsonb)) t
  ),
  attempts as (
    select x.doc, a.value as att from tests x cross join lateral jsonb_array_elements(coalesce(x.doc -> 'attempts', '[]'::jsonb)) a
  ),
  verdicts as (
    select (j.value ->> 'cached')::boolean as cached, (j.value ->> 'saved_usd')::numeric as saved
    from tests x cross join lateral jsonb_array_elements(coalesce(x.doc -> 'judge', '[]'::jsonb)) j
    union all
    select (y.att -> 'verifier' ->> 'cached')::boolean, (y.att -> 'verifier' ->> 'saved_usd')::numeric
    from attempts y where jsonb_typeof(y.att -> 'verifier') = 'object'
  ),
  answers as (
    select y.att -> 'verifier' ->> 'model' as verifier_model,
           (y.att -> 'verifier' ->> 'accept')::boolean as accepted,
           coalesce(
             (y.att ->> 'assertions_passed')::boolean,
             case when y.att ->> 'verdict' = 'accept' then (
               select bool_and((s ->> 'passed')::boolean) from jsonb_array_elements(coalesce(y.doc -> 'assertions', '[]'::jsonb)) s
               where s ->> 'type' <> 'judge'
             ) end
           ) as assertions_passed,
           coalesce((y.att -> 'verifier' ->> 'audit')::boolean, false) as audit,
           coalesce(jsonb_typeof(y.att -> 'verifier') = 'object' and (
             coalesce((y.att -> 'verifier' ->> 'error')::boolean, false)
             or (not coalesce((y.att -> 'verifier' ->> 'audit')::boolean, false) and coalesce(y.att ->> 'feedback', '') like 'verifier error:%')
           ), false) as verifier_error,
           coalesce(rv.correct, 0) as reviews_correct, coalesce(rv.incorrect, 0) as reviews_incorrect,
           coalesce((y.att -> 'verifier' ->> 'cost_usd')::numeric, 0) as cost_usd
    from attempts y
    left join lateral (
      select count(*) filter (where v.correct) as correct, count(*) filter (where not v.correct) as incorrect
      from public.answer_reviews v
      where v.run_id = r.id and v.test_name = y.doc ->> 'name' and v.trial = coalesce((y.doc ->> 'trial')::integer, 1)
        and v.attempt = (y.att ->> 'attempt')::integer
    ) rv on true
    where y.att ->> 'verdict' <> 'error' and y.att -> 'verifier' ->> 'model' is not null
  )
  select jsonb_build_object(
    'retention_days', p_retention_days,
    'results', (select count(*) from public.eval_results x where x.run_id = r.id),
    'attempts', (select count(*) from public.eval_attempts x where x.run_id = r.id),
    'judge_cache', (
      select jsonb_build_object('hits', count(*) filter (where v.cached), 'hits_priced', count(*) filter (where v.cached and v.saved is not null),
                                'saved_usd', coalesce(sum(v.saved) filter (where v.cached), 0))
      from verdicts v
    ),
    'verifier', coalesce((
      select jsonb_agg(to_jsonb(g)) from (
        select a.verifier_model, a.accepted, a.assertions_passed, a.audit, a.verifier_error, a.reviews_correct, a.reviews_incorrect,
               count(*) as decisions, sum(a.cost_usd) as cost_usd
        from answers a group by 1, 2, 3, 4, 5, 6, 7
      ) g
    ), '[]'::jsonb)
  )
$$;
comment on function private.pruned_stats_of(public.eval_runs, integer) is
  'The figures a run''s document gives the Costs and Escalation pages, kept on the run before its raw data is pruned.';
revoke all on function private.pruned_stats_of(public.eval_runs, integer) from public, anon, authenticated;

-- One batch of retention work: at most p_batch result and attempt rows deleted (the answer reviews
-- of those attempts go with them), oldest expired runs first, over every team with a retention.
-- A run's first batch records pruned_stats and drops all_results from its document; the batch that
-- leaves it no rows sets pruned_at. Rows and runs being written are skipped (skip locked), so a
-- batch never waits. Returns {"deleted": rows, "runs_pruned": runs finished}.
create function private.prune_team_data(p_batch integer default 5000) returns jsonb
  language plpgsql security definer set search_path = ''
as $$
declare
  v_left integer := p_batch;
  v_finished integer := 0;
  v_candidate record;
  v_run public.eval_runs;
  v_n integer;
begin
  if p_batch is null or p_batch < 1 then
    raise exception 'p_batch must be a positive number of rows' using errcode = '22023';
  end if;
  -- The rollups' delete triggers stand aside for this transaction (see above).
  perform pg_catalog.set_config('gstack.pruning', 'on', true);
  for v_candidate in
    select x.id, s.retention_days
    from public.team_settings s
    cross join lateral (
      select r.id, r.run_at from public.eval_runs r
      where r.team_id = s.team_id and r.pruned_at is null
        and r.run_at < now() - make_interval(days => s.retention_days)
      order by r.run_at
      limit p_batch
    ) x
    where s.retention_days is not null
    order by x.run_at
    limit p_batch
  loop
    select r.* into v_run from public.eval_runs r where r.id = v_candidate.id and r.pruned_at is null for update skip locked;
    continue when v_run.id is null;

    if v_run.pruned_stats is null then
      update public.eval_runs r
         set pruned_stats = private.pruned_stats_of(v_run, v_candidate.retention_days),
             result = r.result - 'all_results'
       where r.id = v_run.id;
    end if;

    if v_left > 0 then
      with gone as (
        delete from public.eval_attempts a
        where (a.run_id, a.test_name, a.trial, a.attempt) in (
          select b.run_id, b.test_name, b.trial, b.attempt from public.eval_attempts b where b.run_id = v_run.id limit v_left
        )
        returning 1
      ) select count(*) into v_n from gone;
      v_left := v_left - v_n;
    end if;
    if v_left > 0 then
      with gone as (
        delete from public.eval_results e
        where (e.run_id, e.test_name, e.trial) in (
          select f.run_id, f.test_name, f.trial from public.eval_results f where f.run_id = v_run.id limit v_left
        )
        returning 1
      ) select count(*) into v_n from gone;
      v_left := v_left - v_n;
    end if;

    if not exists (select 1 from public.eval_attempts a where a.run_id = v_run.id)
       and not exists (select 1 from public.eval_results e where e.run_id = v_run.id) then
      update public.eval_runs r set pruned_at = now() where r.id = v_run.id;
      v_finished := v_finished + 1;
    end if;
    exit when v_left <= 0;
  end loop;
  perform pg_catalog.set_config('gstack.pruning', 'off', true);
  return jsonb_build_object('deleted', p_batch - v_left, 'runs_pruned', v_finished);
end
$$;
comment on function private.prune_team_data(integer) is
  'One retention batch: deletes at most p_batch expired result and attempt rows, records what the pages need first, marks runs pruned.';
revoke all on function private.prune_team_data(integer) from public, anon, authenticated;

-- Judge cache savings: the documents still there, plus what pruned runs recorded
-- (20261207100000_period_until.sql's bounded version, same signature, so a replace).
create or replace function public.judge_cache_savings(p_team_id uuid, p_days integer default 30, p_until timestamptz default null)
  returns table (hits bigint, hits_priced bigint, saved_usd numeric)
  language sql stable security invoker set search_path = ''
as $$
  with period as materialized (
    select coalesce(p_until, now()) - make_interval(days => p_days) as since, coalesce(p_until, 'infinity'::timestamptz) as until
  ),
  runs as (
    select r.result from period w, public.eval_runs r
    where r.team_id = p_team_id and r.run_at >= w.since and r.run_at < w.until
  ),
  verdicts as (
    select (j ->> 'cached')::boolean as cached, (j ->> 'saved_usd')::numeric as saved
    from runs r
    cross join lateral jsonb_array_elements(coalesce(r.result -> 'all_results', '[]'::jsonb)) t
    cross join lateral jsonb_array_elements(coalesce(t -> 'judge', '[]'::jsonb)) j
    union all
    select (a -> 'verifier' ->> 'cached')::boolean, (a -> 'verifier' ->> 'saved_usd')::numeric
    from runs r
    cross join lateral jsonb_array_elements(coalesce(r.result -> 'all_results', '[]'::jsonb)) t
    cross join lateral jsonb_array_elements(coalesce(t -> 'attempts', '[]'::jsonb)) a
    where jsonb_typeof(a -> 'verifier') = 'object'
  ),
  pruned as (
    select coalesce(sum((r.pruned_stats -> 'judge_cache' ->> 'hits')::bigint), 0)::bigint as hits,
           coalesce(sum((r.pruned_stats -> 'judge_cache' ->> 'hits_priced')::bigint), 0)::bigint as hits_priced,
           coalesce(sum((r.pruned_stats -> 'judge_cache' ->> 'saved_usd')::numeric), 0) as saved
    from period w, public.eval_runs r
    where r.team_id = p_team_id and r.run_at >= w.since and r.run_at < w.until and r.pruned_stats is not null
  )
  select (select count(*) filter (where cached) from verdicts) + p.hits,
         (select count(*) filter (where cached and saved is not null) from verdicts) + p.hits_priced,
         (select coalesce(sum(saved) filter (where cached), 0) from verdicts) + p.saved
  from pruned p
$$;
comment on function public.judge_cache_savings(uuid, integer, timestamptz) is
  'Judge and verifier verdicts served from the cache in the period, and what they cost when first paid (pruned runs from pruned_stats).';

-- Verifier outcomes: the documents' answers, plus the groups pruned runs recorded (same
-- signature as 20261207100000_period_until.sql's, so a replace).
create or replace function public.verifier_outcomes(p_team_id uuid, p_days integer default 30, p_until timestamptz default null)
  returns table (
    repo_slug text, suite text, verifier_model text, accepted boolean, assertions_passed boolean, audit boolean,
    verifier_error boolean, reviews_correct bigint, reviews_incorrect bigint, decisions bigint, cost_usd numeric
  )
  language sql stable security invoker set search_path = ''
as $$
  with period as materialized (
    select coalesce(p_until, now()) - make_interval(days => p_days) as since, coalesce(p_until, 'infinity'::timestamptz) as until
  ),
  decided as (
    select a.repo_slug, a.suite, a.verifier_model, a.verifier_accept as accepted, a.assertions_passed, a.audit, a.verifier_error,
           a.reviews_correct, a.reviews_incorrect, 1::bigint as decisions, a.verifier_cost_usd as cost_usd
    from public.team_answers(p_team_id, p_days, 0, p_until) a
    where a.verifier_model is not null
    union all
    select r.repo_slug, r.suite, v ->> 'verifier_model', (v ->> 'accepted')::boolean, (v ->> 'assertions_passed')::boolean,
           (v ->> 'audit')::boolean, (v ->> 'verifier_error')::boolean, (v ->> 'reviews_correct')::bigint,
           (v ->> 'reviews_incorrect')::bigint, (v ->> 'decisions')::bigint, (v ->> 'cost_usd')::numeric
    from period w, public.eval_runs r
    cross join lateral jsonb_array_elements(coalesce(r.pruned_stats -> 'verifier', '[]'::jsonb)) v
    where r.team_id = p_team_id and r.run_at >= w.since and r.run_at < w.until and r.pruned_stats is not null
  )
  select d.repo_slug, d.suite, d.verifier_model, d.accepted, d.assertions_passed, d.audit, d.verifier_error,
         d.reviews_correct, d.reviews_incorrect, sum(d.decisions)::bigint, sum(d.cost_usd)
  from decided d
  group by 1, 2, 3, 4, 5, 6, 7, 8, 9
  order by 1, 2, 3, 4, 5, 6, 7, 8, 9
$$;
comment on function public.verifier_outcomes(uuid, integer, timestamptz) is
  'Verifier decisions grouped with the assertions'' outcome, audit flag and review counts (pruned runs from pruned_stats).';

-- CI reports read a run's results: say when a run has none left because retention removed them.
create or replace function private.ci_run_json(r public.eval_runs) returns jsonb
  language sql stable security definer set search_path = ''
as $$
  select jsonb_build_object(
    'id', r.id, 'run_key', r.run_key, 'repo_slug', r.repo_slug, 'suite', r.suite, 'branch', r.branch,
    'git_sha', r.git_sha, 'run_at', r.run_at, 'pass_rate', r.pass_rate, 'cost_usd', r.cost_usd,
    'pruned_at', r.pruned_at,
    'results', coalesce((
      select jsonb_agg(jsonb_build_object('test_name', e.test_name, 'trial', e.trial, 'passed', e.passed,
        'skipped', e.skipped, 'cost_usd', e.cost_usd, 'duration_ms', e.duration_ms) order by e.test_name, e.trial)
      from public.eval_results e where e.run_id = r.id
    ), '[]'::jsonb))
$$;

-- =============================================================================
-- Schedule (cron.schedule updates a job of the same name in place)
-- =============================================================================

-- Every hour: prune_team_data batches of 5,000 rows, each committed on its own (short
-- transactions, row locks only), until nothing is left or two minutes have passed. A DO block
-- rather than a procedure: a routine that commits cannot carry the SET search_path every routine
-- here has (and the advisors require).
select cron.schedule('gstack-retention-prune', '17 * * * *', $job$
do $prune$
declare
  v_until timestamptz := pg_catalog.clock_timestamp() + interval '2 minutes';
  v_done jsonb;
begin
  loop
    v_done := private.prune_team_data(5000);
    commit;
    exit when ((v_done ->> 'deleted')::integer = 0 and (v_done ->> 'runs_pruned')::integer = 0)
      or pg_catalog.clock_timestamp() >= v_until;
  end loop;
end
$prune$
$job$);
