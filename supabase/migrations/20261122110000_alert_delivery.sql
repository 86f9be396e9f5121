-- Alert delivery: exactly-once Slack messages for regression alerts (keyed by run) and the
-- weekly digest (keyed by team and week), the state behind cooldown roll-ups and recovery
-- messages, the data the two edge functions read in one round trip, and the 5-minute sweep that
-- re-dispatches runs whose webhook call was lost (pg_net sends once, from an unlogged queue, with
-- no retries).
--
-- The rules (what regressed, what is flaky, what the digest says) live in packages/core/src/alerts;
-- this file only stores decisions and reads data. Delivery rows never hold the webhook URL, so
-- every team member may read them (the dashboard marks alerted runs on the trend line).

-- =============================================================================
-- Tables
-- =============================================================================

alter table public.team_settings
  add column dashboard_url text
    constraint team_settings_dashboard_url check (dashboard_url ~ '^https?://[^[:space:]]+$');
comment on column public.team_settings.dashboard_url is 'Base URL of the team dashboard; alerts link to <dashboard_url>/runs/<run id>. Null: no link.';

-- Whether the suite is in an alerted state (a recovery message is owed) and the mean it must reach.
alter table public.alert_cooldowns
  add column alerting boolean not null default false,
  add column alert_baseline numeric(5, 2);

create table public.alert_deliveries (
  run_id uuid primary key,
  team_id uuid not null references public.teams (id) on delete cascade,
  repo_slug text not null,
  suite text not null,
  run_at timestamptz not null,
  -- What the rules decided for this run.
  decision text not null default 'pending'
    constraint alert_deliveries_decision check (decision in ('pending', 'regression', 'recovery', 'none', 'stale')),
  -- processing: claimed by a function call; held: a regression inside the cooldown, waiting for
  -- the next message; rolled_up: included in that message (rolled_up_into).
  status text not null default 'processing'
    constraint alert_deliveries_status check (status in ('processing', 'sent', 'held', 'rolled_up', 'skipped', 'failed')),
  pass_rate numeric(5, 2),
  baseline numeric(5, 2),
  -- Newly failing and flaky test names (capped), the reason a run was skipped.
  detail jsonb not null default '{}'::jsonb,
  rolled_up_into uuid,
  attempts integer not null default 0,
  slack_status integer,
  error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  sent_at timestamptz,
  foreign key (run_id, team_id) references public.eval_runs (id, team_id) on delete cascade
);
comment on table public.alert_deliveries is 'One row per pushed run: the regression-alert decision and its Slack delivery. Makes retries, duplicate webhooks and sweeps harmless.';

create table public.digest_deliveries (
  team_id uuid not null references public.teams (id) on delete cascade,
  -- Monday (UTC) the digest week starts.
  week_start date not null constraint digest_deliveries_week_start check (extract(isodow from week_start) = 1),
  status text not null default 'processing'
    constraint digest_deliveries_status check (status in ('processing', 'sent', 'skipped', 'failed')),
  digest jsonb not null default '{}'::jsonb,
  attempts integer not null default 0,
  slack_status integer,
  error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  sent_at timestamptz,
  primary key (team_id, week_start)
);
comment on table public.digest_deliveries is 'One row per team and week: the weekly digest and its Slack delivery (sent exactly once).';

-- =============================================================================
-- Indexes
-- =============================================================================

create index alert_deliveries_team_suite_idx on public.alert_deliveries (team_id, repo_slug, suite, run_at desc);
create index alert_deliveries_held_idx on public.alert_deliveries (team_id, repo_slug, suite) where status = 'held';
create index eval_runs_created_at_idx on public.eval_runs (created_at desc);

-- =============================================================================
-- Grants
-- =============================================================================

revoke all on public.alert_deliveries, public.digest_deliveries from anon, authenticated, service_role;
grant select on public.alert_deliveries, public.digest_deliveries to authenticated;
grant all on public.alert_deliveries, public.digest_deliveries to service_role;

-- =============================================================================
-- Policies
-- =============================================================================

alter table public.alert_deliveries enable row level security;
alter table public.digest_deliveries enable row level security;

create policy "Members can read their team's alert deliveries" on public.alert_deliveries
  for select to authenticated using (team_id = any ((select private.user_team_ids())::uuid[]));
create policy "Members can read their team's digest deliveries" on public.digest_deliveries
  for select to authenticated using (team_id = any ((select private.user_team_ids())::uuid[]));

-- =============================================================================
-- Functions for the edge functions (service role only)
-- =============================================================================

-- Everything regression-alert needs about one run: the run, up to 19 earlier runs of its suite
-- (newest first), each test that did not pass now with its earlier outcomes (oldest first; a test
-- with trials counts as passed only when every trial passed), who pushed it, the team settings
-- and the suite's alert state.
create function public.alert_run_context(p_run_id uuid) returns jsonb
  language sql stable security invoker set search_path = ''
as $$
  with run as (
    select r.* from public.eval_runs r where r.id = p_run_id
  ),
  earlier as (
    select e.id, e.run_at, e.pass_rate, e.cost_usd
    from run, public.eval_runs e
    where e.team_id = run.team_id and e.repo_slug = run.repo_slug and e.suite = run.suite
      and (e.run_at, e.id) < (run.run_at, run.id)
    order by e.run_at desc, e.id desc
    limit 19
  ),
  now_failing as (
    select x.test_name, bool_and(x.passed) as passed, (array_agg(x.error order by x.trial) filter (where not x.passed))[1] as error
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
  )
  select jsonb_build_object(
    'run', (select jsonb_build_object(
      'id', r.id, 'team_id', r.team_id, 'repo_slug', r.repo_slug, 'suite', r.suite, 'branch', r.branch,
      'git_sha', r.git_sha, 'run_at', r.run_at, 'pass_rate', r.pass_rate, 'cost_usd', r.cost_usd,
      'total_tests', r.total_tests, 'passed', r.passed, 'failed', r.failed,
      'pushed_by', coalesce(
        (select m.display_name from public.team_members m where m.team_id = r.team_id and m.user_id = r.user_id),
        (select 'CI token ' || t.name from public.team_tokens t where t.id = r.token_id))
    ) from run r),
    'earlier', coalesce((select jsonb_agg(jsonb_build_object('id', e.id, 'pass_rate', e.pass_rate, 'cost_usd', e.cost_usd)
                                          order by e.run_at desc, e.id desc) from earlier e), '[]'::jsonb),
    'failing', coalesce((select jsonb_agg(jsonb_build_object(
        'name', f.test_name, 'error', f.error,
        'history', coalesce((select jsonb_agg(h.passed order by e.run_at, e.id) from history h join earlier e on e.id = h.run_id
                             where h.test_name = f.test_name), '[]'::jsonb))
        order by f.test_name) from now_failing f), '[]'::jsonb),
    'settings', (select jsonb_build_object(
        'slack_webhook_url', s.slack_webhook_url, 'alert_threshold_pp', s.alert_threshold_pp, 'dashboard_url', s.dashboard_url)
      from run left join public.team_settings s on s.team_id = run.team_id),
    'state', (select jsonb_build_object('alerting', c.alerting, 'alert_baseline', c.alert_baseline, 'last_alerted_at', c.last_alerted_at)
      from run join public.alert_cooldowns c on c.team_id = run.team_id and c.repo_slug = run.repo_slug and c.suite = run.suite)
  )
  where exists (select 1 from run)
$$;
comment on function public.alert_run_context(uuid) is 'regression-alert input for one run: the run, earlier runs, failing tests with history, settings, alert state.';

-- Claims a run for delivery. True when this call owns it: no row yet, or an earlier attempt crashed
-- mid-way (processing for more than 5 minutes) or failed with a retryable error.
create function public.alert_claim(p_run_id uuid) returns boolean
  language plpgsql security invoker set search_path = ''
as $$
declare
  v_claimed boolean;
begin
  insert into public.alert_deliveries (run_id, team_id, repo_slug, suite, run_at, attempts)
  select r.id, r.team_id, r.repo_slug, r.suite, r.run_at, 1 from public.eval_runs r where r.id = p_run_id
  on conflict (run_id) do update set status = 'processing', attempts = public.alert_deliveries.attempts + 1, updated_at = now()
    where (public.alert_deliveries.status = 'processing' and public.alert_deliveries.updated_at < now() - interval '5 minutes')
       or (public.alert_deliveries.status = 'failed' and coalesce(public.alert_deliveries.slack_status, 0) not between 400 and 499
           and public.alert_deliveries.attempts < 5)
  returning true into v_claimed;
  return coalesce(v_claimed, false);
end
$$;
comment on function public.alert_claim(uuid) is 'Takes ownership of one run''s alert delivery; false when another call has it or it is done.';

-- Records what happened to a claimed run.
create function public.alert_finish(
  p_run_id uuid, p_decision text, p_status text, p_pass_rate numeric, p_baseline numeric, p_detail jsonb,
  p_slack_status integer default null, p_error text default null
) returns void
  language sql security invoker set search_path = ''
as $$
  update public.alert_deliveries
  set decision = p_decision, status = p_status, pass_rate = p_pass_rate, baseline = p_baseline,
      detail = coalesce(p_detail, '{}'::jsonb), slack_status = p_slack_status, error = p_error, updated_at = now(),
      sent_at = case when p_status = 'sent' then now() else sent_at end
  where run_id = p_run_id
$$;

-- Takes the suite's cooldown slot: true (and the slot is now this run's) when the suite has not
-- sent a message in the last p_seconds; false inside the cooldown. One statement, so two runs
-- processed at once never both win.
create function public.alert_take_slot(p_team_id uuid, p_repo_slug text, p_suite text, p_run_id uuid, p_seconds integer)
  returns boolean
  language plpgsql security invoker set search_path = ''
as $$
declare
  v_taken boolean;
begin
  insert into public.alert_cooldowns (team_id, repo_slug, suite, last_alerted_at, last_run_id)
  values (p_team_id, p_repo_slug, p_suite, now(), p_run_id)
  on conflict (team_id, repo_slug, suite) do update set last_alerted_at = now(), last_run_id = p_run_id
    where public.alert_cooldowns.last_alerted_at < now() - make_interval(secs => p_seconds)
       or public.alert_cooldowns.last_run_id = p_run_id
  returning true into v_taken;
  return coalesce(v_taken, false);
end
$$;

-- Opens (p_alerting true, with the mean to get back to) or closes the suite's alerted state.
-- Closing returns true only for the call that actually closed it: one recovery message.
create function public.alert_set_state(p_team_id uuid, p_repo_slug text, p_suite text, p_alerting boolean, p_baseline numeric)
  returns boolean
  language plpgsql security invoker set search_path = ''
as $$
declare
  v_changed boolean;
begin
  if p_alerting then
    insert into public.alert_cooldowns (team_id, repo_slug, suite, last_alerted_at, alerting, alert_baseline)
    values (p_team_id, p_repo_slug, p_suite, 'epoch', true, p_baseline)
    on conflict (team_id, repo_slug, suite) do update set alerting = true,
      alert_baseline = case when public.alert_cooldowns.alerting then public.alert_cooldowns.alert_baseline else p_baseline end;
    return true;
  end if;
  update public.alert_cooldowns set alerting = false
  where team_id = p_team_id and repo_slug = p_repo_slug and suite = p_suite and alerting
  returning true into v_changed;
  return coalesce(v_changed, false);
end
$$;

-- Regressions held by the cooldown for one suite, oldest first; with p_into set, marks them as
-- rolled up into that run's message and returns the ones marked.
create function public.alert_take_held(p_team_id uuid, p_repo_slug text, p_suite text, p_into uuid)
  returns table (run_id uuid, run_at timestamptz, pass_rate numeric, baseline numeric, detail jsonb)
  language sql security invoker set search_path = ''
as $$
  update public.alert_deliveries d
  set status = 'rolled_up', rolled_up_into = p_into, updated_at = now()
  where d.team_id = p_team_id and d.repo_slug = p_repo_slug and d.suite = p_suite and d.status = 'held' and d.run_id <> p_into
  returning d.run_id, d.run_at, d.pass_rate, d.baseline, d.detail
$$;

-- Suites with held regressions whose cooldown is over (the sweep sends their roll-up).
create function public.alert_overdue_holds(p_seconds integer)
  returns table (team_id uuid, repo_slug text, suite text)
  language sql stable security invoker set search_path = ''
as $$
  select distinct d.team_id, d.repo_slug, d.suite
  from public.alert_deliveries d
  left join public.alert_cooldowns c on c.team_id = d.team_id and c.repo_slug = d.repo_slug and c.suite = d.suite
  where d.status = 'held' and (c.last_alerted_at is null or c.last_alerted_at < now() - make_interval(secs => p_seconds))
$$;

-- Runs inserted in the last p_hours with no delivery row (their webhook call was lost), or whose
-- delivery crashed mid-way or failed in a way a retry can fix (what alert_claim takes again), oldest first.
create function public.alert_missing_runs(p_hours integer, p_limit integer default 500)
  returns table (run_id uuid)
  language sql stable security invoker set search_path = ''
as $$
  select r.id from public.eval_runs r
  where r.created_at >= now() - make_interval(hours => p_hours)
    and not exists (
      select 1 from public.alert_deliveries d
      where d.run_id = r.id
        and not (d.status = 'processing' and d.updated_at < now() - interval '5 minutes')
        and not (d.status = 'failed' and coalesce(d.slack_status, 0) not between 400 and 499 and d.attempts < 5))
  order by r.created_at
  limit p_limit
$$;

-- The weekly digest's numbers for one team and week [p_week_start, +7 days), with the previous
-- week for comparison. Per suite with runs in the week: its runs' pass rates with up to 19 runs
-- before the week (oldest first), and each test's outcomes over the last 10 runs before the
-- week and through its end, so core's regression and trend rules decide the rest.
create function public.digest_week(p_team_id uuid, p_week_start date) returns jsonb
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
  )
  select jsonb_build_object(
    'week_start', p_week_start,
    'team', (select jsonb_build_object('slug', t.slug, 'name', t.name) from public.teams t where t.id = p_team_id),
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
comment on function public.digest_week(uuid, date) is 'Weekly digest numbers for one team and week (Monday, UTC), with the previous week.';

-- A team's name, webhook and digest switch, for the functions (the URL never leaves them).
create function public.alert_team_webhook(p_team_id uuid) returns table (team_name text, slack_webhook_url text, digest_enabled boolean)
  language sql stable security invoker set search_path = ''
as $$
  select t.name, s.slack_webhook_url, coalesce(s.digest_enabled, true)
  from public.teams t left join public.team_settings s on s.team_id = t.id
  where t.id = p_team_id
$$;

-- Teams the scheduled digest goes to: a webhook set and the digest on.
create function public.digest_teams() returns table (team_id uuid)
  language sql stable security invoker set search_path = ''
as $$
  select s.team_id from public.team_settings s where s.slack_webhook_url is not null and s.digest_enabled order by s.team_id
$$;

-- Claims a team's digest for a week (p_force: also when it was sent already, a re-send on purpose).
create function public.digest_claim(p_team_id uuid, p_week_start date, p_force boolean default false) returns boolean
  language plpgsql security invoker set search_path = ''
as $$
declare
  v_claimed boolean;
begin
  insert into public.digest_deliveries (team_id, week_start, attempts) values (p_team_id, p_week_start, 1)
  on conflict (team_id, week_start) do update set status = 'processing', attempts = public.digest_deliveries.attempts + 1, updated_at = now()
    where p_force
       or (public.digest_deliveries.status = 'processing' and public.digest_deliveries.updated_at < now() - interval '5 minutes')
       or (public.digest_deliveries.status = 'failed' and coalesce(public.digest_deliveries.slack_status, 0) not between 400 and 499)
  returning true into v_claimed;
  return coalesce(v_claimed, false);
end
$$;

create function public.digest_finish(
  p_team_id uuid, p_week_start date, p_status text, p_digest jsonb, p_slack_status integer default null, p_error text default null
) returns void
  language sql security invoker set search_path = ''
as $$
  update public.digest_deliveries
  set status = p_status, digest = coalesce(p_digest, '{}'::jsonb), slack_status = p_slack_status, error = p_error, updated_at = now(),
      sent_at = case when p_status = 'sent' then now() else sent_at end
  where team_id = p_team_id and week_start = p_week_start
$$;

revoke all on function
  public.alert_run_context(uuid), public.alert_claim(uuid),
  public.alert_finish(uuid, text, text, numeric, numeric, jsonb, integer, text),
  public.alert_take_slot(uuid, text, text, uuid, integer), public.alert_set_state(uuid, text, text, boolean, numeric),
  public.alert_take_held(uuid, text, text, uuid), public.alert_overdue_holds(integer), public.alert_missing_runs(integer, integer),
  public.alert_team_webhook(uuid), public.digest_teams(), public.digest_claim(uuid, date, boolean),
  public.digest_finish(uuid, date, text, jsonb, integer, text)
  from public, anon, authenticated;
grant execute on function
  public.alert_run_context(uuid), public.alert_claim(uuid),
  public.alert_finish(uuid, text, text, numeric, numeric, jsonb, integer, text),
  public.alert_take_slot(uuid, text, text, uuid, integer), public.alert_set_state(uuid, text, text, boolean, numeric),
  public.alert_take_held(uuid, text, text, uuid), public.alert_overdue_holds(integer), public.alert_missing_runs(integer, integer),
  public.alert_team_webhook(uuid), public.digest_teams(), public.digest_claim(uuid, date, boolean),
  public.digest_finish(uuid, date, text, jsonb, integer, text)
  to service_role;
-- The digest numbers are security invoker: a member reads their own team's week (the CLI preview).
revoke all on function public.digest_week(uuid, date) from public, anon;
grant execute on function public.digest_week(uuid, date) to authenticated, service_role;

-- =============================================================================
-- The sweep: every 5 minutes, regression-alert re-dispatches runs with no delivery row and sends
-- roll-ups whose cooldown ended.
-- =============================================================================

select cron.schedule(
  'gstack-alert-sweep', '*/5 * * * *',
  $job$ select private.invoke_function('regression-alert', '{"sweep": true}'::jsonb) $job$
);
