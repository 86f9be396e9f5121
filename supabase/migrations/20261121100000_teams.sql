-- Teams and membership: teams, members, invites, CI ingest tokens.
--
-- Security model (the same in every migration):
--   * RLS on every table; policies per command, `to authenticated`, never `to anon`.
--   * Membership checks go through security-definer helpers in the `private`
--     schema (search_path = ''), so no policy queries its own table.
--   * Default privileges are revoked; each table gets back exactly the grants
--     its policies need. `service_role` bypasses RLS and gets what machines need.
--   * Everything that must act across rows (creating a team, accepting an
--     invite, minting tokens) is an RPC with its own checks.

-- =============================================================================
-- Private schema and default privileges
-- =============================================================================

create schema if not exists private;
revoke all on schema private from public;
-- Policies call private helpers as the querying role.
grant usage on schema private to authenticated, service_role;

-- Nothing new in public is reachable through the API until a migration says so.
alter default privileges in schema public revoke all on tables from anon, authenticated, service_role;
alter default privileges in schema public revoke all on sequences from anon, authenticated, service_role;
alter default privileges in schema public revoke all on functions from anon, authenticated, service_role;
alter default privileges revoke execute on functions from public;

-- =============================================================================
-- Tables
-- =============================================================================

create table public.teams (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique
    constraint teams_slug_format check (slug ~ '^[a-z0-9][a-z0-9-]{0,48}[a-z0-9]$'),
  name text not null constraint teams_name_length check (char_length(name) between 1 and 100),
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now()
);
comment on table public.teams is 'A team: the unit of sharing. Slugs are 2-50 lowercase letters, digits and hyphens.';

create table public.team_members (
  team_id uuid not null references public.teams (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role text not null default 'member' constraint team_members_role check (role in ('admin', 'member')),
  -- Copied from auth.users when joining, so teammates can see names without reading auth.users.
  email text,
  display_name text,
  joined_at timestamptz not null default now(),
  primary key (team_id, user_id)
);
comment on table public.team_members is 'Who belongs to which team, as admin or member.';

create table public.team_invites (
  id uuid primary key default gen_random_uuid(),
  team_id uuid not null references public.teams (id) on delete cascade,
  -- sha256 of the invite code; the code itself is shown once and never stored.
  code_hash text not null unique,
  role text not null default 'member' constraint team_invites_role check (role in ('admin', 'member')),
  -- When set, only a user with this email can accept.
  email text,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  accepted_by uuid references auth.users (id) on delete set null,
  accepted_at timestamptz,
  revoked_at timestamptz
);
comment on table public.team_invites is 'Single-use invitations to a team; only the hash of the code is stored.';

create table public.team_tokens (
  id uuid primary key default gen_random_uuid(),
  team_id uuid not null references public.teams (id) on delete cascade,
  name text not null constraint team_tokens_name_length check (char_length(name) between 1 and 100),
  -- sha256 of the token; the token is shown once and never stored.
  token_hash text not null unique,
  -- The first characters of the token, so people can tell tokens apart.
  token_prefix text not null,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
comment on table public.team_tokens is 'CI ingest tokens: push-only credentials for a team, stored hashed, revocable.';

-- =============================================================================
-- Indexes
-- =============================================================================

create index team_members_user_id_idx on public.team_members (user_id);
create index team_invites_team_id_idx on public.team_invites (team_id);
create index team_invites_created_by_idx on public.team_invites (created_by);
create index team_invites_accepted_by_idx on public.team_invites (accepted_by);
create unique index team_tokens_active_name_idx on public.team_tokens (team_id, name) where revoked_at is null;
create index team_tokens_created_by_idx on public.team_tokens (created_by);
create index teams_created_by_idx on public.teams (created_by);

-- =============================================================================
-- Helpers (private, security definer: they read team_members for policies)
-- =============================================================================

create function private.user_team_ids() returns uuid[]
  language sql stable security definer set search_path = ''
as $$
  select coalesce(array_agg(team_id), '{}') from public.team_members where user_id = (select auth.uid())
$$;
comment on function private.user_team_ids() is 'The teams the calling user belongs to (for policies: team_id = any ((select private.user_team_ids())::uuid[])).';

create function private.user_admin_team_ids() returns uuid[]
  language sql stable security definer set search_path = ''
as $$
  select coalesce(array_agg(team_id), '{}') from public.team_members where user_id = (select auth.uid()) and role = 'admin'
$$;
comment on function private.user_admin_team_ids() is 'The teams the calling user administers.';

create function private.is_team_member(p_team_id uuid) returns boolean
  language sql stable security definer set search_path = ''
as $$
  select exists (select 1 from public.team_members where team_id = p_team_id and user_id = (select auth.uid()))
$$;

create function private.is_team_admin(p_team_id uuid) returns boolean
  language sql stable security definer set search_path = ''
as $$
  select exists (select 1 from public.team_members where team_id = p_team_id and user_id = (select auth.uid()) and role = 'admin')
$$;

create function private.sha256_hex(p_value text) returns text
  language sql immutable set search_path = ''
as $$
  select encode(extensions.digest(convert_to(p_value, 'UTF8'), 'sha256'), 'hex')
$$;

-- A random secret with a recognisable prefix, URL-safe.
create function private.new_secret(p_prefix text) returns text
  language sql volatile set search_path = ''
as $$
  select p_prefix || translate(encode(extensions.gen_random_bytes(24), 'base64'), '+/=', '-_')
$$;

create function private.require_user() returns uuid
  language plpgsql stable set search_path = ''
as $$
declare
  v_user uuid := (select auth.uid());
begin
  if v_user is null then
    raise exception 'sign in first' using errcode = '42501';
  end if;
  return v_user;
end
$$;

create function private.require_admin(p_team_id uuid) returns uuid
  language plpgsql stable security definer set search_path = ''
as $$
declare
  v_user uuid := private.require_user();
begin
  if not private.is_team_admin(p_team_id) then
    raise exception 'only a team admin can do this' using errcode = '42501';
  end if;
  return v_user;
end
$$;

-- =============================================================================
-- Grants
-- =============================================================================

revoke all on public.teams, public.team_members, public.team_invites, public.team_tokens from anon, authenticated, service_role;
grant select, delete on public.teams to authenticated;
grant update (name) on public.teams to authenticated;
grant select on public.team_members to authenticated;
-- A member may edit their own display name, never their role.
grant update (display_name) on public.team_members to authenticated;
grant select, delete on public.team_invites to authenticated;
grant select on public.team_tokens to authenticated;
grant all on public.teams, public.team_members, public.team_invites, public.team_tokens to service_role;
-- Inserts go through the RPCs below (create_team, accept_invite, create_invite, create_team_token).

-- =============================================================================
-- Policies
-- =============================================================================

alter table public.teams enable row level security;
alter table public.team_members enable row level security;
alter table public.team_invites enable row level security;
alter table public.team_tokens enable row level security;

create policy "Members can read their teams" on public.teams
  for select to authenticated using (id = any ((select private.user_team_ids())::uuid[]));
create policy "Admins can rename their teams" on public.teams
  for update to authenticated
  using (id = any ((select private.user_admin_team_ids())::uuid[]))
  with check (id = any ((select private.user_admin_team_ids())::uuid[]));
create policy "Admins can delete their teams" on public.teams
  for delete to authenticated using (id = any ((select private.user_admin_team_ids())::uuid[]));

create policy "Members can read their team's members" on public.team_members
  for select to authenticated using (team_id = any ((select private.user_team_ids())::uuid[]));
-- Role changes and removals go through set_member_role/remove_member (last-admin rule).
create policy "Members can edit their own membership" on public.team_members
  for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));

create policy "Admins can read their team's invites" on public.team_invites
  for select to authenticated using (team_id = any ((select private.user_admin_team_ids())::uuid[]));
create policy "Admins can delete their team's invites" on public.team_invites
  for delete to authenticated using (team_id = any ((select private.user_admin_team_ids())::uuid[]));

create policy "Admins can read their team's tokens" on public.team_tokens
  for select to authenticated using (team_id = any ((select private.user_admin_team_ids())::uuid[]));

-- =============================================================================
-- RPCs
-- =============================================================================

create function public.create_team(p_slug text, p_name text default null) returns public.teams
  language plpgsql security definer set search_path = ''
as $$
declare
  v_user uuid := private.require_user();
  v_team public.teams;
begin
  if p_slug is null or p_slug !~ '^[a-z0-9][a-z0-9-]{0,48}[a-z0-9]$' then
    raise exception 'invalid team slug %: use 2-50 lowercase letters, digits or hyphens', coalesce(p_slug, 'null')
      using errcode = '22023';
  end if;
  begin
    insert into public.teams (slug, name, created_by)
    values (p_slug, coalesce(nullif(trim(p_name), ''), p_slug), v_user)
    returning * into v_team;
  exception when unique_violation then
    raise exception 'the team slug % is taken', p_slug using errcode = '23505';
  end;
  insert into public.team_members (team_id, user_id, role, email, display_name)
  select v_team.id, u.id, 'admin', u.email, coalesce(u.raw_user_meta_data ->> 'full_name', u.raw_user_meta_data ->> 'name', split_part(u.email, '@', 1))
  from auth.users u where u.id = v_user;
  return v_team;
end
$$;
comment on function public.create_team(text, text) is 'Creates a team; the caller becomes its first admin.';

create function public.create_invite(
  p_team_id uuid,
  p_role text default 'member',
  p_expires_in interval default interval '7 days',
  p_email text default null
) returns table (invite_id uuid, code text, expires_at timestamptz)
  language plpgsql security definer set search_path = ''
as $$
declare
  v_user uuid := private.require_admin(p_team_id);
  v_code text := private.new_secret('gsi_');
begin
  if p_role not in ('admin', 'member') then
    raise exception 'role must be admin or member, not %', p_role using errcode = '22023';
  end if;
  if p_expires_in <= interval '0' or p_expires_in > interval '90 days' then
    raise exception 'an invite expires within 90 days' using errcode = '22023';
  end if;
  return query
  insert into public.team_invites as i (team_id, code_hash, role, email, created_by, expires_at)
  values (p_team_id, private.sha256_hex(v_code), p_role, lower(nullif(trim(p_email), '')), v_user, now() + p_expires_in)
  returning i.id, v_code, i.expires_at;
end
$$;
comment on function public.create_invite(uuid, text, interval, text) is 'Admins: a single-use invite code (shown once) that adds its acceptor with the given role.';

create function public.accept_invite(p_code text) returns uuid
  language plpgsql security definer set search_path = ''
as $$
declare
  v_user uuid := private.require_user();
  v_invite public.team_invites;
  v_email text;
begin
  select * into v_invite from public.team_invites
   where code_hash = private.sha256_hex(trim(p_code))
   for update;
  if not found or v_invite.revoked_at is not null then
    raise exception 'this invite code is not valid' using errcode = 'P0002';
  end if;
  if v_invite.accepted_at is not null then
    raise exception 'this invite has already been used' using errcode = '22023';
  end if;
  if v_invite.expires_at < now() then
    raise exception 'this invite expired at %', v_invite.expires_at using errcode = '22023';
  end if;
  select email into v_email from auth.users where id = v_user;
  if v_invite.email is not null and lower(v_email) is distinct from v_invite.email then
    raise exception 'this invite is for another email address' using errcode = '42501';
  end if;
  update public.team_invites set accepted_by = v_user, accepted_at = now() where id = v_invite.id;
  insert into public.team_members (team_id, user_id, role, email, display_name)
  select v_invite.team_id, u.id, v_invite.role, u.email,
         coalesce(u.raw_user_meta_data ->> 'full_name', u.raw_user_meta_data ->> 'name', split_part(u.email, '@', 1))
  from auth.users u where u.id = v_user
  on conflict (team_id, user_id) do nothing;
  return v_invite.team_id;
end
$$;
comment on function public.accept_invite(text) is 'Joins the team an unexpired, unused invite code is for; returns the team id.';

-- Raises unless, after the change, the team still has an admin.
create function private.assert_admin_remains(p_team_id uuid, p_leaving uuid) returns void
  language plpgsql security definer set search_path = ''
as $$
begin
  -- Lock the team's admin rows so two concurrent demotions cannot both pass.
  perform 1 from public.team_members where team_id = p_team_id and role = 'admin' for update;
  if not exists (select 1 from public.team_members where team_id = p_team_id and role = 'admin' and user_id <> p_leaving) then
    raise exception 'a team needs at least one admin: make someone else admin first' using errcode = '23514';
  end if;
end
$$;

create function public.remove_member(p_team_id uuid, p_user_id uuid) returns void
  language plpgsql security definer set search_path = ''
as $$
declare
  v_user uuid := private.require_user();
  v_role text;
begin
  -- Admins remove anyone; members may remove themselves (leave).
  if p_user_id <> v_user and not private.is_team_admin(p_team_id) then
    raise exception 'only a team admin can remove someone else' using errcode = '42501';
  end if;
  select role into v_role from public.team_members where team_id = p_team_id and user_id = p_user_id;
  if not found then
    raise exception 'not a member of this team' using errcode = 'P0002';
  end if;
  if v_role = 'admin' then
    perform private.assert_admin_remains(p_team_id, p_user_id);
  end if;
  delete from public.team_members where team_id = p_team_id and user_id = p_user_id;
end
$$;
comment on function public.remove_member(uuid, uuid) is 'Admins remove a member; anyone may leave. The last admin cannot leave.';

create function public.set_member_role(p_team_id uuid, p_user_id uuid, p_role text) returns void
  language plpgsql security definer set search_path = ''
as $$
begin
  perform private.require_admin(p_team_id);
  if p_role not in ('admin', 'member') then
    raise exception 'role must be admin or member, not %', p_role using errcode = '22023';
  end if;
  if p_role = 'member' then
    perform private.assert_admin_remains(p_team_id, p_user_id);
  end if;
  update public.team_members set role = p_role where team_id = p_team_id and user_id = p_user_id;
  if not found then
    raise exception 'not a member of this team' using errcode = 'P0002';
  end if;
end
$$;
comment on function public.set_member_role(uuid, uuid, text) is 'Admins change a member''s role; the last admin cannot be demoted.';

create function public.create_team_token(p_team_id uuid, p_name text)
  returns table (token_id uuid, token text)
  language plpgsql security definer set search_path = ''
as $$
declare
  v_user uuid := private.require_admin(p_team_id);
  v_token text := private.new_secret('gst_');
begin
  if exists (select 1 from public.team_tokens where team_id = p_team_id and name = p_name and revoked_at is null) then
    raise exception 'a token named % exists; revoke it first or pick another name', p_name using errcode = '23505';
  end if;
  return query
  insert into public.team_tokens as t (team_id, name, token_hash, token_prefix, created_by)
  values (p_team_id, p_name, private.sha256_hex(v_token), left(v_token, 10), v_user)
  returning t.id, v_token;
end
$$;
comment on function public.create_team_token(uuid, text) is 'Admins: mint a CI ingest token (shown once, stored hashed).';

create function public.revoke_team_token(p_team_id uuid, p_name text) returns boolean
  language plpgsql security definer set search_path = ''
as $$
begin
  perform private.require_admin(p_team_id);
  update public.team_tokens set revoked_at = now()
   where team_id = p_team_id and name = p_name and revoked_at is null;
  return found;
end
$$;
comment on function public.revoke_team_token(uuid, text) is 'Admins: revoke the active token with this name; true when one was revoked.';

-- The team a CI token belongs to, or an error; records its use.
create function private.team_for_token(p_token text) returns uuid
  language plpgsql security definer set search_path = ''
as $$
declare
  v_team uuid;
begin
  update public.team_tokens set last_used_at = now()
   where token_hash = private.sha256_hex(coalesce(p_token, '')) and revoked_at is null
   returning team_id into v_team;
  if v_team is null then
    raise exception 'this ingest token is not valid (revoked or unknown)' using errcode = '28000';
  end if;
  return v_team;
end
$$;

revoke execute on all functions in schema public from public, anon, authenticated;
revoke execute on all functions in schema private from public, anon, authenticated;
grant execute on function private.user_team_ids(), private.user_admin_team_ids(),
  private.is_team_member(uuid), private.is_team_admin(uuid) to authenticated, service_role;
grant execute on function public.create_team(text, text), public.create_invite(uuid, text, interval, text),
  public.accept_invite(text), public.remove_member(uuid, uuid), public.set_member_role(uuid, uuid, text),
  public.create_team_token(uuid, text), public.revoke_team_token(uuid, text)
  to authenticated, service_role;
