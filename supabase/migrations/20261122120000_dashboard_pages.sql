-- Dashboard pages: one aggregate per page section, so each page is a few RPC calls that read
-- kilobytes. Every function is security invoker (RLS applies: a non-member gets nothing) and
-- takes the team explicitly so the team's indexes are used. Outputs are cut to a bounded length.

-- =============================================================================
-- Indexes
-- =============================================================================

-- Runs list filtered by suite (any repo), branch or token within a team, newest first.
create index eval_runs_team_suite_only_run_at_idx on public.eval_runs (team_id, suite, run_at desc);
create index eval_runs_team_branch_run_at_idx on public.eval_runs (team_id, branch, run_at desc);
create index eval_runs_team_token_run_at_idx on public.eval_runs (team_id, token_id, run_at desc);

-- =============================================================================
-- Functions
-- =============================================================================

-- One run as a list row: who pushed it (member name or CI token), totals, tier mix.
create function public.dashboard_run_row(r public.eval_runs)
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
    'who', coalesce(
      (select coalesce(m.display_name, m.email) from public.team_members m where m.team_id = r.team_id and m.user_id = r.user_id),
      (select 'CI: ' || t.name from public.team_tokens t where t.id = r.token_id),
      case when r.token_id is not null then 'CI token' end
    )
  )
$$;
comment on function public.dashboard_run_row(public.eval_runs) is 'A run as the dashboard lists it (no result document).';

-- The runs list: filters (each null = any), newest first, one page plus the filtered total.
-- The total is counted up to 10,001 (the page shows "10,000+"), so a big team's count stays cheap.
-- plpgsql with EXECUTE: the statement holds only the filters given, so each call is planned with
-- its values and walks the (team_id, run_at) index instead of guessing over "x is null or ...".
-- Only fixed text is concatenated; every value is a bound parameter.
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
  p_offset integer default 0
)
  returns jsonb
  language plpgsql stable security invoker set search_path = ''
as $$
declare
  filters text := 'r.team_id = $1';
  answer jsonb;
begin
  if p_repo_slug is not null then filters := filters || ' and r.repo_slug = $2'; end if;
  if p_suite is not null then filters := filters || ' and r.suite = $3'; end if;
  if p_branch is not null then filters := filters || ' and r.branch = $4'; end if;
  if p_user_id is not null then filters := filters || ' and r.user_id = $5'; end if;
  if p_ci is not null then filters := filters || ' and (r.token_id is not null) = $6'; end if;
  if p_from is not null then filters := filters || ' and r.run_at >= $7'; end if;
  if p_to is not null then filters := filters || ' and r.run_at < $8'; end if;
  execute format(
    $q$select jsonb_build_object(
      'total', (select count(*) from (select 1 from public.eval_runs r where %1$s order by r.run_at desc limit 10001) capped),
      'rows', coalesce((select jsonb_agg(public.dashboard_run_row(p) order by p.run_at desc)
                        from (select r.* from public.eval_runs r where %1$s order by r.run_at desc limit $9 offset $10) p), '[]'::jsonb)
    )$q$,
    filters)
    into answer
    using p_team_id, p_repo_slug, p_suite, p_branch, p_user_id, p_ci, p_from, p_to,
          least(greatest(p_limit, 1), 200), greatest(p_offset, 0);
  return answer;
end
$$;
comment on function public.runs_page(uuid, text, text, text, uuid, boolean, timestamptz, timestamptz, integer, integer)
  is 'One page of a team''s runs, newest first, with the filtered total (counted up to 10,001).';

-- The values the runs filters offer: repos, suites, branches, people (last 90 days of runs).
create function public.runs_facets(p_team_id uuid)
  returns jsonb
  language sql stable security invoker set search_path = ''
as $$
  with recent as (
    select r.repo_slug, r.suite, r.branch, r.user_id from public.eval_runs r
    where r.team_id = p_team_id and r.run_at >= now() - interval '90 days'
  )
  select jsonb_build_object(
    'repos', coalesce((select jsonb_agg(distinct repo_slug) from recent), '[]'::jsonb),
    'suites', coalesce((select jsonb_agg(distinct suite) from recent), '[]'::jsonb),
    'branches', coalesce((select jsonb_agg(distinct branch) from recent where branch is not null), '[]'::jsonb),
    'people', coalesce((
      select jsonb_agg(jsonb_build_object('user_id', m.user_id, 'name', coalesce(m.display_name, m.email)) order by coalesce(m.display_name, m.email))
      from public.team_members m where m.team_id = p_team_id
    ), '[]'::jsonb)
  )
$$;
comment on function public.runs_facets(uuid) is 'Filter choices for the runs list.';

-- Each repo and suite of the team: its latest run and the pass rates of its last p_runs runs.
create function public.suite_sparklines(p_team_id uuid, p_runs integer default 20, p_days integer default 90)
  returns table (repo_slug text, suite text, pass_rates numeric[], latest jsonb)
  language sql stable security invoker set search_path = ''
as $$
  with suites as (
    select distinct r.repo_slug, r.suite from public.eval_runs r
    where r.team_id = p_team_id and r.run_at >= now() - make_interval(days => p_days)
  )
  -- One probe of the suite's index per suite: its last p_runs runs give both the sparkline and
  -- the latest run (a separate "latest" lookup may pick the team's run_at index and walk it).
  select s.repo_slug, s.suite, l.pass_rates, public.dashboard_run_row(l.latest)
  from suites s
  cross join lateral (
    select array_agg((x.r).pass_rate order by (x.r).run_at) as pass_rates,
           (array_agg(x.r order by (x.r).run_at desc))[1] as latest
    from (
      select r from public.eval_runs r
      where r.team_id = p_team_id and r.repo_slug = s.repo_slug and r.suite = s.suite
      order by r.run_at desc limit p_runs
    ) x
  ) l
  order by s.repo_slug, s.suite
$$;
comment on function public.suite_sparklines(uuid, integer, integer) is 'Per suite: pass rates of its recent runs (oldest first) and its latest run.';

-- One test's answer and judge verdicts from the pushed document, output cut to p_max chars.
create function public.dashboard_test_doc(p_result jsonb, p_name text, p_trial integer, p_max integer)
  returns jsonb
  language sql immutable security invoker set search_path = ''
as $$
  select jsonb_build_object(
    'output', left(t ->> 'output', p_max),
    'output_length', char_length(t ->> 'output'),
    'judge', coalesce(t -> 'judge', '[]'::jsonb),
    'assertions', coalesce(t -> 'assertions', '[]'::jsonb)
  )
  from jsonb_array_elements(coalesce(p_result -> 'all_results', '[]'::jsonb)) t
  where t ->> 'name' = p_name and coalesce((t ->> 'trial')::integer, 1) = p_trial
  limit 1
$$;
comment on function public.dashboard_test_doc(jsonb, text, integer, integer) is 'A test''s output, judge verdicts and assertions from a result document.';

-- A run with every test, its ladder attempts, output and judge verdicts, and the previous run of
-- the same repo and suite (the default baseline to compare with). Null when the run is not visible.
create function public.run_detail(p_team_id uuid, p_run_id uuid, p_output_chars integer default 4000)
  returns jsonb
  language sql stable security invoker set search_path = ''
as $$
  select jsonb_build_object(
    'run', public.dashboard_run_row(r),
    'prompt_sha', r.prompt_sha,
    'version', r.version,
    'costs', coalesce((
      select jsonb_agg(jsonb_build_object('model', c.model, 'purpose', c.purpose, 'calls', c.calls, 'cost_usd', c.cost_usd,
        'exact', c.exact, 'input_tokens', c.input_tokens, 'output_tokens', c.output_tokens,
        'cache_read_tokens', c.cache_read_tokens, 'cache_write_tokens', c.cache_write_tokens) order by c.cost_usd desc, c.model)
      from public.eval_costs c where c.run_id = r.id
    ), '[]'::jsonb),
    'previous_run_id', (
      select p.id from public.eval_runs p
      where p.team_id = r.team_id and p.repo_slug = r.repo_slug and p.suite = r.suite and p.run_at < r.run_at
      order by p.run_at desc limit 1
    ),
    'tests', coalesce((
      select jsonb_agg(jsonb_build_object(
        'test_name', e.test_name, 'trial', e.trial, 'category', e.category, 'passed', e.passed, 'skipped', e.skipped,
        'score', e.score, 'duration_ms', e.duration_ms, 'cost_usd', e.cost_usd, 'resolved_tier', e.resolved_tier,
        'resolved_model', e.resolved_model, 'error', e.error,
        'attempts', coalesce((
          select jsonb_agg(jsonb_build_object('attempt', a.attempt, 'model', a.model, 'tier', a.tier,
            'duration_ms', a.duration_ms, 'warm', a.warm, 'verdict', a.verdict, 'feedback', a.feedback,
            'input_tokens', a.input_tokens, 'output_tokens', a.output_tokens, 'cache_read_tokens', a.cache_read_tokens,
            'cache_write_tokens', a.cache_write_tokens, 'cost_usd', a.cost_usd, 'cost_exact', a.cost_exact) order by a.attempt)
          from public.eval_attempts a
          where a.run_id = e.run_id and a.test_name = e.test_name and a.trial = e.trial
        ), '[]'::jsonb),
        'doc', public.dashboard_test_doc(r.result, e.test_name, e.trial, p_output_chars)
      ) order by e.passed, e.test_name, e.trial)
      from public.eval_results e where e.run_id = r.id
    ), '[]'::jsonb)
  )
  from public.eval_runs r
  where r.team_id = p_team_id and r.id = p_run_id
$$;
comment on function public.run_detail(uuid, uuid, integer) is 'A run with its tests, attempts, outputs, judge verdicts, costs and previous run.';

-- Two runs side by side, test by test (matched on name and trial), outputs cut to p_output_chars.
create function public.compare_runs(p_team_id uuid, p_base uuid, p_head uuid, p_output_chars integer default 2000)
  returns jsonb
  language sql stable security invoker set search_path = ''
as $$
  with base as (select * from public.eval_runs where team_id = p_team_id and id = p_base),
  head as (select * from public.eval_runs where team_id = p_team_id and id = p_head),
  side as (
    select e.*, (select left(t ->> 'output', p_output_chars)
                 from jsonb_array_elements(coalesce(r.result -> 'all_results', '[]'::jsonb)) t
                 where t ->> 'name' = e.test_name and coalesce((t ->> 'trial')::integer, 1) = e.trial limit 1) as output
    from public.eval_results e
    join public.eval_runs r on r.id = e.run_id and r.team_id = p_team_id
    where e.team_id = p_team_id and e.run_id in (p_base, p_head)
  ),
  b as (select * from side where run_id = p_base),
  h as (select * from side where run_id = p_head)
  select jsonb_build_object(
    'base', (select public.dashboard_run_row(base) from base),
    'head', (select public.dashboard_run_row(head) from head),
    'tests', coalesce((
      select jsonb_agg(jsonb_build_object(
        'test_name', coalesce(h.test_name, b.test_name), 'trial', coalesce(h.trial, b.trial),
        'base', case when b.run_id is not null then jsonb_build_object('passed', b.passed, 'skipped', b.skipped,
          'cost_usd', b.cost_usd, 'duration_ms', b.duration_ms, 'resolved_tier', b.resolved_tier,
          'resolved_model', b.resolved_model, 'error', b.error, 'output', b.output) end,
        'head', case when h.run_id is not null then jsonb_build_object('passed', h.passed, 'skipped', h.skipped,
          'cost_usd', h.cost_usd, 'duration_ms', h.duration_ms, 'resolved_tier', h.resolved_tier,
          'resolved_model', h.resolved_model, 'error', h.error, 'output', h.output) end
      ) order by coalesce(h.test_name, b.test_name), coalesce(h.trial, b.trial))
      from b full join h on h.test_name = b.test_name and h.trial = b.trial
    ), '[]'::jsonb)
  )
  where exists (select 1 from base) and exists (select 1 from head)
$$;
comment on function public.compare_runs(uuid, uuid, uuid, integer) is 'Two runs of a team compared test by test; null when either is not visible.';

-- =============================================================================
-- Grants
-- =============================================================================

revoke all on function
  public.dashboard_run_row(public.eval_runs), public.runs_page(uuid, text, text, text, uuid, boolean, timestamptz, timestamptz, integer, integer),
  public.runs_facets(uuid), public.suite_sparklines(uuid, integer, integer),
  public.dashboard_test_doc(jsonb, text, integer, integer), public.run_detail(uuid, uuid, integer),
  public.compare_runs(uuid, uuid, uuid, integer)
  from public, anon;
grant execute on function
  public.dashboard_run_row(public.eval_runs), public.runs_page(uuid, text, text, text, uuid, boolean, timestamptz, timestamptz, integer, integer),
  public.runs_facets(uuid), public.suite_sparklines(uuid, integer, integer),
  public.dashboard_test_doc(jsonb, text, integer, integer), public.run_detail(uuid, uuid, integer),
  public.compare_runs(uuid, uuid, uuid, integer)
  to authenticated, service_role;
