-- Push throughput (issue 26, item 5): the push RPC's server side spends its time on work that
-- does not depend on what is pushed, or that is done twice. Profiled with auto_explain (nested
-- statements, triggers) and by timing the RPC with one piece disabled at a time; the numbers are
-- in scripts/bench/findings.md. What changes here, each with the same stored result as before:
--
-- * The per-run rollups eval_runs.tier_stats and eval_runs.attempt_stats are added to from the
--   statement's new rows (the transition table) on insert, instead of being recomputed by
--   reading every row of the run back from the table. A run's rows arrive whole, once, so the
--   rollup of the new rows is the run's rollup; a later insert into the same run adds to it.
--   Deletes still recompute from the rows left (20261121100100_evals.sql,
--   20261123130000_ladder_rollup.sql).
-- * test_costs_daily's insert trigger works out each run's day once, not once per result.
-- * The regression-alert trigger no longer turns the stored result document into jsonb only to
--   remove it from the webhook record.
-- * eval_results, eval_attempts and eval_costs lose their foreign key on team_id alone: each row
--   already references its run by (run_id, team_id), and the run references the team (on delete
--   cascade), so the team is checked by that key. The single-column check was one extra index
--   probe per row (11,000 per 5,000-result push).
-- * check_run_payload reads each array once and only builds the field names of an over-long
--   value when there is one (same messages, same order).

-- =============================================================================
-- Foreign keys
-- =============================================================================

alter table public.eval_results drop constraint eval_results_team_id_fkey;
alter table public.eval_attempts drop constraint eval_attempts_team_id_fkey;
alter table public.eval_costs drop constraint eval_costs_team_id_fkey;

-- =============================================================================
-- Rollups
-- =============================================================================

-- Adds two rollups of the same shape ({"<key>": {"<field>": number, ...}}): fields of a key in
-- both are summed, keys in one are kept as they are.
create function private.add_rollup(p_old jsonb, p_new jsonb) returns jsonb
  language sql immutable set search_path = ''
as $$
  select coalesce(jsonb_object_agg(k.key,
           case when p_old ? k.key and p_new ? k.key then (
             select jsonb_object_agg(f.key, (f.value #>> '{}')::numeric + coalesce((p_old -> k.key ->> f.key)::numeric, 0))
             from jsonb_each(p_new -> k.key) f)
           else coalesce(p_new -> k.key, p_old -> k.key) end), '{}'::jsonb)
  from (select jsonb_object_keys(p_old) union select jsonb_object_keys(p_new)) k (key)
$$;
comment on function private.add_rollup(jsonb, jsonb) is 'The sum of two per-key rollups such as eval_runs.tier_stats.';
revoke all on function private.add_rollup(jsonb, jsonb) from public, anon, authenticated;

-- The statement's new results, per run and resolved tier, added to eval_runs.tier_stats (same
-- shape as refresh_tier_stats writes: skipped results are not counted).
create function private.add_tier_stats() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  update public.eval_runs r
     set tier_stats = private.add_rollup(r.tier_stats, s.stats)
    from (
      select t.run_id, jsonb_object_agg(t.tier, jsonb_build_object('tests', t.tests, 'passed', t.passed, 'cost_usd', t.cost_usd)) as stats
      from (
        select c.run_id, coalesce(c.resolved_tier, '(none)') as tier, count(*) as tests,
               count(*) filter (where c.passed) as passed, sum(c.cost_usd) as cost_usd
        from changed c
        where not c.skipped
        group by 1, 2
      ) t
      group by t.run_id
    ) s
   where r.id = s.run_id;
  return null;
end
$$;
revoke all on function private.add_tier_stats() from public, anon, authenticated;

-- The statement's new attempts, per run and attempt tier, added to eval_runs.attempt_stats
-- (same shape as private.attempt_stats_of).
create function private.add_attempt_stats() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  update public.eval_runs r
     set attempt_stats = private.add_rollup(r.attempt_stats, s.stats)
    from (
      select t.run_id, jsonb_object_agg(t.tier, jsonb_build_object('attempts', t.attempts, 'cost_usd', t.cost_usd)) as stats
      from (
        select c.run_id, coalesce(c.tier, '?') as tier, count(*) as attempts, sum(c.cost_usd) as cost_usd
        from changed c
        group by 1, 2
      ) t
      group by t.run_id
    ) s
   where r.id = s.run_id;
  return null;
end
$$;
revoke all on function private.add_attempt_stats() from public, anon, authenticated;

drop trigger eval_results_tier_stats_after_insert on public.eval_results;
create trigger eval_results_tier_stats_after_insert
  after insert on public.eval_results
  referencing new table as changed
  for each statement execute function private.add_tier_stats();

drop trigger eval_attempts_attempt_stats_after_insert on public.eval_attempts;
create trigger eval_attempts_attempt_stats_after_insert
  after insert on public.eval_attempts
  referencing new table as changed
  for each statement execute function private.add_attempt_stats();

-- As in 20261123150000_test_cost_rollup.sql, with each run's day worked out once.
create or replace function private.add_test_costs() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  with runs as materialized (
    select x.id, x.team_id, private.utc_day(x.run_at) as day, x.repo_slug, x.suite
    from public.eval_runs x where x.id in (select distinct run_id from changed)
  )
  insert into public.test_costs_daily as d (team_id, day, repo_slug, suite, test_name, results, cost_usd)
  select r.team_id, r.day, r.repo_slug, r.suite, c.test_name, count(*), sum(c.cost_usd)
  from changed c
  join runs r on r.id = c.run_id
  group by 1, 2, 3, 4, 5
  on conflict (team_id, day, repo_slug, suite, test_name)
  do update set results = d.results + excluded.results, cost_usd = d.cost_usd + excluded.cost_usd;
  return null;
end
$$;

-- =============================================================================
-- The regression-alert webhook
-- =============================================================================

-- As in 20261206100000_one_code_path.sql. The record leaves out the result document; it is
-- cleared in the trigger's copy of the row first, so the document (megabytes for a large run) is
-- neither read back from TOAST nor converted to jsonb. The record sent is the same.
create or replace function private.on_eval_run_inserted() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  new.result := null;
  begin
    perform private.invoke_function('regression-alert', jsonb_build_object(
      'type', tg_op, 'table', tg_table_name, 'schema', tg_table_schema,
      'record', to_jsonb(new) - 'result', 'old_record', null));
  exception when others then
    raise warning 'gstack: regression alert for run % not sent: %', new.id, sqlerrm;
  end;
  return null;
end
$$;

-- =============================================================================
-- The push limits check
-- =============================================================================

-- As in 20261122100000_security.sql (same limits, messages and order), reading each array once:
-- a first pass asks whether any value is over its limit; only then is the field named.
create or replace function private.check_run_payload(p_payload jsonb) returns void
  language plpgsql immutable set search_path = ''
as $$
declare
  v_limits jsonb := private.push_limits();
  v_names integer := (v_limits ->> 'nameChars')::integer;
  v_text integer := (v_limits ->> 'stringChars')::integer;
  v_run jsonb := p_payload -> 'run';
  v_doc jsonb := coalesce(p_payload -> 'run' -> 'result', '{}'::jsonb);
  v_results jsonb := coalesce(p_payload -> 'results', '[]');
  v_attempts jsonb := coalesce(p_payload -> 'attempts', '[]');
  v_costs jsonb := coalesce(p_payload -> 'costs', '[]');
  v_outputs jsonb;
  v_doc_bytes bigint;
  v_problem text;
begin
  -- The document as Postgres prints it (a space after each ':' and ','); the client measures
  -- its pretty-printed file, which is never smaller, so what the client accepts passes here.
  v_doc_bytes := octet_length(v_doc::text);
  if v_doc_bytes > (v_limits ->> 'documentBytes')::bigint then
    raise exception 'push refused: run.result: the document is % bytes; at most %',
      v_doc_bytes, v_limits ->> 'documentBytes' using errcode = '54000';
  end if;
  if jsonb_array_length(v_results) > (v_limits ->> 'tests')::integer then
    raise exception 'push refused: results: % rows; at most %',
      jsonb_array_length(v_results), v_limits ->> 'tests' using errcode = '54000';
  end if;
  if jsonb_array_length(v_attempts) > (v_limits ->> 'attempts')::integer then
    raise exception 'push refused: attempts: % rows; at most %',
      jsonb_array_length(v_attempts), v_limits ->> 'attempts' using errcode = '54000';
  end if;
  if jsonb_array_length(v_costs) > (v_limits ->> 'costs')::integer then
    raise exception 'push refused: costs: % rows; at most %',
      jsonb_array_length(v_costs), v_limits ->> 'costs' using errcode = '54000';
  end if;
  v_outputs := case when jsonb_typeof(v_doc -> 'all_results') = 'array' then v_doc -> 'all_results' else '[]' end;

  if not (
    exists (select 1 from unnest(array['suite', 'label', 'repo_slug', 'branch', 'git_sha', 'tier', 'hostname', 'version', 'prompt_sha']) k
            where char_length(v_run ->> k) > v_names)
    or exists (select 1 from jsonb_array_elements(v_results) r (v)
               where greatest(char_length(r.v ->> 'test_name'), char_length(r.v ->> 'category'),
                              char_length(r.v ->> 'resolved_tier'), char_length(r.v ->> 'resolved_model')) > v_names
                  or char_length(r.v ->> 'error') > v_text)
    or exists (select 1 from jsonb_array_elements(v_attempts) a (v)
               where greatest(char_length(a.v ->> 'test_name'), char_length(a.v ->> 'model'), char_length(a.v ->> 'tier')) > v_names
                  or char_length(a.v ->> 'feedback') > v_text)
    or exists (select 1 from jsonb_array_elements(v_costs) c (v) where char_length(c.v ->> 'model') > v_names)
    or exists (select 1 from jsonb_array_elements(v_outputs) o (v) where char_length(o.v ->> 'output') > v_text)
  ) then
    return;
  end if;

  select format('push refused: %s: %s characters; at most %s', f.field, char_length(f.value), f.max_chars)
    into v_problem
  from (
    select 'run.' || k as field, v_run ->> k as value, v_names as max_chars
      from unnest(array['suite', 'label', 'repo_slug', 'branch', 'git_sha', 'tier', 'hostname', 'version', 'prompt_sha']) k
    union all
    select format('results[%s].%s', r.i - 1, k), r.v ->> k, v_names
      from jsonb_array_elements(v_results) with ordinality r (v, i),
           unnest(array['test_name', 'category', 'resolved_tier', 'resolved_model']) k
    union all
    select format('results[%s].error', r.i - 1), r.v ->> 'error', v_text
      from jsonb_array_elements(v_results) with ordinality r (v, i)
    union all
    select format('attempts[%s].%s', a.i - 1, k), a.v ->> k, v_names
      from jsonb_array_elements(v_attempts) with ordinality a (v, i),
           unnest(array['test_name', 'model', 'tier']) k
    union all
    select format('attempts[%s].feedback', a.i - 1), a.v ->> 'feedback', v_text
      from jsonb_array_elements(v_attempts) with ordinality a (v, i)
    union all
    select format('costs[%s].model', c.i - 1), c.v ->> 'model', v_names
      from jsonb_array_elements(v_costs) with ordinality c (v, i)
    union all
    select format('run.result.all_results[%s].output', o.i - 1), o.v ->> 'output', v_text
      from jsonb_array_elements(v_outputs) with ordinality o (v, i)
  ) f
  where char_length(f.value) > f.max_chars
  limit 1;
  if v_problem is not null then
    raise exception '%', v_problem using errcode = '54000';
  end if;
end
$$;
