-- Security round 3 (issue 23, item 4): an invite bound to an email address is accepted only by a
-- user whose address is confirmed (auth.users.email_confirmed_at). Without that, anyone could sign
-- up as the invited address (or sign in with a provider that does not verify emails) and take the
-- invite. An invite without an email is unchanged: whoever holds the code may use it.
-- accept_invite is redefined unchanged except for that check; grants and comment stay as they were.

create or replace function public.accept_invite(p_code text) returns uuid
  language plpgsql security definer set search_path = ''
as $$
declare
  v_user uuid := private.require_user();
  v_invite public.team_invites;
  v_email text;
  v_confirmed timestamptz;
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
  select email, email_confirmed_at into v_email, v_confirmed from auth.users where id = v_user;
  if v_invite.email is not null and lower(v_email) is distinct from v_invite.email then
    raise exception 'this invite is for another email address' using errcode = '42501';
  end if;
  if v_invite.email is not null and v_confirmed is null then
    raise exception 'this invite is for %: confirm that email address first (the link in the confirmation email), then accept it', v_invite.email
      using errcode = '42501';
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
comment on function public.accept_invite(text) is 'Joins the team an unexpired, unused invite code is for; an email-bound invite only for that confirmed address. Returns the team id.';
