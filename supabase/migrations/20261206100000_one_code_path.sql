-- One code path for calling functions from the database, for projects migrated before it.
--
-- Earlier versions of 20261121100300_alerts.sql and 20261122110000_alert_delivery.sql chose at
-- run time between pg_net and a NOTIFY only the local stack heard, and scheduled the digest and
-- the alert sweep only if pg_cron was enabled before they ran, so a project that enabled it later
-- never got its jobs. Both files now call pg_net and pg_cron unconditionally; this migration
-- brings databases that ran the old versions to the same state. Everything here is idempotent.

-- =============================================================================
-- Extensions, where the server has them (hosted Supabase; the local stack brings stand-ins)
-- =============================================================================

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
-- Functions
-- =============================================================================

create or replace function private.on_eval_run_inserted() returns trigger
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

create or replace function private.invoke_function(p_name text, p_body jsonb) returns void
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

-- =============================================================================
-- Schedules (cron.schedule updates a job of the same name in place)
-- =============================================================================

select cron.schedule(
  'gstack-weekly-digest', '0 9 * * 1',
  $job$ select private.invoke_function('weekly-digest', '{}'::jsonb) $job$
);
select cron.schedule(
  'gstack-alert-sweep', '*/5 * * * *',
  $job$ select private.invoke_function('regression-alert', '{"sweep": true}'::jsonb) $job$
);
