-- Push RPCs that take the request body as it is (issue 26, item 5). For a function with named
-- arguments PostgREST builds the arguments from the body with json_to_recordset, so a push's
-- 6 MB body is parsed as json, taken apart into records and parsed again as jsonb for p_payload.
-- A function with one unnamed jsonb parameter is handed the body itself ($1::jsonb, one parse):
-- the same push, measured through the gateway, takes about a tenth less (docs/benchmarks.md).
--
--   push_eval_run_body({"team_id": "<uuid>", "payload": {...}})    as push_eval_run(p_team_id, p_payload)
--   ingest_eval_run_body({"token": "<token>", "payload": {...}})   as ingest_eval_run(p_token, p_payload)
--
-- They are the old RPCs' twins, not a second implementation: each reads its two keys and calls
-- the old function, which checks the member or token and the quota and ends in
-- private.write_eval_run. Same answers, same errors (42501 not a member, 28000 bad token,
-- 54000 over a limit, 429 push_quota), same callers (the grants below). The old RPCs stay for
-- older clients; the client tries these first and falls back to the old ones on a store that
-- has not run this migration (PGRST202). A single unnamed json parameter cannot be overloaded
-- in PostgREST, hence new names rather than new signatures of the old ones.

-- The body's id field as a string, or a clear error naming it (22023, as write_eval_run's
-- payload errors). A wrong type of id (not a uuid) is left to the old function's cast (22P02),
-- as PostgREST reports it for the named-argument RPC.
create function private.push_body_field(p_body jsonb, p_field text, p_rpc text) returns text
  language plpgsql immutable set search_path = ''
as $$
begin
  if jsonb_typeof(p_body -> p_field) is distinct from 'string' then
    raise exception '%: the request body must be {"%": "...", "payload": {...}}; % is missing or not a string',
      p_rpc, p_field, p_field using errcode = '22023';
  end if;
  return p_body ->> p_field;
end
$$;
comment on function private.push_body_field(jsonb, text, text) is
  'The string field of a push RPC''s body, or 22023 naming it.';
revoke all on function private.push_body_field(jsonb, text, text) from public, anon, authenticated;

create function public.push_eval_run_body(jsonb) returns jsonb
  language sql security definer set search_path = ''
as $$
  select public.push_eval_run(private.push_body_field($1, 'team_id', 'push_eval_run_body')::uuid, $1 -> 'payload')
$$;
comment on function public.push_eval_run_body(jsonb) is
  'Members: push_eval_run with the request body {"team_id", "payload"} as its one argument (PostgREST parses it once).';

create function public.ingest_eval_run_body(jsonb) returns jsonb
  language sql security definer set search_path = ''
as $$
  select public.ingest_eval_run(private.push_body_field($1, 'token', 'ingest_eval_run_body'), $1 -> 'payload')
$$;
comment on function public.ingest_eval_run_body(jsonb) is
  'CI: ingest_eval_run with the request body {"token", "payload"} as its one argument (PostgREST parses it once).';

-- The same callers as the old functions (20261121100100_evals.sql); nothing by default.
revoke all on function public.push_eval_run_body(jsonb) from public, anon, authenticated;
revoke all on function public.ingest_eval_run_body(jsonb) from public, anon, authenticated;
grant execute on function public.push_eval_run_body(jsonb) to authenticated, service_role;
grant execute on function public.ingest_eval_run_body(jsonb) to anon, authenticated, service_role;
