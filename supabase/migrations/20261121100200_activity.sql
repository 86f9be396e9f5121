-- Activity: Claude Code session transcripts, sync heartbeats ("active now"), ships, QA reports,
-- retro snapshots and Greptile triage. Members read their team's rows and add their own;
-- admins delete. Each table has a natural key so a re-push is a no-op (or, for transcripts
-- and heartbeats, an update of the caller's own row).

-- =============================================================================
-- Tables
-- =============================================================================

create table public.session_transcripts (
  id uuid primary key default gen_random_uuid(),
  team_id uuid not null references public.teams (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  session_id text not null,
  repo_slug text,
  hostname text,
  started_at timestamptz,
  ended_at timestamptz,
  turns integer not null default 0,
  tool_calls integer not null default 0,
  -- tool name -> call count
  tools jsonb not null default '{}'::jsonb,
  message_count integer not null default 0,
  -- One sentence by a cheap model; secrets are redacted before anything leaves the machine.
  summary text,
  -- Hash of the session file's content when pushed: a grown session is pushed again.
  content_hash text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint session_transcripts_natural_key unique (team_id, session_id)
);
comment on table public.session_transcripts is 'Summaries of Claude Code sessions (opt-in), one row per session.';

create table public.sync_heartbeats (
  team_id uuid not null references public.teams (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  hostname text not null,
  repo_slug text not null default '',
  version text,
  -- What sent it: eval_run, push, ...
  event text not null default 'push',
  last_seen_at timestamptz not null default now(),
  primary key (team_id, user_id, hostname, repo_slug)
);
comment on table public.sync_heartbeats is 'Last sign of life per person, machine and repo: what "active now" reads.';

create table public.ship_logs (
  id uuid primary key default gen_random_uuid(),
  team_id uuid not null references public.teams (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  repo_slug text not null,
  branch text,
  git_sha text not null,
  version text,
  title text,
  pr_url text,
  shipped_at timestamptz not null,
  data jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  constraint ship_logs_natural_key unique (team_id, repo_slug, git_sha)
);
comment on table public.ship_logs is 'What shipped, by whom, when.';

create table public.qa_reports (
  id uuid primary key default gen_random_uuid(),
  team_id uuid not null references public.teams (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  repo_slug text not null,
  -- The client's identity for the report.
  report_key text not null,
  url text,
  health_score numeric,
  issues_found integer not null default 0,
  summary text,
  data jsonb not null default '{}'::jsonb,
  reported_at timestamptz not null,
  created_at timestamptz not null default now(),
  constraint qa_reports_natural_key unique (team_id, report_key)
);
comment on table public.qa_reports is 'QA runs against a deployed app: health score and issues found.';

create table public.retro_snapshots (
  id uuid primary key default gen_random_uuid(),
  team_id uuid not null references public.teams (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  repo_slug text not null,
  period_start date,
  period_end date not null,
  data jsonb not null,
  created_at timestamptz not null default now(),
  constraint retro_snapshots_natural_key unique (team_id, repo_slug, user_id, period_end)
);
comment on table public.retro_snapshots is 'Retrospective snapshots per person, repo and period.';

create table public.greptile_triage (
  id uuid primary key default gen_random_uuid(),
  team_id uuid not null references public.teams (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  repo_slug text not null,
  pr_number integer,
  comment_id text not null,
  file_path text,
  verdict text not null constraint greptile_triage_verdict check (verdict in ('valid', 'false_positive', 'fixed', 'ignored')),
  reason text,
  triaged_at timestamptz not null default now(),
  data jsonb not null default '{}'::jsonb,
  constraint greptile_triage_natural_key unique (team_id, repo_slug, comment_id)
);
comment on table public.greptile_triage is 'How each Greptile review comment was judged.';

-- =============================================================================
-- Indexes
-- =============================================================================

create index session_transcripts_team_started_idx on public.session_transcripts (team_id, started_at desc);
create index session_transcripts_user_id_idx on public.session_transcripts (user_id);
create index sync_heartbeats_team_seen_idx on public.sync_heartbeats (team_id, last_seen_at desc);
create index sync_heartbeats_user_id_idx on public.sync_heartbeats (user_id);
create index ship_logs_team_shipped_idx on public.ship_logs (team_id, shipped_at desc);
create index ship_logs_user_id_idx on public.ship_logs (user_id);
create index qa_reports_team_reported_idx on public.qa_reports (team_id, reported_at desc);
create index qa_reports_user_id_idx on public.qa_reports (user_id);
create index retro_snapshots_user_id_idx on public.retro_snapshots (user_id);
create index greptile_triage_user_id_idx on public.greptile_triage (user_id);

-- =============================================================================
-- Grants
-- =============================================================================

revoke all on public.session_transcripts, public.sync_heartbeats, public.ship_logs, public.qa_reports,
  public.retro_snapshots, public.greptile_triage from anon, authenticated, service_role;
grant select, insert, delete on public.session_transcripts, public.sync_heartbeats, public.ship_logs,
  public.qa_reports, public.retro_snapshots, public.greptile_triage to authenticated;
-- Re-pushing a grown session and refreshing a heartbeat are upserts of the caller's own row
-- (the policies below keep them to it), which set every column they send.
grant update (team_id, user_id, session_id, repo_slug, hostname, started_at, ended_at, turns, tool_calls, tools, message_count,
  summary, content_hash, updated_at) on public.session_transcripts to authenticated;
grant update (team_id, user_id, hostname, repo_slug, version, event, last_seen_at) on public.sync_heartbeats to authenticated;
grant all on public.session_transcripts, public.sync_heartbeats, public.ship_logs, public.qa_reports,
  public.retro_snapshots, public.greptile_triage to service_role;

-- =============================================================================
-- Policies
-- =============================================================================

alter table public.session_transcripts enable row level security;
alter table public.sync_heartbeats enable row level security;
alter table public.ship_logs enable row level security;
alter table public.qa_reports enable row level security;
alter table public.retro_snapshots enable row level security;
alter table public.greptile_triage enable row level security;

create policy "Members can read their team's sessions" on public.session_transcripts
  for select to authenticated using (team_id = any ((select private.user_team_ids())::uuid[]));
create policy "Members can add their own sessions" on public.session_transcripts
  for insert to authenticated
  with check (team_id = any ((select private.user_team_ids())::uuid[]) and user_id = (select auth.uid()));
create policy "Members can update their own sessions" on public.session_transcripts
  for update to authenticated
  using (user_id = (select auth.uid()))
  with check (team_id = any ((select private.user_team_ids())::uuid[]) and user_id = (select auth.uid()));
create policy "Admins can delete their team's sessions" on public.session_transcripts
  for delete to authenticated using (team_id = any ((select private.user_admin_team_ids())::uuid[]));

create policy "Members can read their team's heartbeats" on public.sync_heartbeats
  for select to authenticated using (team_id = any ((select private.user_team_ids())::uuid[]));
create policy "Members can add their own heartbeats" on public.sync_heartbeats
  for insert to authenticated
  with check (team_id = any ((select private.user_team_ids())::uuid[]) and user_id = (select auth.uid()));
create policy "Members can refresh their own heartbeats" on public.sync_heartbeats
  for update to authenticated
  using (user_id = (select auth.uid()))
  with check (team_id = any ((select private.user_team_ids())::uuid[]) and user_id = (select auth.uid()));
create policy "Admins can delete their team's heartbeats" on public.sync_heartbeats
  for delete to authenticated using (team_id = any ((select private.user_admin_team_ids())::uuid[]));

create policy "Members can read their team's ships" on public.ship_logs
  for select to authenticated using (team_id = any ((select private.user_team_ids())::uuid[]));
create policy "Members can log their own ships" on public.ship_logs
  for insert to authenticated
  with check (team_id = any ((select private.user_team_ids())::uuid[]) and user_id = (select auth.uid()));
create policy "Admins can delete their team's ships" on public.ship_logs
  for delete to authenticated using (team_id = any ((select private.user_admin_team_ids())::uuid[]));

create policy "Members can read their team's QA reports" on public.qa_reports
  for select to authenticated using (team_id = any ((select private.user_team_ids())::uuid[]));
create policy "Members can add their own QA reports" on public.qa_reports
  for insert to authenticated
  with check (team_id = any ((select private.user_team_ids())::uuid[]) and user_id = (select auth.uid()));
create policy "Admins can delete their team's QA reports" on public.qa_reports
  for delete to authenticated using (team_id = any ((select private.user_admin_team_ids())::uuid[]));

create policy "Members can read their team's retros" on public.retro_snapshots
  for select to authenticated using (team_id = any ((select private.user_team_ids())::uuid[]));
create policy "Members can add their own retros" on public.retro_snapshots
  for insert to authenticated
  with check (team_id = any ((select private.user_team_ids())::uuid[]) and user_id = (select auth.uid()));
create policy "Admins can delete their team's retros" on public.retro_snapshots
  for delete to authenticated using (team_id = any ((select private.user_admin_team_ids())::uuid[]));

create policy "Members can read their team's triage" on public.greptile_triage
  for select to authenticated using (team_id = any ((select private.user_team_ids())::uuid[]));
create policy "Members can add their own triage" on public.greptile_triage
  for insert to authenticated
  with check (team_id = any ((select private.user_team_ids())::uuid[]) and user_id = (select auth.uid()));
create policy "Admins can delete their team's triage" on public.greptile_triage
  for delete to authenticated using (team_id = any ((select private.user_admin_team_ids())::uuid[]));
