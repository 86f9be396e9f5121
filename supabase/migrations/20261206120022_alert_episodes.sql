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
-- - Digest: digest_week also returns the dashboard address, the open episodes' tests, the
--   ladder's attempts per tier and the verifier's decisions of the week (end of this file).
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
comment on table public.alert_cooldowns is 'When each team/repo/suite last sent a message (one regression message per the team''s alert_cooldown_minutes). Service role only.';

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

-- =============================================================================
-- The Monday digest: links, still failing, the verifier, one cost per tier
-- =============================================================================

-- digest_week as in 20261123140000_digest_threshold.sql, plus: the team's dashboard address (each
-- section links to its page), the ladder's calls per attempt tier (a tier's spend is its model
-- calls, the number the model table shows), the verifier's decisions of the week, and the tests
-- in open alert episodes with the time they started failing.
create or replace function public.digest_week(p_team_id uuid, p_week_start date) returns jsonb
  language sql stable security invoker set search_path = ''
as $$
  with bounds as (
    select (p_week_start::timestamp at time zone 'utc') as w0,
           ((p_week_start + 7)::timestamp at time zone 'utc') as w1,
           ((p_week_start - 7)::timestamp at time zone 'utc') as p0
  ),
  week_runs as (
    select r.* from public.eval_runs r, bounds b where r.team_id = p_team_id and r.run_at >= b.w0 and r.run_at < b.w1
  ),
  prev_runs as (
    select r.* from public.eval_runs r, bounds b where r.team_id = p_team_id and r.run_at >= b.p0 and r.run_at < b.w0
  ),
  suites as (select distinct repo_slug, suite from week_runs),
  suite_runs as (
    select s.repo_slug, s.suite, x.id, x.run_at, x.pass_rate, x.in_week
    from suites s, bounds b,
    lateral (
      select * from (
        select r.id, r.run_at, r.pass_rate, false as in_week from public.eval_runs r
        where r.team_id = p_team_id and r.repo_slug = s.repo_slug and r.suite = s.suite and r.run_at < b.w0
        order by r.run_at desc limit 19
      ) before
      union all
      select r.id, r.run_at, r.pass_rate, true from week_runs r where r.repo_slug = s.repo_slug and r.suite = s.suite
    ) x
  ),
  windows as (
    select s.repo_slug, s.suite, w.kind, w.id, w.run_at
    from suites s, bounds b,
    lateral (
      select 'before' as kind, y.* from (
        select r.id, r.run_at from public.eval_runs r
        where r.team_id = p_team_id and r.repo_slug = s.repo_slug and r.suite = s.suite and r.run_at < b.w0
        order by r.run_at desc limit 10) y
      union all
      select 'through', z.* from (
        select r.id, r.run_at from public.eval_runs r
        where r.team_id = p_team_id and r.repo_slug = s.repo_slug and r.suite = s.suite and r.run_at < b.w1
        order by r.run_at desc limit 10) z
    ) w
  ),
  outcomes as (
    select w.repo_slug, w.suite, w.kind, x.test_name, w.run_at, bool_and(x.passed) as passed
    from windows w join public.eval_results x on x.run_id = w.id
    where not x.skipped
    group by w.repo_slug, w.suite, w.kind, x.test_name, w.id, w.run_at
  ),
  tests as (
    select o.repo_slug, o.suite, o.test_name,
           coalesce(jsonb_agg(o.passed order by o.run_at) filter (where o.kind = 'before'), '[]'::jsonb) as before,
           coalesce(jsonb_agg(o.passed order by o.run_at) filter (where o.kind = 'through'), '[]'::jsonb) as through
    from outcomes o
    group by o.repo_slug, o.suite, o.test_name
  ),
  tiers as (
    select t.key as tier, sum((t.value ->> 'tests')::bigint) as tests, sum((t.value ->> 'passed')::bigint) as passed,
           sum((t.value ->> 'cost_usd')::numeric) as cost_usd
    from week_runs r cross join lateral jsonb_each(r.tier_stats) t
    group by t.key
  ),
  -- The ladder's calls per attempt tier (eval_runs.attempt_stats, what the Costs and Escalation
  -- pages read): the spend of a tier is its model calls, the same number as the model table.
  attempt_tiers as (
    select a.key as tier, sum((a.value ->> 'attempts')::bigint) as attempts, sum((a.value ->> 'cost_usd')::numeric) as cost_usd
    from week_runs r cross join lateral jsonb_each(r.attempt_stats) a
    group by a.key
  ),
  -- The verifier's decisions of the week, judged as verifier_decisions does (the Escalation page).
  verifier as (
    select a -> 'verifier' ->> 'model' as model, (a -> 'verifier' ->> 'accept')::boolean as accepted,
           coalesce(
             (a ->> 'assertions_passed')::boolean,
             case when (a -> 'verifier' ->> 'accept')::boolean and a ->> 'verdict' = 'accept' then (
               select bool_and((x ->> 'passed')::boolean) from jsonb_array_elements(coalesce(t -> 'assertions', '[]'::jsonb)) x
               where x ->> 'type' <> 'judge'
             ) end
           ) as assertions_passed,
           count(*) as decisions
    from week_runs r
    cross join lateral jsonb_array_elements(coalesce(r.result -> 'all_results', '[]'::jsonb)) t
    cross join lateral jsonb_array_elements(coalesce(t -> 'attempts', '[]'::jsonb)) a
    where jsonb_typeof(a -> 'verifier') = 'object'
    group by 1, 2, 3
  )
  select jsonb_build_object(
    'week_start', p_week_start,
    'team', (select jsonb_build_object('slug', t.slug, 'name', t.name) from public.teams t where t.id = p_team_id),
    -- The team's own alert threshold decides the digest's regressions, as it does the alerts'
    -- (null when unset or not readable: the caller falls back to core's default).
    'alert_threshold_pp', (select s.alert_threshold_pp from public.team_settings s where s.team_id = p_team_id),
    'runs', (select count(*) from week_runs),
    'passed', (select coalesce(sum(passed), 0) from week_runs),
    'ran', (select coalesce(sum(total_tests - skipped), 0) from week_runs),
    'cost_usd', (select coalesce(sum(cost_usd), 0) from week_runs),
    'judge_cost_usd', (select coalesce(sum(judge_cost_usd), 0) from week_runs),
    'prev_runs', (select count(*) from prev_runs),
    'prev_passed', (select coalesce(sum(passed), 0) from prev_runs),
    'prev_ran', (select coalesce(sum(total_tests - skipped), 0) from prev_runs),
    'prev_cost_usd', (select coalesce(sum(cost_usd), 0) from prev_runs),
    'cost_by_model', coalesce((
      select jsonb_agg(jsonb_build_object('model', c.model, 'purpose', c.purpose, 'calls', c.calls, 'cost_usd', c.cost_usd)
                       order by c.cost_usd desc, c.model, c.purpose)
      from (select c.model, c.purpose, sum(c.calls) as calls, sum(c.cost_usd) as cost_usd
            from public.eval_costs c, bounds b
            where c.team_id = p_team_id and c.run_at >= b.w0 and c.run_at < b.w1
            group by c.model, c.purpose) c), '[]'::jsonb),
    -- Where each section links (null: no links).
    'dashboard_url', (select s.dashboard_url from public.team_settings s where s.team_id = p_team_id),
    'tier_attempts', coalesce((select jsonb_agg(jsonb_build_object('tier', t.tier, 'attempts', t.attempts, 'cost_usd', t.cost_usd)
                                                order by t.tier) from attempt_tiers t), '[]'::jsonb),
    'verifier', coalesce((select jsonb_agg(jsonb_build_object('model', v.model, 'accepted', v.accepted,
                                                              'assertions_passed', v.assertions_passed, 'decisions', v.decisions)
                                           order by v.model, v.accepted, v.assertions_passed) from verifier v), '[]'::jsonb),
    -- Tests in open alert episodes (as the digest is built): failing since the run they joined.
    'still_failing', coalesce((
      select jsonb_agg(jsonb_build_object('repo_slug', e.repo_slug, 'suite', e.suite, 'branch', nullif(e.branch, ''),
                                          'test', t.key, 'since', t.value ->> 'since', 'run_id', t.value ->> 'run_id')
                       order by t.value ->> 'since', e.repo_slug, e.suite, t.key)
      from public.alert_episodes e cross join lateral jsonb_each(e.tests) t
      where e.team_id = p_team_id), '[]'::jsonb),
    'tiers', coalesce((select jsonb_agg(jsonb_build_object('tier', t.tier, 'tests', t.tests, 'passed', t.passed, 'cost_usd', t.cost_usd)
                                        order by t.tier) from tiers t), '[]'::jsonb),
    'sessions', (select count(*) from public.session_transcripts s, bounds b
                 where s.team_id = p_team_id and s.started_at >= b.w0 and s.started_at < b.w1),
    'ships', coalesce((
      select jsonb_agg(jsonb_build_object('name', x.name, 'ships', x.n) order by x.n desc, x.name)
      from (select coalesce(m.display_name, 'someone') as name, count(*) as n
            from public.ship_logs s cross join bounds b
            left join public.team_members m on m.team_id = s.team_id and m.user_id = s.user_id
            where s.team_id = p_team_id and s.shipped_at >= b.w0 and s.shipped_at < b.w1
            group by 1) x), '[]'::jsonb),
    'suites', coalesce((
      select jsonb_agg(jsonb_build_object(
        'repo_slug', s.repo_slug, 'suite', s.suite,
        'runs', (select jsonb_agg(jsonb_build_object('id', r.id, 'run_at', r.run_at, 'pass_rate', r.pass_rate, 'in_week', r.in_week)
                                  order by r.run_at, r.id)
                 from suite_runs r where r.repo_slug = s.repo_slug and r.suite = s.suite),
        'tests', coalesce((select jsonb_agg(jsonb_build_object('name', t.test_name, 'before', t.before, 'through', t.through)
                                            order by t.test_name)
                           from tests t where t.repo_slug = s.repo_slug and t.suite = s.suite), '[]'::jsonb)
      ) order by s.repo_slug, s.suite) from suites s), '[]'::jsonb)
  )
$$;
comment on function public.digest_week(uuid, date) is 'Weekly digest numbers for one team and week (Monday, UTC), with the previous week, open episodes and links.';
