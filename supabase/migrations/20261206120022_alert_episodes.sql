-- Alert episodes: alerts a channel keeps unmuted (issue 22).
--
-- - Branches: team_settings.alert_branches lists the branch globs that post to Slack (default
--   main, master and `(none)`: CI-token runs with no branch). Other branches are decided and
--   recorded (the dashboard shows them) but never posted. A run's baseline is the history of its
--   own branch, or of the default branch (main, else master) while its branch has fewer than 2
--   earlier runs.
-- - Episodes: public.alert_episodes holds, per team, repo, suite and branch, the tests that are
--   failing since an alert (an open episode) and the mean to get back to. A test joins once
--   (alert_episode_join returns only the names it added), so a persisting failure never re-alerts;
--   the episode is closed by exactly one recovery (alert_episode_close deletes and returns it).
-- - Cooldown: team_settings.alert_cooldown_minutes (default 5, 0 allowed) replaces the fixed 5
--   minutes; the suite's alerted state moves from alert_cooldowns to the episodes.
--
-- The rules stay in packages/core/src/alerts; this file stores state and reads data.

-- =============================================================================
-- Tables
-- =============================================================================

-- Each alert branch pattern: 1 to 200 characters, no whitespace (the constraint below).
create function private.alert_branches_valid(p_patterns text[]) returns boolean
  language sql immutable set search_path = ''
as $$
  select coalesce(bool_and(p ~ '^[^[:space:],]{1,200}$'), true) from unnest(p_patterns) p
$$;
revoke all on function private.alert_branches_valid(text[]) from public, anon;
grant execute on function private.alert_branches_valid(text[]) to authenticated, service_role;

alter table public.team_settings
  add column alert_branches text[] not null default '{main,master,(none)}'
    constraint team_settings_alert_branches check (
      cardinality(alert_branches) between 1 and 20
      and array_position(alert_branches, null) is null
      and private.alert_branches_valid(alert_branches)),
  add column alert_cooldown_minutes integer not null default 5
    constraint team_settings_alert_cooldown check (alert_cooldown_minutes between 0 and 1440);
comment on column public.team_settings.alert_branches is 'Branch globs whose runs post to Slack (* within a path segment, ** across); (none): CI-token runs with no branch.';
comment on column public.team_settings.alert_cooldown_minutes is 'At most one regression message per repo and suite per this many minutes (0: no cooldown).';

create table public.alert_episodes (
  team_id uuid not null references public.teams (id) on delete cascade,
  repo_slug text not null,
  suite text not null,
  -- '' for runs with no branch (a git branch name is never empty).
  branch text not null,
  opened_at timestamptz not null default now(),
  opened_run_id uuid not null,
  -- The mean the suite dropped from: a run at or above it closes the episode.
  baseline numeric(5, 2) not null,
  -- Test name → {"since": run_at, "run_id": run id} of the run where it joined.
  tests jsonb not null default '{}'::jsonb,
  updated_at timestamptz not null default now(),
  primary key (team_id, repo_slug, suite, branch)
);
comment on table public.alert_episodes is 'Open alert episodes: the tests failing since a regression alert, per team, repo, suite and branch. A row is deleted by its one recovery.';

alter table public.alert_deliveries drop constraint alert_deliveries_decision;
alter table public.alert_deliveries add constraint alert_deliveries_decision
  check (decision in ('pending', 'regression', 'ongoing', 'recovery', 'none', 'stale'));
comment on column public.alert_deliveries.decision is 'regression: tests started failing (posted unless the branch does not alert); ongoing: an open episode, nothing new; recovery: the episode closed.';

-- Suites alerted under the old rules keep their owed recovery, as an episode of their latest branch.
insert into public.alert_episodes (team_id, repo_slug, suite, branch, opened_at, opened_run_id, baseline)
select c.team_id, c.repo_slug, c.suite,
       coalesce((select r.branch from public.eval_runs r where r.team_id = c.team_id and r.repo_slug = c.repo_slug
                 and r.suite = c.suite order by r.run_at desc limit 1), ''),
       c.last_alerted_at, coalesce(c.last_run_id, gen_random_uuid()), c.alert_baseline
from public.alert_cooldowns c
where c.alerting and c.alert_baseline is not null;

drop function public.alert_set_state(uuid, text, text, boolean, numeric);
alter table public.alert_cooldowns drop column alerting, drop column alert_baseline;

-- =============================================================================
-- Grants and policies
-- =============================================================================

revoke all on public.alert_episodes from anon, authenticated, service_role;
grant select on public.alert_episodes to authenticated;
grant all on public.alert_episodes to service_role;

alter table public.alert_episodes enable row level security;
create policy "Members can read their team's alert episodes" on public.alert_episodes
  for select to authenticated using (team_id = any ((select private.user_team_ids())::uuid[]));

-- =============================================================================
-- Functions for regression-alert (service role only)
-- =============================================================================

-- Everything regression-alert needs about one run: the run (and whether a CI token pushed it), the
-- baseline branch and up to 19 earlier runs of it (newest first), each test that did not pass now
-- with the model and tier that answered and its earlier outcomes (oldest first; a test with trials
-- counts as passed only when every trial passed), the team settings, and the open episode of the
-- run's branch with the episode's tests that pass now.
drop function public.alert_run_context(uuid);
create function public.alert_run_context(p_run_id uuid) returns jsonb
  language sql stable security invoker set search_path = ''
as $$
  with run as (
    select r.* from public.eval_runs r where r.id = p_run_id
  ),
  own as (
    select count(*) as n from (
      select 1 from run, public.eval_runs e
      where e.team_id = run.team_id and e.repo_slug = run.repo_slug and e.suite = run.suite
        and e.branch is not distinct from run.branch and (e.run_at, e.id) < (run.run_at, run.id)
      limit 2) x
  ),
  base as (
    select case when (select n from own) >= 2 then run.branch
                when exists (select 1 from public.eval_runs e where e.team_id = run.team_id and e.repo_slug = run.repo_slug
                             and e.suite = run.suite and e.branch = 'main') then 'main'
                else 'master' end as branch
    from run
  ),
  earlier as (
    select e.id, e.run_at, e.pass_rate, e.cost_usd
    from run, base, public.eval_runs e
    where e.team_id = run.team_id and e.repo_slug = run.repo_slug and e.suite = run.suite
      and e.branch is not distinct from base.branch and (e.run_at, e.id) < (run.run_at, run.id)
    order by e.run_at desc, e.id desc
    limit 19
  ),
  now_failing as (
    select x.test_name, bool_and(x.passed) as passed,
           (array_agg(x.error order by x.trial) filter (where not x.passed))[1] as error,
           (array_agg(x.resolved_model order by x.trial) filter (where not x.passed))[1] as model,
           (array_agg(x.resolved_tier order by x.trial) filter (where not x.passed))[1] as tier
    from public.eval_results x
    where x.run_id = p_run_id and not x.skipped
    group by x.test_name
    having not bool_and(x.passed)
  ),
  history as (
    select x.test_name, x.run_id, bool_and(x.passed) as passed
    from public.eval_results x
    join earlier e on e.id = x.run_id
    join now_failing f on f.test_name = x.test_name
    where not x.skipped
    group by x.test_name, x.run_id
  ),
  episode as (
    select ep.* from run join public.alert_episodes ep
      on ep.team_id = run.team_id and ep.repo_slug = run.repo_slug and ep.suite = run.suite and ep.branch = coalesce(run.branch, '')
  )
  select jsonb_build_object(
    'run', (select jsonb_build_object(
      'id', r.id, 'team_id', r.team_id, 'repo_slug', r.repo_slug, 'suite', r.suite, 'branch', r.branch,
      'git_sha', r.git_sha, 'run_at', r.run_at, 'pass_rate', r.pass_rate, 'cost_usd', r.cost_usd,
      'total_tests', r.total_tests, 'passed', r.passed, 'failed', r.failed, 'via_token', r.token_id is not null,
      'pushed_by', coalesce(
        (select m.display_name from public.team_members m where m.team_id = r.team_id and m.user_id = r.user_id),
        (select 'CI token ' || t.name from public.team_tokens t where t.id = r.token_id))
    ) from run r),
    'baseline_branch', (select branch from base),
    'earlier', coalesce((select jsonb_agg(jsonb_build_object('id', e.id, 'pass_rate', e.pass_rate, 'cost_usd', e.cost_usd)
                                          order by e.run_at desc, e.id desc) from earlier e), '[]'::jsonb),
    'failing', coalesce((select jsonb_agg(jsonb_build_object(
        'name', f.test_name, 'error', f.error, 'model', f.model, 'tier', f.tier,
        'history', coalesce((select jsonb_agg(h.passed order by e.run_at, e.id) from history h join earlier e on e.id = h.run_id
                             where h.test_name = f.test_name), '[]'::jsonb))
        order by f.test_name) from now_failing f), '[]'::jsonb),
    'settings', (select jsonb_build_object(
        'slack_webhook_url', s.slack_webhook_url, 'alert_threshold_pp', s.alert_threshold_pp, 'dashboard_url', s.dashboard_url,
        'alert_branches', s.alert_branches, 'alert_cooldown_minutes', s.alert_cooldown_minutes)
      from run left join public.team_settings s on s.team_id = run.team_id),
    'episode', (select jsonb_build_object(
        'baseline', ep.baseline, 'opened_at', ep.opened_at, 'opened_run_id', ep.opened_run_id, 'tests', ep.tests,
        'fixed', coalesce((
          select jsonb_agg(t.name order by t.name) from jsonb_object_keys(ep.tests) t(name)
          where exists (select 1 from public.eval_results x where x.run_id = p_run_id and x.test_name = t.name and not x.skipped)
            and not exists (select 1 from now_failing f where f.test_name = t.name)), '[]'::jsonb))
      from episode ep)
  )
  where exists (select 1 from run)
$$;
comment on function public.alert_run_context(uuid) is 'regression-alert input for one run: the run, its baseline runs, failing tests with history, settings, the open episode.';

-- Adds tests to the open episode of a suite's branch, opening it (with p_baseline) when there is
-- none. Returns the names this call added: a test already in the episode is never returned again,
-- so two runs processed at once never both announce it.
create function public.alert_episode_join(
  p_team_id uuid, p_repo_slug text, p_suite text, p_branch text, p_run_id uuid, p_run_at timestamptz,
  p_baseline numeric, p_tests text[]
) returns text[]
  language plpgsql security invoker set search_path = ''
as $$
declare
  v_tests jsonb;
  v_added text[];
begin
  insert into public.alert_episodes (team_id, repo_slug, suite, branch, opened_run_id, baseline)
  values (p_team_id, p_repo_slug, p_suite, coalesce(p_branch, ''), p_run_id, p_baseline)
  on conflict (team_id, repo_slug, suite, branch) do nothing;
  select e.tests into v_tests from public.alert_episodes e
  where e.team_id = p_team_id and e.repo_slug = p_repo_slug and e.suite = p_suite and e.branch = coalesce(p_branch, '')
  for update;
  select coalesce(array_agg(distinct t order by t), '{}') into v_added from unnest(p_tests) t where not v_tests ? t;
  if cardinality(v_added) > 0 then
    update public.alert_episodes e
    set tests = e.tests || (select jsonb_object_agg(t, jsonb_build_object('since', p_run_at, 'run_id', p_run_id)) from unnest(v_added) t),
        updated_at = now()
    where e.team_id = p_team_id and e.repo_slug = p_repo_slug and e.suite = p_suite and e.branch = coalesce(p_branch, '');
  end if;
  return v_added;
end
$$;
comment on function public.alert_episode_join(uuid, text, text, text, uuid, timestamptz, numeric, text[]) is 'Opens or extends an alert episode; returns only the test names this call added.';

-- Closes the open episode of a suite's branch. Returns it (baseline, tests, opened_at) only to the
-- one call that closed it (one recovery message); null when there was none.
create function public.alert_episode_close(p_team_id uuid, p_repo_slug text, p_suite text, p_branch text) returns jsonb
  language sql security invoker set search_path = ''
as $$
  with closed as (
    delete from public.alert_episodes e
    where e.team_id = p_team_id and e.repo_slug = p_repo_slug and e.suite = p_suite and e.branch = coalesce(p_branch, '')
    returning e.baseline, e.tests, e.opened_at
  )
  select jsonb_build_object('baseline', baseline, 'tests', tests, 'opened_at', opened_at) from closed
$$;
comment on function public.alert_episode_close(uuid, text, text, text) is 'Closes an alert episode; returns it to the one caller that closed it.';

-- Suites with held regressions whose team's cooldown is over (the sweep sends their roll-up), with
-- the team's cooldown and dashboard address.
drop function public.alert_overdue_holds(integer);
create function public.alert_overdue_holds()
  returns table (team_id uuid, repo_slug text, suite text, cooldown_minutes integer, dashboard_url text)
  language sql stable security invoker set search_path = ''
as $$
  select distinct d.team_id, d.repo_slug, d.suite, coalesce(s.alert_cooldown_minutes, 5), s.dashboard_url
  from public.alert_deliveries d
  left join public.team_settings s on s.team_id = d.team_id
  left join public.alert_cooldowns c on c.team_id = d.team_id and c.repo_slug = d.repo_slug and c.suite = d.suite
  where d.status = 'held'
    and (c.last_alerted_at is null or c.last_alerted_at <= now() - make_interval(mins => coalesce(s.alert_cooldown_minutes, 5)))
$$;
comment on function public.alert_overdue_holds() is 'Suites whose held regressions outlived their team''s cooldown.';

revoke all on function
  public.alert_run_context(uuid),
  public.alert_episode_join(uuid, text, text, text, uuid, timestamptz, numeric, text[]),
  public.alert_episode_close(uuid, text, text, text),
  public.alert_overdue_holds()
  from public, anon, authenticated;
grant execute on function
  public.alert_run_context(uuid),
  public.alert_episode_join(uuid, text, text, text, uuid, timestamptz, numeric, text[]),
  public.alert_episode_close(uuid, text, text, text),
  public.alert_overdue_holds()
  to service_role;
