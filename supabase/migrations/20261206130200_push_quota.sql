-- Security round 3 (issue 23, item 10): a push quota per member and per CI token. Before, one
-- member could push seven 50,000-result runs in a row (and any number more). Now each pusher
-- (a member through push_eval_run, a token through ingest_eval_run) may add at most
-- team_settings.push_runs_per_hour runs and push_results_per_hour results per team in any hour
-- (a sliding window over eval_runs.created_at, the server's clock). Over it, the RPC answers
-- HTTP 429 with Retry-After (PostgREST's raise sqlstate 'PGRST'); the CLI keeps the run queued
-- and says when it will retry. Re-pushing a run already stored is still a no-op and never counted.

-- =============================================================================
-- Tables
-- =============================================================================

alter table public.team_settings
  add column push_runs_per_hour integer not null default 120
    constraint team_settings_push_runs_per_hour check (push_runs_per_hour between 1 and 100000),
  add column push_results_per_hour integer not null default 200000
    constraint team_settings_push_results_per_hour check (push_results_per_hour between 1 and 100000000);
comment on column public.team_settings.push_runs_per_hour is 'Runs one member or CI token may push to the team per hour.';
comment on column public.team_settings.push_results_per_hour is 'Results (tests) one member or CI token may push to the team per hour.';

-- =============================================================================
-- Indexes
-- =============================================================================

create index eval_runs_team_user_created_idx on public.eval_runs (team_id, user_id, created_at);
create index eval_runs_team_token_created_idx on public.eval_runs (team_id, token_id, created_at);

-- =============================================================================
-- Functions
-- =============================================================================

-- Raises HTTP 429 (Retry-After in seconds) when the pusher's last hour plus this run passes the
-- team's quota. A run_key already stored passes (writing it is a no-op). The count is per team and
-- per pusher: one member's CI job cannot use up a teammate's quota.
create function private.check_push_quota(p_team_id uuid, p_user_id uuid, p_token_id uuid, p_payload jsonb) returns void
  language plpgsql stable security definer set search_path = ''
as $$
declare
  v_runs_limit integer;
  v_results_limit integer;
  v_new_results bigint := greatest(case when jsonb_typeof(p_payload -> 'results') = 'array' then jsonb_array_length(p_payload -> 'results') else 0 end, 1);
  v_runs bigint;
  v_results bigint;
  v_retry integer;
begin
  if exists (select 1 from public.eval_runs r where r.team_id = p_team_id and r.run_key = p_payload -> 'run' ->> 'run_key') then
    return;
  end if;
  select coalesce(s.push_runs_per_hour, 120), coalesce(s.push_results_per_hour, 200000)
    into v_runs_limit, v_results_limit
    from (select 1) one left join public.team_settings s on s.team_id = p_team_id;
  select count(*), coalesce(sum(greatest(r.total_tests, 1)), 0) into v_runs, v_results
    from public.eval_runs r
   where r.team_id = p_team_id and r.created_at > now() - interval '1 hour'
     and (r.user_id = p_user_id or r.token_id = p_token_id);
  if v_runs + 1 <= v_runs_limit and v_results + v_new_results <= v_results_limit then
    return;
  end if;
  -- When enough of the window has passed: the oldest run's hour ends (at least a minute, so clients back off).
  select greatest(60, ceil(extract(epoch from (min(r.created_at) + interval '1 hour' - now())))::integer) into v_retry
    from public.eval_runs r
   where r.team_id = p_team_id and r.created_at > now() - interval '1 hour'
     and (r.user_id = p_user_id or r.token_id = p_token_id);
  raise sqlstate 'PGRST' using
    message = json_build_object(
      'code', 'push_quota',
      'message', format('push quota reached: %s runs and %s results in the last hour; this team allows %s runs and %s results per hour for each member and CI token',
                        v_runs, v_results, v_runs_limit, v_results_limit),
      'details', null,
      'hint', format('retry after %s seconds', coalesce(v_retry, 3600)))::text,
    detail = json_build_object('status', 429, 'headers', json_build_object('Retry-After', coalesce(v_retry, 3600)::text))::text;
end
$$;
comment on function private.check_push_quota(uuid, uuid, uuid, jsonb) is
  'Refuses (HTTP 429, Retry-After) a new run over the team''s hourly push quota for this member or token.';

create or replace function public.push_eval_run(p_team_id uuid, p_payload jsonb) returns jsonb
  language plpgsql security definer set search_path = ''
as $$
declare
  v_user uuid := private.require_user();
begin
  if not private.is_team_member(p_team_id) then
    raise exception 'you are not a member of this team' using errcode = '42501';
  end if;
  perform private.check_push_quota(p_team_id, v_user, null, p_payload);
  return private.write_eval_run(p_team_id, v_user, null, p_payload);
end
$$;

create or replace function public.ingest_eval_run(p_token text, p_payload jsonb) returns jsonb
  language plpgsql security definer set search_path = ''
as $$
declare
  v_team uuid := private.team_for_token(p_token);
  v_token_id uuid := (select id from public.team_tokens where token_hash = private.sha256_hex(p_token));
begin
  perform private.check_push_quota(v_team, null, v_token_id, p_payload);
  return private.write_eval_run(v_team, null, v_token_id, p_payload);
end
$$;

revoke execute on function private.check_push_quota(uuid, uuid, uuid, jsonb) from public, anon, authenticated;
