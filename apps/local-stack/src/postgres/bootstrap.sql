-- What the Supabase Postgres image provides and our migrations rely on.
-- Runs on every start of the local stack, so every statement is idempotent.
-- Hosted Supabase already has all of this; never put it in supabase/migrations.

-- ---------------------------------------------------------------------------
-- Roles
-- ---------------------------------------------------------------------------
do $$
begin
  if not exists (select from pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticator') then
    create role authenticator login noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'supabase_admin') then
    create role supabase_admin nologin superuser createdb createrole replication bypassrls;
  end if;
  if not exists (select from pg_roles where rolname = 'supabase_auth_admin') then
    create role supabase_auth_admin nologin noinherit createrole;
  end if;
end
$$;

alter role authenticator with login password 'postgres';
grant anon, authenticated, service_role to authenticator;
alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';

-- ---------------------------------------------------------------------------
-- Schemas and extensions
-- ---------------------------------------------------------------------------
create schema if not exists extensions;
grant usage on schema extensions to anon, authenticated, service_role;
create extension if not exists pgcrypto with schema extensions;
create extension if not exists "uuid-ossp" with schema extensions;

grant usage on schema public to anon, authenticated, service_role;
-- Supabase's default: objects that `postgres` creates in public are reachable
-- by the API roles. Our migrations revoke and grant explicitly on top of this.
alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public grant all on functions to anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;

-- PostgREST exposes only `public`; `supabase db advisors` reads the same setting.
alter database postgres set pgrst.db_schemas = 'public';

-- Supabase's image reloads PostgREST's schema cache after DDL (event triggers
-- pgrst_ddl_watch and pgrst_drop_watch), so a table created in SQL is writable
-- through the API at once. Without them PostgREST 12 kept answering writes to a
-- new table with a bare 404 `{}` (while reads, served by the database, worked)
-- until the stack restarted.
create or replace function extensions.pgrst_ddl_watch() returns event_trigger
  language plpgsql set search_path = ''
as $$
declare
  cmd record;
begin
  for cmd in select * from pg_event_trigger_ddl_commands() loop
    if cmd.command_tag in (
      'CREATE SCHEMA', 'ALTER SCHEMA', 'CREATE TABLE', 'CREATE TABLE AS', 'SELECT INTO', 'ALTER TABLE',
      'CREATE FOREIGN TABLE', 'ALTER FOREIGN TABLE', 'CREATE VIEW', 'ALTER VIEW',
      'CREATE MATERIALIZED VIEW', 'ALTER MATERIALIZED VIEW', 'CREATE FUNCTION', 'ALTER FUNCTION',
      'CREATE TRIGGER', 'CREATE TYPE', 'ALTER TYPE', 'CREATE RULE', 'COMMENT'
    ) and cmd.schema_name is distinct from 'pg_temp' then
      notify pgrst, 'reload schema';
    end if;
  end loop;
end
$$;

create or replace function extensions.pgrst_drop_watch() returns event_trigger
  language plpgsql set search_path = ''
as $$
declare
  obj record;
begin
  for obj in select * from pg_event_trigger_dropped_objects() loop
    if obj.object_type in ('schema', 'table', 'foreign table', 'view', 'materialized view', 'function', 'trigger', 'type', 'rule')
       and not obj.is_temporary then
      notify pgrst, 'reload schema';
    end if;
  end loop;
end
$$;

do $$
begin
  if not exists (select 1 from pg_event_trigger where evtname = 'pgrst_ddl_watch') then
    create event trigger pgrst_ddl_watch on ddl_command_end execute function extensions.pgrst_ddl_watch();
  end if;
  if not exists (select 1 from pg_event_trigger where evtname = 'pgrst_drop_watch') then
    create event trigger pgrst_drop_watch on sql_drop execute function extensions.pgrst_drop_watch();
  end if;
end
$$;

-- ---------------------------------------------------------------------------
-- auth: the tables GoTrue keeps, reduced to the columns the local stack uses
-- ---------------------------------------------------------------------------
create schema if not exists auth;
grant usage on schema auth to anon, authenticated, service_role;

create table if not exists auth.users (
  instance_id uuid,
  id uuid primary key,
  aud varchar(255),
  role varchar(255),
  email varchar(255),
  encrypted_password varchar(255),
  email_confirmed_at timestamptz,
  invited_at timestamptz,
  last_sign_in_at timestamptz,
  raw_app_meta_data jsonb,
  raw_user_meta_data jsonb,
  is_super_admin boolean,
  created_at timestamptz,
  updated_at timestamptz,
  phone text unique default null,
  phone_confirmed_at timestamptz,
  confirmed_at timestamptz generated always as (least(email_confirmed_at, phone_confirmed_at)) stored,
  banned_until timestamptz,
  is_sso_user boolean not null default false,
  deleted_at timestamptz,
  is_anonymous boolean not null default false
);
create unique index if not exists users_email_partial_key on auth.users (email) where is_sso_user = false;

create table if not exists auth.sessions (
  id uuid primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  aal text not null default 'aal1',
  not_after timestamptz
);
create index if not exists sessions_user_id_idx on auth.sessions (user_id);

create table if not exists auth.refresh_tokens (
  id bigserial primary key,
  token varchar(255) not null unique,
  user_id varchar(255) not null,
  revoked boolean not null default false,
  parent varchar(255),
  session_id uuid references auth.sessions (id) on delete cascade,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index if not exists refresh_tokens_session_id_idx on auth.refresh_tokens (session_id);

create table if not exists auth.flow_state (
  id uuid primary key,
  user_id uuid references auth.users (id) on delete cascade,
  auth_code text not null unique,
  code_challenge_method text not null,
  code_challenge text not null,
  provider_type text not null default 'email',
  authentication_method text not null default 'password',
  redirect_to text,
  created_at timestamptz not null default now(),
  auth_code_issued_at timestamptz
);

revoke all on all tables in schema auth from public, anon, authenticated;
revoke all on all sequences in schema auth from public, anon, authenticated;
grant all on all tables in schema auth to supabase_auth_admin;

create or replace function auth.uid() returns uuid
  language sql stable set search_path = ''
as $$
  select nullif(
    coalesce(
      current_setting('request.jwt.claim.sub', true),
      (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
    ),
    ''
  )::uuid
$$;

create or replace function auth.role() returns text
  language sql stable set search_path = ''
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;

create or replace function auth.email() returns text
  language sql stable set search_path = ''
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.email', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
  )::text
$$;

create or replace function auth.jwt() returns jsonb
  language sql stable set search_path = ''
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;

grant execute on function auth.uid(), auth.role(), auth.email(), auth.jwt() to anon, authenticated, service_role;

-- ---------------------------------------------------------------------------
-- Stand-ins for the extensions hosted Supabase has and Postgres here lacks:
-- pg_net, pg_cron and Vault, with the schemas, tables and function signatures
-- of the real ones (supabase/pg_net docs/api.md, citusdata/pg_cron README,
-- supabase/vault). Migrations call them exactly as on hosted Supabase; the
-- stack's workers play the extensions' background workers
-- (apps/local-stack/src/pg-net.ts and cron.ts). test/extensions.int.test.ts
-- checks the signatures against the documented ones.
-- ---------------------------------------------------------------------------

-- Data dirs from before the stand-ins had a schema of their own for jobs.
drop schema if exists local_stack cascade;

-- pg_net: requests wait in net.http_request_queue until the transaction commits;
-- the worker sends them and writes net._http_response (both unlogged, as in pg_net).
create schema if not exists net;
grant usage on schema net to postgres, service_role;

do $$
begin
  if to_regtype('net.http_method') is null then
    create type net.http_method as enum ('GET', 'POST', 'DELETE');
  end if;
end
$$;

create unlogged table if not exists net.http_request_queue (
  id bigserial,
  method net.http_method not null,
  url text not null,
  headers jsonb not null,
  body bytea,
  timeout_milliseconds integer not null
);

create unlogged table if not exists net._http_response (
  id bigint,
  status_code integer,
  content_type text,
  headers jsonb,
  content text,
  timed_out boolean,
  error_msg text,
  created timestamptz not null default now()
);
create index if not exists _http_response_created_idx on net._http_response (created);

-- The worker wakes on this notification, sent at commit like pg_net's own wake-up.
create or replace function net._enqueue(p_method net.http_method, p_url text, p_params jsonb, p_headers jsonb, p_body bytea, p_timeout integer)
  returns bigint language plpgsql volatile set search_path = ''
as $$
declare
  v_id bigint;
  v_query text;
begin
  select string_agg(pg_catalog.format('%s=%s', key, value), '&') into v_query from pg_catalog.jsonb_each_text(coalesce(p_params, '{}'::jsonb));
  insert into net.http_request_queue (method, url, headers, body, timeout_milliseconds)
  values (
    p_method,
    case when v_query is null then p_url when p_url like '%?%' then p_url || '&' || v_query else p_url || '?' || v_query end,
    coalesce(p_headers, '{}'::jsonb), p_body, p_timeout
  )
  returning id into v_id;
  perform pg_notify('net_http_request_queue', v_id::text);
  return v_id;
end
$$;

create or replace function net.http_get(
  url text, params jsonb default '{}'::jsonb, headers jsonb default '{}'::jsonb, timeout_milliseconds integer default 5000
) returns bigint language sql volatile parallel safe set search_path = ''
as $$ select net._enqueue('GET', url, params, headers, null, timeout_milliseconds) $$;

create or replace function net.http_post(
  url text, body jsonb default '{}'::jsonb, params jsonb default '{}'::jsonb,
  headers jsonb default '{"Content-Type": "application/json"}'::jsonb, timeout_milliseconds integer default 5000
) returns bigint language sql volatile parallel safe set search_path = ''
as $$ select net._enqueue('POST', url, params, headers, pg_catalog.convert_to(body::text, 'UTF8'), timeout_milliseconds) $$;

create or replace function net.http_delete(
  url text, params jsonb default '{}'::jsonb, headers jsonb default '{}'::jsonb, timeout_milliseconds integer default 5000
) returns bigint language sql volatile parallel safe set search_path = ''
as $$ select net._enqueue('DELETE', url, params, headers, null, timeout_milliseconds) $$;

revoke all on all tables in schema net from public, anon, authenticated;
revoke all on all functions in schema net from public, anon, authenticated;
grant execute on function net.http_get(text, jsonb, jsonb, integer), net.http_post(text, jsonb, jsonb, jsonb, integer),
  net.http_delete(text, jsonb, jsonb, integer) to postgres, service_role;

-- pg_cron: jobs in cron.job, run by the stack's scheduler as SQL on their schedule (UTC),
-- each run recorded in cron.job_run_details.
create schema if not exists cron;
revoke all on schema cron from public;

create table if not exists cron.job (
  jobid bigserial primary key,
  schedule text not null,
  command text not null,
  nodename text not null default 'localhost',
  nodeport integer not null default pg_catalog.inet_server_port(),
  database text not null default pg_catalog.current_database(),
  username text not null default current_user,
  active boolean not null default true,
  jobname name,
  constraint jobname_username_uniq unique (jobname, username)
);

create table if not exists cron.job_run_details (
  jobid bigint,
  runid bigserial primary key,
  job_pid integer,
  database text,
  username text,
  command text,
  status text,
  return_message text,
  start_time timestamptz,
  end_time timestamptz
);

-- Like pg_cron's: a job with the same name (and user) is updated in place.
create or replace function cron.schedule(job_name text, schedule text, command text) returns bigint
  language plpgsql set search_path = ''
as $$
declare
  v_id bigint;
begin
  insert into cron.job (jobname, schedule, command) values (job_name, schedule, command)
  on conflict (jobname, username) do update set schedule = excluded.schedule, command = excluded.command, active = true
  returning jobid into v_id;
  return v_id;
end
$$;

create or replace function cron.schedule(schedule text, command text) returns bigint
  language sql set search_path = ''
as $$ insert into cron.job (schedule, command) values (schedule, command) returning jobid $$;

create or replace function cron.unschedule(job_id bigint) returns boolean
  language plpgsql set search_path = ''
as $$
begin
  delete from cron.job where jobid = job_id;
  if not found then raise exception 'could not find valid entry for job %', job_id; end if;
  return true;
end
$$;

create or replace function cron.unschedule(job_name text) returns boolean
  language plpgsql set search_path = ''
as $$
begin
  delete from cron.job where jobname = job_name and username = current_user;
  if not found then raise exception 'could not find valid entry for job ''%''', job_name; end if;
  return true;
end
$$;

-- The scheduler reloads its jobs as soon as cron.job changes.
create or replace function cron._job_changed() returns trigger
  language plpgsql set search_path = ''
as $$
begin
  perform pg_notify('cron_job_changed', '');
  return null;
end
$$;
drop trigger if exists job_changed on cron.job;
create trigger job_changed after insert or update or delete or truncate on cron.job
  for each statement execute function cron._job_changed();

revoke all on all tables in schema cron from public, anon, authenticated;
revoke all on all functions in schema cron from public, anon, authenticated;

-- Vault: named secrets, read back through vault.decrypted_secrets. Here they are stored in
-- plain text in a schema only the database owner reaches (the local stack's own keys);
-- hosted Vault encrypts them with a key outside the database.
create schema if not exists vault;
revoke all on schema vault from public;

create table if not exists vault.secrets (
  id uuid primary key default gen_random_uuid(),
  name text unique,
  description text not null default '',
  secret text not null,
  key_id uuid,
  nonce bytea,
  created_at timestamptz not null default pg_catalog.now(),
  updated_at timestamptz not null default pg_catalog.now()
);

create or replace view vault.decrypted_secrets as
  select id, name, description, secret, secret as decrypted_secret, key_id, nonce, created_at, updated_at from vault.secrets;

create or replace function vault.create_secret(
  new_secret text, new_name text default null, new_description text default '', new_key_id uuid default null
) returns uuid language sql set search_path = ''
as $$
  insert into vault.secrets (secret, name, description, key_id) values (new_secret, new_name, coalesce(new_description, ''), new_key_id)
  returning id
$$;

create or replace function vault.update_secret(
  secret_id uuid, new_secret text default null, new_name text default null, new_description text default null, new_key_id uuid default null
) returns void language sql set search_path = ''
as $$
  update vault.secrets
  set secret = coalesce(new_secret, secret), name = coalesce(new_name, name), description = coalesce(new_description, description),
      key_id = coalesce(new_key_id, key_id), updated_at = pg_catalog.now()
  where id = secret_id
$$;

revoke all on all tables in schema vault from public, anon, authenticated;
revoke all on all functions in schema vault from public, anon, authenticated;
