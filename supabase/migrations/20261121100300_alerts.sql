-- Alerts and settings: per-team Slack and alert settings (admins only), the alert cooldowns
-- (service role only), the eval_runs trigger that calls the regression-alert function, and the
-- weekly digest schedule.
--
-- Calling functions from the database: through pg_net, with the project URL and the
-- service-role key read from Vault at call time (secrets `project_url` and `service_role_key`:
-- see docs/alerts.md), never stored in a migration or job definition; schedules through
-- pg_cron. One code path: the local stack provides pg_net, pg_cron and Vault stand-ins with
-- the same schemas and signatures (apps/local-stack/src/postgres/bootstrap.sql).

-- pg_net and pg_cron where the server has them (hosted Supabase), so `supabase db push` to a
-- new project needs no manual step. The local stack has none and brings its stand-ins.
do $$
begin
  if exists (select 1 from pg_catalog.pg_available_extensions where name = 'pg_net') then
    create extension if not exists pg_net with schema extensions;
  end if;
  if exists (select 1 from pg_catalog.pg_available_extensions where name = 'pg_cron') then
    create extension if not exists pg_cron with schema pg_catalog;
  end if;
end
$$;

-- =============================================================================
-- Tables
-- =============================================================================

create table public.team_settings (
  team_id uuid primary key references public.teams (id) on delete cascade,
  slack_webhook_url text constraint team_settings_slack_webhook_url check (slack_webhook_url ~ '^https?://[^[:space:]]+$'),
  -- A run alerts when its pass rate is more than this many percentage points below the recent mean.
  alert_threshold_pp numeric(5, 2) not null default 5
    constraint team_settings_alert_threshold check (alert_threshold_pp > 0 and alert_threshold_pp <= 100),
  digest_enabled boolean not null default true,
  updated_by uuid references auth.users (id) on delete set null,
  updated_at timestamptz not null default now()
);
comment on table public.team_settings is 'Slack webhook, alert threshold and digest toggle per team; admins only (the webhook URL is a secret). No row means the defaults.';

create table public.alert_cooldowns (
  team_id uuid not null references public.teams (id) on delete cascade,
  repo_slug text not null,
  suite text not null,
  last_alerted_at timestamptz not null,
  last_run_id uuid,
  primary key (team_id, repo_slug, suite)
);
comment on table public.alert_cooldowns is 'When each team/repo/suite last alerted (one alert per 5 minutes). Service role only.';

-- =============================================================================
-- Indexes
-- =============================================================================

create index team_settings_updated_by_idx on public.team_settings (updated_by);

-- =============================================================================
-- Grants
-- =============================================================================

revoke all on public.team_settings, public.alert_cooldowns from anon, authenticated, service_role;
grant select, insert, update, delete on public.team_settings to authenticated;
grant all on public.team_settings, public.alert_cooldowns to service_role;

-- =============================================================================
-- Policies
-- =============================================================================

alter table public.team_settings enable row level security;
-- alert_cooldowns: RLS on and no policy: nobody but the service role.
alter table public.alert_cooldowns enable row level security;

create policy "Admins can read their team's settings" on public.team_settings
  for select to authenticated using (team_id = any ((select private.user_admin_team_ids())::uuid[]));
create policy "Admins can create their team's settings" on public.team_settings
  for insert to authenticated with check (team_id = any ((select private.user_admin_team_ids())::uuid[]));
create policy "Admins can change their team's settings" on public.team_settings
  for update to authenticated
  using (team_id = any ((select private.user_admin_team_ids())::uuid[]))
  with check (team_id = any ((select private.user_admin_team_ids())::uuid[]));
create policy "Admins can reset their team's settings" on public.team_settings
  for delete to authenticated using (team_id = any ((select private.user_admin_team_ids())::uuid[]));

-- =============================================================================
-- Functions: calling edge functions from the database
-- =============================================================================

-- POSTs `p_body` to the edge function `p_name` through pg_net. Needs the Vault secrets
-- project_url and service_role_key; without them it warns and does nothing.
create function private.invoke_function(p_name text, p_body jsonb) returns void
  language plpgsql security definer set search_path = ''
as $$
declare
  v_url text;
  v_key text;
begin
  select decrypted_secret into v_url from vault.decrypted_secrets where name = 'project_url';
  select decrypted_secret into v_key from vault.decrypted_secrets where name = 'service_role_key';
  if v_url is null or v_key is null then
    raise warning 'gstack: cannot call the % function: set the Vault secrets project_url and service_role_key', p_name;
    return;
  end if;
  -- A cold function start plus the work can take longer than pg_net's 5 s default.
  perform net.http_post(
    url := rtrim(v_url, '/') || '/functions/v1/' || p_name,
    body := p_body,
    headers := jsonb_build_object('Content-Type', 'application/json', 'Authorization', 'Bearer ' || v_key),
    timeout_milliseconds := 30000
  );
end
$$;
comment on function private.invoke_function(text, jsonb) is 'Calls an edge function through pg_net with credentials read from Vault.';

-- The database webhook for new runs: the payload a Supabase database webhook sends (the run
-- without its raw result file). An alerting problem never fails the insert.
create function private.on_eval_run_inserted() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
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

create trigger eval_runs_regression_alert
  after insert on public.eval_runs
  for each row execute function private.on_eval_run_inserted();

-- =============================================================================
-- Weekly digest: Mondays 09:00 UTC
-- =============================================================================

select cron.schedule(
  'gstack-weekly-digest', '0 9 * * 1',
  $job$ select private.invoke_function('weekly-digest', '{}'::jsonb) $job$
);
