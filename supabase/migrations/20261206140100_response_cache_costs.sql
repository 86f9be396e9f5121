-- The model response cache (gstack eval run --cache) in the team store: how many calls of each
-- run's model were answered from the cache ($0, no tokens, not counted in `calls`), pushed with the
-- run's cost lines and shown on the Costs page beside the calls that were paid for.

-- =============================================================================
-- Tables
-- =============================================================================

alter table public.eval_costs add column cached_calls integer not null default 0
  constraint eval_costs_cached_calls check (cached_calls >= 0);
comment on column public.eval_costs.cached_calls is
  'Calls answered from the model response cache: $0 and no tokens, not counted in calls.';

-- =============================================================================
-- Functions
-- =============================================================================

-- As in 20261122100000_security.sql, with the cost lines' cached_calls.
create or replace function private.write_eval_run(p_team_id uuid, p_user_id uuid, p_token_id uuid, p_payload jsonb)
  returns jsonb
  language plpgsql security definer set search_path = ''
as $$
declare
  v_run jsonb := p_payload -> 'run';
  v_id uuid;
begin
  if jsonb_typeof(v_run) is distinct from 'object' then
    raise exception 'payload.run must be an object' using errcode = '22023';
  end if;
  if jsonb_typeof(coalesce(p_payload -> 'results', '[]')) <> 'array'
     or jsonb_typeof(coalesce(p_payload -> 'attempts', '[]')) <> 'array'
     or jsonb_typeof(coalesce(p_payload -> 'costs', '[]')) <> 'array' then
    raise exception 'payload.results, payload.attempts and payload.costs must be arrays' using errcode = '22023';
  end if;
  perform private.check_run_payload(p_payload);

  insert into public.eval_runs (
    team_id, user_id, token_id, run_key, repo_slug, branch, git_sha, suite, tier, label, hostname, version, run_at,
    total_tests, passed, failed, skipped, cost_usd, judge_cost_usd, duration_ms, prompt_sha, by_category, result
  )
  select p_team_id, p_user_id, p_token_id, r.run_key, r.repo_slug, r.branch, r.git_sha, r.suite, r.tier, r.label,
         r.hostname, r.version, r.run_at, r.total_tests, r.passed, r.failed, coalesce(r.skipped, 0),
         coalesce(r.cost_usd, 0), coalesce(r.judge_cost_usd, 0), r.duration_ms, r.prompt_sha,
         coalesce(r.by_category, '{}'), coalesce(r.result, '{}')
  from jsonb_populate_record(null::public.eval_runs, v_run) r
  on conflict (team_id, run_key) do nothing
  returning id into v_id;

  if v_id is null then
    select id into v_id from public.eval_runs where team_id = p_team_id and run_key = v_run ->> 'run_key';
    return jsonb_build_object('run_id', v_id, 'created', false);
  end if;

  insert into public.eval_results (
    run_id, team_id, test_name, trial, category, passed, skipped, score, duration_ms, cost_usd,
    resolved_tier, resolved_model, error
  )
  select v_id, p_team_id, r.test_name, coalesce(r.trial, 1), r.category, r.passed, coalesce(r.skipped, false),
         r.score, r.duration_ms, coalesce(r.cost_usd, 0), r.resolved_tier, r.resolved_model, r.error
  from jsonb_populate_recordset(null::public.eval_results, coalesce(p_payload -> 'results', '[]')) r;

  insert into public.eval_attempts (
    run_id, team_id, test_name, trial, attempt, model, tier, duration_ms, warm, verdict, feedback,
    input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, cost_exact
  )
  select v_id, p_team_id, a.test_name, coalesce(a.trial, 1), a.attempt, a.model, a.tier, a.duration_ms, a.warm,
         a.verdict, a.feedback, coalesce(a.input_tokens, 0), coalesce(a.output_tokens, 0),
         coalesce(a.cache_read_tokens, 0), coalesce(a.cache_write_tokens, 0), coalesce(a.cost_usd, 0),
         coalesce(a.cost_exact, false)
  from jsonb_populate_recordset(null::public.eval_attempts, coalesce(p_payload -> 'attempts', '[]')) a;

  insert into public.eval_costs (
    run_id, team_id, model, purpose, calls, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,
    cost_usd, exact, cached_calls
  )
  select v_id, p_team_id, c.model, coalesce(c.purpose, 'system'), coalesce(c.calls, 0), coalesce(c.input_tokens, 0),
         coalesce(c.output_tokens, 0), coalesce(c.cache_read_tokens, 0), coalesce(c.cache_write_tokens, 0),
         coalesce(c.cost_usd, 0), coalesce(c.exact, false), coalesce(c.cached_calls, 0)
  from jsonb_populate_recordset(null::public.eval_costs, coalesce(p_payload -> 'costs', '[]')) c;

  return jsonb_build_object('run_id', v_id, 'created', true);
end
$$;

-- Per model over the last p_days days, now with the calls the response cache answered.
drop function public.cost_per_model(uuid, integer);
create function public.cost_per_model(p_team_id uuid, p_days integer default 30)
  returns table (
    model text, purpose text, calls bigint, input_tokens numeric, output_tokens numeric,
    cache_read_tokens numeric, cache_write_tokens numeric, cost_usd numeric, exact boolean, cached_calls bigint
  )
  language sql stable security invoker set search_path = ''
as $$
  select c.model, c.purpose, sum(c.calls), sum(c.input_tokens), sum(c.output_tokens), sum(c.cache_read_tokens),
         sum(c.cache_write_tokens), sum(c.cost_usd), bool_and(c.exact), sum(c.cached_calls)
  from public.eval_costs c
  where c.team_id = p_team_id and c.run_at >= now() - make_interval(days => p_days)
  group by c.model, c.purpose
  order by sum(c.cost_usd) desc, c.model
$$;
comment on function public.cost_per_model(uuid, integer) is
  'Calls, tokens and cost per model, and the calls the response cache answered; exact is false when any cost was estimated.';

-- =============================================================================
-- Grants
-- =============================================================================

revoke all on function public.cost_per_model(uuid, integer) from public, anon;
grant execute on function public.cost_per_model(uuid, integer) to authenticated, service_role;
