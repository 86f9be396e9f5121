-- CI reports: what `gstack ci report` reads (a run, its baseline on the default branch, the
-- baseline branch's recent history) and what it records (the gate's verdict per run, with the
-- pull request it was for), so the dashboard links the pull request and a digest can count the
-- pull requests the gate stopped.
--
-- CI runs with a push-only ingest token and no session. ci_report_context is the one read a
-- token may make: per-test pass/fail, cost and duration of the run it names, of that run's
-- baseline and of the baseline branch's recent runs, plus the team's alert threshold and
-- dashboard address. No outputs, prompts, people or other settings.

-- =============================================================================
-- Tables
-- =============================================================================

create table public.ci_reports (
  run_id uuid primary key,
  team_id uuid not null references public.teams (id) on delete cascade,
  repo_slug text not null,
  suite text not null,
  baseline_run_id uuid references public.eval_runs (id) on delete set null,
  -- The pull request the report was for; null for a push or a report run by hand.
  pull_request integer constraint ci_reports_pull_request check (pull_request > 0),
  pull_request_url text constraint ci_reports_pull_request_url check (pull_request_url ~ '^https?://[^[:space:]]+$'),
  -- true: the gate stopped the pull request (`gstack ci report` exited 1).
  gated boolean not null,
  reasons text[] not null default '{}',
  -- Tests per class: {"newly-failing": n, "flaky": n, ...}.
  counts jsonb not null default '{}'::jsonb,
  reported_at timestamptz not null default now(),
  foreign key (run_id, team_id) references public.eval_runs (id, team_id) on delete cascade
);
comment on table public.ci_reports is
  'The CI gate''s verdict on a run (latest report wins), with the pull request it was for: the dashboard links it, the digest counts stopped pull requests.';

-- =============================================================================
-- Indexes
-- =============================================================================

-- A run's baseline and history: the latest runs of a repo and suite on one branch, found by an
-- index probe per base branch, however many runs other branches have.
create index eval_runs_team_suite_branch_run_at_idx on public.eval_runs (team_id, repo_slug, suite, branch, run_at desc);
-- A digest counts a team's stopped pull requests in a week.
create index ci_reports_team_reported_at_idx on public.ci_reports (team_id, reported_at desc);
create index ci_reports_baseline_run_id_idx on public.ci_reports (baseline_run_id);

-- =============================================================================
-- Grants
-- =============================================================================

revoke all on public.ci_reports from anon, authenticated, service_role;
grant select on public.ci_reports to authenticated;
grant all on public.ci_reports to service_role;

-- =============================================================================
-- Policies
-- =============================================================================

alter table public.ci_reports enable row level security;

create policy "Members can read their team's CI reports" on public.ci_reports
  for select to authenticated using (team_id = any ((select private.user_team_ids())::uuid[]));

-- =============================================================================
-- Functions
-- =============================================================================

-- The team a CI report acts for: the token's (CI) or, for a signed-in member, p_team_id.
create function private.ci_team(p_team_id uuid, p_token text) returns uuid
  language plpgsql security definer set search_path = ''
as $$
begin
  if p_token is not null then
    return private.team_for_token(p_token);
  end if;
  perform private.require_user();
  if p_team_id is null or not private.is_team_member(p_team_id) then
    raise exception 'you are not a member of this team' using errcode = '42501';
  end if;
  return p_team_id;
end
$$;
comment on function private.ci_team(uuid, text) is 'The team of a CI ingest token, or p_team_id when the signed-in user is a member of it.';

-- A run of the team by run key (a result file's run_id) or by id, or null: one unique-index probe
-- each. In plpgsql so the uuid cast happens only for text shaped like one (SQL would not
-- short-circuit it: "run-13"::uuid raised an error).
create function private.ci_find_run(p_team_id uuid, p_run text) returns public.eval_runs
  language plpgsql stable security definer set search_path = ''
as $$
declare
  v_run public.eval_runs;
begin
  select r.* into v_run from public.eval_runs r where r.team_id = p_team_id and r.run_key = p_run;
  if v_run.id is null and p_run ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    select r.* into v_run from public.eval_runs r where r.team_id = p_team_id and r.id = p_run::uuid;
  end if;
  return v_run;
end
$$;

-- A run as the report reads it: totals and one row per test trial.
create function private.ci_run_json(r public.eval_runs) returns jsonb
  language sql stable security definer set search_path = ''
as $$
  select jsonb_build_object(
    'id', r.id, 'run_key', r.run_key, 'repo_slug', r.repo_slug, 'suite', r.suite, 'branch', r.branch,
    'git_sha', r.git_sha, 'run_at', r.run_at, 'pass_rate', r.pass_rate, 'cost_usd', r.cost_usd,
    'results', coalesce((
      select jsonb_agg(jsonb_build_object('test_name', e.test_name, 'trial', e.trial, 'passed', e.passed,
        'skipped', e.skipped, 'cost_usd', e.cost_usd, 'duration_ms', e.duration_ms) order by e.test_name, e.trial)
      from public.eval_results e where e.run_id = r.id
    ), '[]'::jsonb))
$$;

create function public.ci_report_context(
  p_team_id uuid,
  p_token text,
  p_run text,
  p_branches text[],
  p_baseline text default null,
  p_history_runs integer default 10
) returns jsonb
  language plpgsql security definer set search_path = ''
as $$
declare
  v_team uuid := private.ci_team(p_team_id, p_token);
  v_run public.eval_runs;
  v_base public.eval_runs;
  v_history jsonb;
begin
  v_run := private.ci_find_run(v_team, p_run);
  if v_run.id is null then
    raise exception 'no run % in the team store (push it first: gstack-sync push)', p_run using errcode = 'P0002';
  end if;
  if p_baseline is not null then
    v_base := private.ci_find_run(v_team, p_baseline);
    if v_base.id is null then
      raise exception 'no baseline run % in the team store', p_baseline using errcode = 'P0002';
    end if;
  else
    -- One probe per base branch (an index scan each, at most 10 branches), then the newest of their answers.
    select r.* into v_base
    from unnest(p_branches[1:10]) as b (branch)
    cross join lateral (
      select x.* from public.eval_runs x
      where x.team_id = v_team and x.repo_slug = v_run.repo_slug and x.suite = v_run.suite
        and x.branch = b.branch and x.id <> v_run.id and x.run_at <= v_run.run_at
      order by x.run_at desc
      limit 1
    ) r
    order by r.run_at desc
    limit 1;
  end if;

  -- Each test's outcomes over the baseline branch's recent runs before this run, oldest first
  -- (trials in order): core's flaky classifier reads them. Per-run probes, as in test_history.
  with recent as (
    select r.id, r.run_at from public.eval_runs r
    where r.team_id = v_team and r.repo_slug = v_run.repo_slug and r.suite = v_run.suite
      and r.branch = coalesce(v_base.branch, p_branches[1])
      and r.id <> v_run.id and r.run_at <= v_run.run_at
    order by r.run_at desc
    limit least(greatest(p_history_runs, 1), 50)
  ), outcomes as (
    select e.test_name, array_agg(e.passed order by rc.run_at, e.trial) as outcomes
    from recent rc
    cross join lateral (
      select x.test_name, x.trial, x.passed from public.eval_results x
      where x.run_id = rc.id and not x.skipped
      offset 0
    ) e
    group by e.test_name
  )
  select coalesce(jsonb_object_agg(o.test_name, to_jsonb(o.outcomes)), '{}'::jsonb) into v_history from outcomes o;

  return jsonb_build_object(
    'run', private.ci_run_json(v_run),
    'baseline', case when v_base.id is null then null else private.ci_run_json(v_base) end,
    'history', v_history,
    'threshold_pp', coalesce((select s.alert_threshold_pp from public.team_settings s where s.team_id = v_team), 5),
    'dashboard_url', (select s.dashboard_url from public.team_settings s where s.team_id = v_team)
  );
end
$$;
comment on function public.ci_report_context(uuid, text, text, text[], text, integer) is
  'CI: a run (by run key or id), its baseline (p_baseline, else the latest earlier run of the repo and suite on one of p_branches), the baseline branch''s recent per-test outcomes, the alert threshold and dashboard address. A member (p_team_id) or a CI ingest token (p_token).';

create function public.ci_record_report(p_team_id uuid, p_token text, p_run text, p_report jsonb) returns void
  language plpgsql security definer set search_path = ''
as $$
declare
  v_team uuid := private.ci_team(p_team_id, p_token);
  v_run public.eval_runs := private.ci_find_run(v_team, p_run);
  v_base uuid;
begin
  if v_run.id is null then
    raise exception 'no run % in the team store', p_run using errcode = 'P0002';
  end if;
  if jsonb_typeof(p_report -> 'gated') is distinct from 'boolean' then
    raise exception 'p_report.gated must be true or false' using errcode = '22023';
  end if;
  v_base := (private.ci_find_run(v_team, p_report ->> 'baseline_run_id')).id;
  insert into public.ci_reports as c (run_id, team_id, repo_slug, suite, baseline_run_id, pull_request, pull_request_url, gated, reasons, counts)
  values (
    v_run.id, v_team, v_run.repo_slug, v_run.suite, v_base,
    (p_report ->> 'pull_request')::integer,
    p_report ->> 'pull_request_url',
    (p_report ->> 'gated')::boolean,
    coalesce((select array_agg(left(x, 1000)) from jsonb_array_elements_text(coalesce(p_report -> 'reasons', '[]')) x), '{}'),
    coalesce(p_report -> 'counts', '{}')
  )
  on conflict (run_id) do update set
    baseline_run_id = excluded.baseline_run_id, pull_request = excluded.pull_request,
    pull_request_url = excluded.pull_request_url, gated = excluded.gated, reasons = excluded.reasons,
    counts = excluded.counts, reported_at = now();
end
$$;
comment on function public.ci_record_report(uuid, text, text, jsonb) is
  'CI: record the gate''s verdict on a run ({baseline_run_id, pull_request, pull_request_url, gated, reasons, counts}); the latest report of a run wins. A member (p_team_id) or a CI ingest token (p_token).';

-- The one definition of "pull requests the gate stopped" for a digest: distinct (repository,
-- pull request) with a gated report in [p_from, p_until). A pull request stopped and then fixed
-- in the window counts: the gate stopped it once.
create function public.ci_stopped_pull_requests(p_team_id uuid, p_from timestamptz, p_until timestamptz)
  returns integer
  language sql stable security invoker set search_path = ''
as $$
  select count(distinct (c.repo_slug, c.pull_request))::integer
  from public.ci_reports c
  where c.team_id = p_team_id and c.gated and c.pull_request is not null
    and c.reported_at >= p_from and c.reported_at < p_until
$$;
comment on function public.ci_stopped_pull_requests(uuid, timestamptz, timestamptz) is
  'How many pull requests (per repository) the CI gate stopped in [p_from, p_until): for the weekly digest.';

revoke execute on function private.ci_team(uuid, text), private.ci_find_run(uuid, text), private.ci_run_json(public.eval_runs)
  from public, anon, authenticated;
revoke execute on function public.ci_report_context(uuid, text, text, text[], text, integer),
  public.ci_record_report(uuid, text, text, jsonb) from public;
-- CI has no user session: the anon key plus the ingest token, as for ingest_eval_run.
grant execute on function public.ci_report_context(uuid, text, text, text[], text, integer),
  public.ci_record_report(uuid, text, text, jsonb) to anon, authenticated, service_role;
revoke execute on function public.ci_stopped_pull_requests(uuid, timestamptz, timestamptz) from public, anon;
grant execute on function public.ci_stopped_pull_requests(uuid, timestamptz, timestamptz) to authenticated, service_role;
