-- Security round 3 (issue 23, item 5): team judge verdicts are reused only from writers the
-- reader trusts. Before, any member could write any verdict under any key (first writer won)
-- and every teammate's run reused it: a forged "pass" spread through the team.
--
-- Now each verdict records its writer (a member, created_by, or a CI token, token_id) and the
-- cache keeps one verdict per key per writer. A run reuses, through judge_verdict(), its own
-- verdicts and those of the team's active CI tokens; current teammates' verdicts only when the
-- team's admins turn on team_settings.judge_cache_trust_members (as GitHub Actions' cache is scoped:
-- a branch reads its own and the default branch's entries, not every other branch's). Admins can
-- purge one writer's verdicts (purge_judge_verdicts) or delete rows directly, as before.

-- =============================================================================
-- Tables
-- =============================================================================

-- Verdicts whose writer is gone (account deleted) cannot be attributed: they go.
delete from public.judge_cache where created_by is null;

alter table public.judge_cache
  add column token_id uuid references public.team_tokens (id) on delete cascade,
  drop constraint judge_cache_created_by_fkey,
  add constraint judge_cache_created_by_fkey foreign key (created_by) references auth.users (id) on delete cascade,
  add constraint judge_cache_one_writer check ((created_by is null) <> (token_id is null));
alter table public.judge_cache
  add column writer uuid not null generated always as (coalesce(created_by, token_id)) stored;
alter table public.judge_cache drop constraint judge_cache_pkey;
alter table public.judge_cache add primary key (team_id, cache_key, writer);
comment on column public.judge_cache.token_id is 'The CI token that wrote this verdict (created_by is then null).';
comment on column public.judge_cache.writer is 'Who wrote it: created_by or token_id; one verdict per key per writer.';

alter table public.team_settings
  add column judge_cache_trust_members boolean not null default false;
comment on column public.team_settings.judge_cache_trust_members is
  'Reuse judge verdicts written by any member (default: only your own and CI tokens'').';

-- =============================================================================
-- Indexes
-- =============================================================================

create index judge_cache_token_id_idx on public.judge_cache (token_id);

-- =============================================================================
-- Grants
-- =============================================================================

-- Members insert as before (columns other than token_id and writer); select and admins' delete unchanged.
revoke insert on public.judge_cache from authenticated;
grant insert (team_id, cache_key, judge_model, grader_version, verdict, cost_usd, created_by) on public.judge_cache to authenticated;

-- =============================================================================
-- Policies
-- =============================================================================

drop policy "Members can share judge verdicts with their team" on public.judge_cache;
create policy "Members can share judge verdicts with their team as themselves" on public.judge_cache
  for insert to authenticated
  with check (team_id = any ((select private.user_team_ids())::uuid[]) and created_by = (select auth.uid()) and token_id is null);

-- =============================================================================
-- Functions
-- =============================================================================

create function public.judge_verdict(p_team_id uuid, p_cache_key text, p_grader_version text) returns jsonb
  language sql stable security definer set search_path = ''
as $$
  select jsonb_build_object(
    'judge_model', c.judge_model, 'verdict', c.verdict, 'cost_usd', c.cost_usd,
    'writer', case when c.created_by = (select auth.uid()) then 'you' when c.token_id is not null then 'ci' else 'member' end)
  from public.judge_cache c
  left join public.team_tokens t on t.id = c.token_id
  where p_team_id = any (private.user_team_ids())
    and c.team_id = p_team_id and c.cache_key = p_cache_key and c.grader_version = p_grader_version
    and (c.created_by = (select auth.uid())
         or (c.token_id is not null and t.revoked_at is null)
         or (coalesce((select s.judge_cache_trust_members from public.team_settings s where s.team_id = p_team_id), false)
             and exists (select 1 from public.team_members m where m.team_id = p_team_id and m.user_id = c.created_by)))
  order by (c.created_by = (select auth.uid())) desc, (c.token_id is not null) desc, c.created_at
  limit 1
$$;
comment on function public.judge_verdict(uuid, text, text) is
  'Members: the team verdict for a key that the caller may reuse: their own, an active CI token''s, or (when the team allows it) a teammate''s; null when none.';

create function public.ingest_judge_verdict(
  p_token text, p_cache_key text, p_judge_model text, p_grader_version text, p_verdict jsonb, p_cost_usd numeric
) returns boolean
  language plpgsql security definer set search_path = ''
as $$
declare
  v_team uuid := private.team_for_token(p_token);
  v_token_id uuid := (select id from public.team_tokens where token_hash = private.sha256_hex(p_token));
begin
  if octet_length(p_verdict::text) > 65536 then
    raise exception 'push refused: verdict: % bytes; at most 65536', octet_length(p_verdict::text) using errcode = '54000';
  end if;
  insert into public.judge_cache (team_id, cache_key, judge_model, grader_version, verdict, cost_usd, token_id)
  values (v_team, p_cache_key, p_judge_model, p_grader_version, p_verdict, coalesce(p_cost_usd, 0), v_token_id)
  on conflict (team_id, cache_key, writer) do nothing;
  return found;
end
$$;
comment on function public.ingest_judge_verdict(text, text, text, text, jsonb, numeric) is
  'CI: share a judge verdict as the team''s token (reused by members by default); true when written.';

create function public.purge_judge_verdicts(p_team_id uuid, p_user_id uuid default null, p_token_name text default null)
returns integer
  language plpgsql security definer set search_path = ''
as $$
declare
  v_count integer;
begin
  perform private.require_admin(p_team_id);
  if (p_user_id is null) = (p_token_name is null) then
    raise exception 'name exactly one writer: a member (p_user_id) or a CI token (p_token_name)' using errcode = '22023';
  end if;
  delete from public.judge_cache c
   where c.team_id = p_team_id
     and (c.created_by = p_user_id
          or c.token_id in (select t.id from public.team_tokens t where t.team_id = p_team_id and t.name = p_token_name));
  get diagnostics v_count = row_count;
  return v_count;
end
$$;
comment on function public.purge_judge_verdicts(uuid, uuid, text) is
  'Admins: delete every team judge verdict one member (or one CI token, by name) wrote; returns how many.';

revoke execute on function public.judge_verdict(uuid, text, text), public.ingest_judge_verdict(text, text, text, text, jsonb, numeric),
  public.purge_judge_verdicts(uuid, uuid, text) from public, anon, authenticated;
grant execute on function public.judge_verdict(uuid, text, text), public.purge_judge_verdicts(uuid, uuid, text)
  to authenticated, service_role;
-- CI has no user session: the anon key plus the ingest token, as for ingest_eval_run.
grant execute on function public.ingest_judge_verdict(text, text, text, text, jsonb, numeric) to anon, authenticated, service_role;
