-- Evals: runs, per-test results, ladder attempts, per-model costs, the team-shared judge cache,
-- and the two ways a run arrives: push_eval_run (a signed-in member) and ingest_eval_run (a CI token).

-- =============================================================================
-- Tables
-- =============================================================================

create table public.eval_runs (
  id uuid primary key default gen_random_uuid(),
  team_id uuid not null references public.teams (id) on delete cascade,
  -- Who pushed it: a member, or (user_id null) a CI token.
  user_id uuid references auth.users (id) on delete set null,
  token_id uuid references public.team_tokens (id) on delete set null,
  -- The client's stable identity for the run; re-pushing the same run is a no-op.
  run_key text not null constraint eval_runs_run_key_length check (char_length(run_key) between 1 and 200),
  repo_slug text not null,
  branch text,
  git_sha text,
  suite text not null,
  tier text,
  label text,
  hostname text,
  version text,
  run_at timestamptz not null,
  total_tests integer not null constraint eval_runs_total_tests check (total_tests >= 0),
  passed integer not null constraint eval_runs_passed check (passed >= 0),
  failed integer not null constraint eval_runs_failed check (failed >= 0),
  skipped integer not null default 0 constraint eval_runs_skipped check (skipped >= 0),
  -- Percent of the tests that ran (skipped ones excluded); null when none ran.
  pass_rate numeric(5, 2) generated always as (
    case when total_tests - skipped > 0 then round(100.0 * passed / (total_tests - skipped), 2) end
  ) stored,
  -- Everything the run cost, judge included; judge_cost_usd is the judge's part.
  cost_usd numeric(14, 6) not null default 0,
  judge_cost_usd numeric(14, 6) not null default 0,
  duration_ms bigint,
  prompt_sha text,
  by_category jsonb not null default '{}'::jsonb,
  -- Maintained from eval_results by a trigger: {"<resolved tier>": {"tests", "passed", "cost_usd"}},
  -- so escalation statistics read runs, not millions of results.
  tier_stats jsonb not null default '{}'::jsonb,
  -- The whole StandardEvalResult document as pushed.
  result jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  constraint eval_runs_natural_key unique (team_id, run_key),
  constraint eval_runs_id_team unique (id, team_id)
);
comment on table public.eval_runs is 'One row per eval run pushed to the team, with its totals and the full result document.';

create table public.eval_results (
  run_id uuid not null,
  team_id uuid not null references public.teams (id) on delete cascade,
  test_name text not null,
  -- 1..N when a test runs with repeat: N.
  trial integer not null default 1 constraint eval_results_trial check (trial >= 1),
  category text,
  passed boolean not null,
  skipped boolean not null default false,
  score numeric,
  duration_ms bigint,
  cost_usd numeric(14, 6) not null default 0,
  -- The ladder tier and model whose answer was final.
  resolved_tier text,
  resolved_model text,
  error text,
  primary key (run_id, test_name, trial),
  foreign key (run_id, team_id) references public.eval_runs (id, team_id) on delete cascade
);
comment on table public.eval_results is 'One row per test (and trial) per run.';

create table public.eval_attempts (
  run_id uuid not null,
  team_id uuid not null references public.teams (id) on delete cascade,
  test_name text not null,
  trial integer not null default 1,
  attempt integer not null constraint eval_attempts_attempt check (attempt >= 1),
  model text not null,
  tier text,
  duration_ms bigint,
  warm boolean,
  verdict text not null constraint eval_attempts_verdict check (verdict in ('accept', 'escalate', 'error')),
  feedback text,
  input_tokens bigint not null default 0,
  output_tokens bigint not null default 0,
  cache_read_tokens bigint not null default 0,
  cache_write_tokens bigint not null default 0,
  cost_usd numeric(14, 6) not null default 0,
  cost_exact boolean not null default false,
  primary key (run_id, test_name, trial, attempt),
  foreign key (run_id, team_id) references public.eval_runs (id, team_id) on delete cascade
);
comment on table public.eval_attempts is 'One row per model escalation ladder attempt.';

create table public.eval_costs (
  run_id uuid not null,
  team_id uuid not null references public.teams (id) on delete cascade,
  model text not null,
  -- system: the model under test (ladder); judge: judge and verifier calls.
  purpose text not null default 'system' constraint eval_costs_purpose check (purpose in ('system', 'judge')),
  calls integer not null default 0,
  input_tokens bigint not null default 0,
  output_tokens bigint not null default 0,
  cache_read_tokens bigint not null default 0,
  cache_write_tokens bigint not null default 0,
  cost_usd numeric(14, 6) not null default 0,
  -- true when every call's cost was reported by the API; false when priced from the table.
  exact boolean not null default false,
  -- The run's run_at (set by a trigger), so cost reports filter by time without a join.
  run_at timestamptz not null default now(),
  primary key (run_id, model, purpose),
  foreign key (run_id, team_id) references public.eval_runs (id, team_id) on delete cascade
);
comment on table public.eval_costs is 'Per run and model: calls, tokens and cost, exact or estimated.';

create table public.judge_cache (
  team_id uuid not null references public.teams (id) on delete cascade,
  -- SHA-256 (hex) over judge model, rubric, grader version and canonical input.
  cache_key text not null constraint judge_cache_key_format check (cache_key ~ '^[0-9a-f]{64}$'),
  judge_model text not null,
  grader_version text not null,
  verdict jsonb not null,
  cost_usd numeric(14, 6) not null default 0,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  primary key (team_id, cache_key)
);
comment on table public.judge_cache is 'Judge verdicts shared by a team, keyed by content hash.';

-- =============================================================================
-- Indexes
-- =============================================================================

-- Dashboard: a team's runs by time, per suite, per person.
create index eval_runs_team_run_at_idx on public.eval_runs (team_id, run_at desc);
create index eval_runs_team_suite_run_at_idx on public.eval_runs (team_id, repo_slug, suite, run_at desc);
create index eval_runs_team_user_run_at_idx on public.eval_runs (team_id, user_id, run_at desc);
create index eval_runs_user_id_idx on public.eval_runs (user_id);
create index eval_runs_token_id_idx on public.eval_runs (token_id);
create index eval_results_team_id_idx on public.eval_results (team_id);
create index eval_attempts_team_id_idx on public.eval_attempts (team_id);
create index eval_costs_team_run_at_idx on public.eval_costs (team_id, run_at desc);
create index judge_cache_created_by_idx on public.judge_cache (created_by);

-- =============================================================================
-- Grants
-- =============================================================================

revoke all on public.eval_runs, public.eval_results, public.eval_attempts, public.eval_costs, public.judge_cache
  from anon, authenticated, service_role;
grant select, insert, delete on public.eval_runs, public.eval_results, public.eval_attempts, public.eval_costs
  to authenticated;
grant select, insert, delete on public.judge_cache to authenticated;
grant all on public.eval_runs, public.eval_results, public.eval_attempts, public.eval_costs, public.judge_cache
  to service_role;

-- =============================================================================
-- Policies
-- =============================================================================

alter table public.eval_runs enable row level security;
alter table public.eval_results enable row level security;
alter table public.eval_attempts enable row level security;
alter table public.eval_costs enable row level security;
alter table public.judge_cache enable row level security;

create policy "Members can read their team's runs" on public.eval_runs
  for select to authenticated using (team_id = any ((select private.user_team_ids())::uuid[]));
create policy "Members can add runs to their team as themselves" on public.eval_runs
  for insert to authenticated
  with check (team_id = any ((select private.user_team_ids())::uuid[]) and user_id = (select auth.uid()) and token_id is null);
create policy "Admins can delete their team's runs" on public.eval_runs
  for delete to authenticated using (team_id = any ((select private.user_admin_team_ids())::uuid[]));

create policy "Members can read their team's results" on public.eval_results
  for select to authenticated using (team_id = any ((select private.user_team_ids())::uuid[]));
create policy "Members can add results to their team" on public.eval_results
  for insert to authenticated with check (team_id = any ((select private.user_team_ids())::uuid[]));
create policy "Admins can delete their team's results" on public.eval_results
  for delete to authenticated using (team_id = any ((select private.user_admin_team_ids())::uuid[]));

create policy "Members can read their team's attempts" on public.eval_attempts
  for select to authenticated using (team_id = any ((select private.user_team_ids())::uuid[]));
create policy "Members can add attempts to their team" on public.eval_attempts
  for insert to authenticated with check (team_id = any ((select private.user_team_ids())::uuid[]));
create policy "Admins can delete their team's attempts" on public.eval_attempts
  for delete to authenticated using (team_id = any ((select private.user_admin_team_ids())::uuid[]));

create policy "Members can read their team's costs" on public.eval_costs
  for select to authenticated using (team_id = any ((select private.user_team_ids())::uuid[]));
create policy "Members can add costs to their team" on public.eval_costs
  for insert to authenticated with check (team_id = any ((select private.user_team_ids())::uuid[]));
create policy "Admins can delete their team's costs" on public.eval_costs
  for delete to authenticated using (team_id = any ((select private.user_admin_team_ids())::uuid[]));

create policy "Members can read their team's judge verdicts" on public.judge_cache
  for select to authenticated using (team_id = any ((select private.user_team_ids())::uuid[]));
create policy "Members can share judge verdicts with their team" on public.judge_cache
  for insert to authenticated
  with check (team_id = any ((select private.user_team_ids())::uuid[]) and created_by = (select auth.uid()));
create policy "Admins can clear their team's judge cache" on public.judge_cache
  for delete to authenticated using (team_id = any ((select private.user_admin_team_ids())::uuid[]));

-- =============================================================================
-- Derived columns, maintained whatever path the rows arrive by
-- =============================================================================

create function private.set_cost_run_at() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  select r.run_at into new.run_at from public.eval_runs r where r.id = new.run_id;
  return new;
end
$$;

create trigger eval_costs_run_at
  before insert on public.eval_costs
  for each row execute function private.set_cost_run_at();

-- Recomputes eval_runs.tier_stats for the runs whose results changed in the statement.
create function private.refresh_tier_stats() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  update public.eval_runs r
     set tier_stats = coalesce((
       select jsonb_object_agg(s.tier, jsonb_build_object('tests', s.tests, 'passed', s.passed, 'cost_usd', s.cost_usd))
       from (
         select coalesce(e.resolved_tier, '(none)') as tier, count(*) as tests,
                count(*) filter (where e.passed) as passed, sum(e.cost_usd) as cost_usd
         from public.eval_results e
         where e.run_id = r.id and not e.skipped
         group by 1
       ) s
     ), '{}'::jsonb)
   where r.id in (select distinct c.run_id from changed c);
  return null;
end
$$;

create trigger eval_results_tier_stats_after_insert
  after insert on public.eval_results
  referencing new table as changed
  for each statement execute function private.refresh_tier_stats();

create trigger eval_results_tier_stats_after_delete
  after delete on public.eval_results
  referencing old table as changed
  for each statement execute function private.refresh_tier_stats();

-- =============================================================================
-- Writing a run: one call, one transaction, idempotent on (team, run_key)
-- =============================================================================

-- Payload: {"run": {eval_runs columns}, "results": [...], "attempts": [...], "costs": [...]}
-- with keys named exactly as the columns (team_id, user_id, run_id are set here).
-- Returns {"run_id": uuid, "created": boolean}; created is false when the run was already there.
create function private.write_eval_run(p_team_id uuid, p_user_id uuid, p_token_id uuid, p_payload jsonb)
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
    cost_usd, exact
  )
  select v_id, p_team_id, c.model, coalesce(c.purpose, 'system'), coalesce(c.calls, 0), coalesce(c.input_tokens, 0),
         coalesce(c.output_tokens, 0), coalesce(c.cache_read_tokens, 0), coalesce(c.cache_write_tokens, 0),
         coalesce(c.cost_usd, 0), coalesce(c.exact, false)
  from jsonb_populate_recordset(null::public.eval_costs, coalesce(p_payload -> 'costs', '[]')) c;

  return jsonb_build_object('run_id', v_id, 'created', true);
end
$$;

create function public.push_eval_run(p_team_id uuid, p_payload jsonb) returns jsonb
  language plpgsql security definer set search_path = ''
as $$
declare
  v_user uuid := private.require_user();
begin
  if not private.is_team_member(p_team_id) then
    raise exception 'you are not a member of this team' using errcode = '42501';
  end if;
  return private.write_eval_run(p_team_id, v_user, null, p_payload);
end
$$;
comment on function public.push_eval_run(uuid, jsonb) is
  'Members: write a run with its results, attempts and costs in one transaction; re-pushing the same run_key is a no-op.';

create function public.ingest_eval_run(p_token text, p_payload jsonb) returns jsonb
  language plpgsql security definer set search_path = ''
as $$
declare
  v_team uuid := private.team_for_token(p_token);
  v_token_id uuid := (select id from public.team_tokens where token_hash = private.sha256_hex(p_token));
begin
  return private.write_eval_run(v_team, null, v_token_id, p_payload);
end
$$;
comment on function public.ingest_eval_run(text, jsonb) is
  'CI: write a run as the team a valid ingest token belongs to. The token can write, never read.';

-- Migration 1 removed every default grant on functions; these are the only ways in.
grant execute on function public.push_eval_run(uuid, jsonb) to authenticated, service_role;
-- CI has no user session: the anon key plus the ingest token.
grant execute on function public.ingest_eval_run(text, jsonb) to anon, authenticated, service_role;
