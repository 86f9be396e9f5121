-- Security hardening (issue 9): a run is written whole, once, by whoever pushes it; server-side
-- push limits mirrored from packages/core; team_settings.updated_by set by the server; Slack
-- webhook hosts restricted; activity natural keys that include the pushing user.

-- =============================================================================
-- A run and its rows arrive only through push_eval_run / ingest_eval_run
-- =============================================================================

-- Before this, a member could insert results, attempts and costs into any run of their team
-- (a teammate's, a CI token's), which changed that run's tier_stats, escalation, cost and
-- history. The two RPCs (security definer) write a run and all of its rows in one transaction
-- and are now the only way in for the API roles; reading and admins' deletes are unchanged.
drop policy "Members can add runs to their team as themselves" on public.eval_runs;
drop policy "Members can add results to their team" on public.eval_results;
drop policy "Members can add attempts to their team" on public.eval_attempts;
drop policy "Members can add costs to their team" on public.eval_costs;
revoke insert on public.eval_runs, public.eval_results, public.eval_attempts, public.eval_costs from authenticated;

-- =============================================================================
-- Push limits, enforced by the store (mirrors PUSH_LIMITS in packages/core/src/sync-payload.ts)
-- =============================================================================

-- The client checks these before sending; the store checks them again because a CI token and
-- the publishable key are enough to call ingest_eval_run. supabase/tests/push-limits.int.test.ts
-- compares this object with PUSH_LIMITS, so the two cannot drift apart.
create or replace function private.push_limits() returns jsonb
  language sql immutable set search_path = ''
as $$
  select jsonb_build_object(
    'documentBytes', 20971520,
    'stringChars', 200000,
    'nameChars', 500,
    'tests', 50000,
    'attempts', 500000,
    'costs', 1000
  )
$$;
comment on function private.push_limits() is 'The push limits (same keys and values as PUSH_LIMITS in packages/core).';

-- Raises 54000 (program_limit_exceeded) naming the first field over a limit. Called before
-- anything is written, so a refused run leaves no row behind.
create or replace function private.check_run_payload(p_payload jsonb) returns void
  language plpgsql immutable set search_path = ''
as $$
declare
  v_limits jsonb := private.push_limits();
  v_names integer := (v_limits ->> 'nameChars')::integer;
  v_text integer := (v_limits ->> 'stringChars')::integer;
  v_doc jsonb := coalesce(p_payload -> 'run' -> 'result', '{}'::jsonb);
  v_problem text;
begin
  -- The document as Postgres prints it (a space after each ':' and ','); the client measures
  -- its pretty-printed file, which is never smaller, so what the client accepts passes here.
  if octet_length(v_doc::text) > (v_limits ->> 'documentBytes')::bigint then
    raise exception 'push refused: run.result: the document is % bytes; at most %',
      octet_length(v_doc::text), v_limits ->> 'documentBytes' using errcode = '54000';
  end if;
  if jsonb_array_length(coalesce(p_payload -> 'results', '[]')) > (v_limits ->> 'tests')::integer then
    raise exception 'push refused: results: % rows; at most %',
      jsonb_array_length(p_payload -> 'results'), v_limits ->> 'tests' using errcode = '54000';
  end if;
  if jsonb_array_length(coalesce(p_payload -> 'attempts', '[]')) > (v_limits ->> 'attempts')::integer then
    raise exception 'push refused: attempts: % rows; at most %',
      jsonb_array_length(p_payload -> 'attempts'), v_limits ->> 'attempts' using errcode = '54000';
  end if;
  if jsonb_array_length(coalesce(p_payload -> 'costs', '[]')) > (v_limits ->> 'costs')::integer then
    raise exception 'push refused: costs: % rows; at most %',
      jsonb_array_length(p_payload -> 'costs'), v_limits ->> 'costs' using errcode = '54000';
  end if;

  select format('push refused: %s: %s characters; at most %s', f.field, char_length(f.value), f.max_chars)
    into v_problem
  from (
    select 'run.' || k as field, p_payload -> 'run' ->> k as value, v_names as max_chars
      from unnest(array['suite', 'label', 'repo_slug', 'branch', 'git_sha', 'tier', 'hostname', 'version', 'prompt_sha']) k
    union all
    select format('results[%s].%s', r.i - 1, k), r.v ->> k, v_names
      from jsonb_array_elements(coalesce(p_payload -> 'results', '[]')) with ordinality r (v, i),
           unnest(array['test_name', 'category', 'resolved_tier', 'resolved_model']) k
    union all
    select format('results[%s].error', r.i - 1), r.v ->> 'error', v_text
      from jsonb_array_elements(coalesce(p_payload -> 'results', '[]')) with ordinality r (v, i)
    union all
    select format('attempts[%s].%s', a.i - 1, k), a.v ->> k, v_names
      from jsonb_array_elements(coalesce(p_payload -> 'attempts', '[]')) with ordinality a (v, i),
           unnest(array['test_name', 'model', 'tier']) k
    union all
    select format('attempts[%s].feedback', a.i - 1), a.v ->> 'feedback', v_text
      from jsonb_array_elements(coalesce(p_payload -> 'attempts', '[]')) with ordinality a (v, i)
    union all
    select format('costs[%s].model', c.i - 1), c.v ->> 'model', v_names
      from jsonb_array_elements(coalesce(p_payload -> 'costs', '[]')) with ordinality c (v, i)
    union all
    select format('run.result.all_results[%s].output', o.i - 1), o.v ->> 'output', v_text
      from jsonb_array_elements(case when jsonb_typeof(v_doc -> 'all_results') = 'array' then v_doc -> 'all_results' else '[]' end)
           with ordinality o (v, i)
  ) f
  where char_length(f.value) > f.max_chars
  limit 1;
  if v_problem is not null then
    raise exception '%', v_problem using errcode = '54000';
  end if;
end
$$;
comment on function private.check_run_payload(jsonb) is 'Refuses a push payload over the push limits, naming the field.';

-- As before, plus the limits check before anything is written.
create or replace function private.write_eval_run(p_team_id uuid, p_user_id uuid, p_token_id uuid, p_payload jsonb)
  returns jsonb
  language plpgsql security definer set search_path = ''
as $$
declare
  v_run jsonb := p_payload -> 'run';
  v_id uuid;
begin
  if jsonb_typeof(v_run) is distinct from 'object' then
    raise exception 'payload.run must be an object' using errcode = '22023';
  end if;
  if jsonb_typeof(coalesce(p_payload -> 'results', '[]')) <> 'array'
     or jsonb_typeof(coalesce(p_payload -> 'attempts', '[]')) <> 'array'
     or jsonb_typeof(coalesce(p_payload -> 'costs', '[]')) <> 'array' then
    raise exception 'payload.results, payload.attempts and payload.costs must be arrays' using errcode = '22023';
  end if;
  perform private.check_run_payload(p_payload);

  insert into public.eval_runs (
    team_id, user_id, token_id, run_key, repo_slug, branch, git_sha, suite, tier, label, hostname, version, run_at,
    total_tests, passed, failed, skipped, cost_usd, judge_cost_usd, duration_ms, prompt_sha, by_category, result
  )
  select p_team_id, p_user_id, p_token_id, r.run_key, r.repo_slug, r.branch, r.git_sha, r.suite, r.tier, r.label,
         r.hostname, r.version, r.run_at, r.total_tests, r.passed, r.failed, coalesce(r.skipped, 0),
         coalesce(r.cost_usd, 0), coalesce(r.judge_cost_usd, 0), r.duration_ms, r.prompt_sha,
         coalesce(r.by_category, '{}'), coalesce(r.result, '{}')
  from jsonb_populate_record(null::public.eval_runs, v_run) r
  on conflict (team_id, run_key) do nothing
  returning id into v_id;

  if v_id is null then
    select id into v_id from public.eval_runs where team_id = p_team_id and run_key = v_run ->> 'run_key';
    return jsonb_build_object('run_id', v_id, 'created', false);
  end if;

  insert into public.eval_results (
    run_id, team_id, test_name, trial, category, passed, skipped, score, duration_ms, cost_usd,
    resolved_tier, resolved_model, error
  )
  select v_id, p_team_id, r.test_name, coalesce(r.trial, 1), r.category, r.passed, coalesce(r.skipped, false),
         r.score, r.duration_ms, coalesce(r.cost_usd, 0), r.resolved_tier, r.resolved_model, r.error
  from jsonb_populate_recordset(null::public.eval_results, coalesce(p_payload -> 'results', '[]')) r;

  insert into public.eval_attempts (
    run_id, team_id, test_name, trial, attempt, model, tier, duration_ms, warm, verdict, feedback,
    input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, cost_exact
  )
  select v_id, p_team_id, a.test_name, coalesce(a.trial, 1), a.attempt, a.model, a.tier, a.duration_ms, a.warm,
         a.verdict, a.feedback, coalesce(a.input_tokens, 0), coalesce(a.output_tokens, 0),
         coalesce(a.cache_read_tokens, 0), coalesce(a.cache_write_tokens, 0), coalesce(a.cost_usd, 0),
         coalesce(a.cost_exact, false)
  from jsonb_populate_recordset(null::public.eval_attempts, coalesce(p_payload -> 'attempts', '[]')) a;

  insert into public.eval_costs (
    run_id, team_id, model, purpose, calls, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,
    cost_usd, exact
  )
  select v_id, p_team_id, c.model, coalesce(c.purpose, 'system'), coalesce(c.calls, 0), coalesce(c.input_tokens, 0),
         coalesce(c.output_tokens, 0), coalesce(c.cache_read_tokens, 0), coalesce(c.cache_write_tokens, 0),
         coalesce(c.cost_usd, 0), coalesce(c.exact, false)
  from jsonb_populate_recordset(null::public.eval_costs, coalesce(p_payload -> 'costs', '[]')) c;

  return jsonb_build_object('run_id', v_id, 'created', true);
end
$$;

-- =============================================================================
-- team_settings: who changed it is the server's word; Slack webhooks go to Slack
-- =============================================================================

-- Origins (scheme://host[:port], no path) a deployment allows for Slack webhooks besides Slack's
-- own hosts. Empty on a real deployment; the local stack adds its Slack sink. Only the
-- database owner writes it (no API role can read or change the private schema).
create table if not exists private.webhook_allowed_origins (
  origin text primary key constraint webhook_allowed_origins_origin check (origin ~ '^https?://[^/?#@[:space:]\\]+$'),
  reason text not null
);
comment on table private.webhook_allowed_origins is
  'Extra webhook origins this deployment allows (e.g. the local stack''s Slack sink); empty in production.';

create or replace function private.is_allowed_webhook_url(p_url text) returns boolean
  language sql stable security definer set search_path = ''
as $$
  select p_url !~ '[[:space:]\\]'
     and (
       -- Slack and Slack GovSlack incoming webhooks, and nothing that merely starts like them.
       p_url ~ '^https://hooks\.slack(-gov)?\.com/'
       or exists (
         select 1 from private.webhook_allowed_origins o
         where lower(substring(p_url from '^(https?://[^/?#]*)')) = lower(o.origin)
           and substring(p_url from '^https?://([^/?#]*)') !~ '@'
       )
     )
$$;
comment on function private.is_allowed_webhook_url(text) is
  'True for https://hooks.slack.com/… and https://hooks.slack-gov.com/… and for origins in private.webhook_allowed_origins.';

create or replace function private.guard_team_settings() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  -- A signed-in caller is recorded as who changed it, whatever the request said.
  if (select auth.role()) = 'authenticated' then
    new.updated_by := (select auth.uid());
  end if;
  new.updated_at := now();
  if new.slack_webhook_url is not null
     and (tg_op = 'INSERT' or new.slack_webhook_url is distinct from old.slack_webhook_url)
     and not private.is_allowed_webhook_url(new.slack_webhook_url) then
    raise exception 'slack_webhook_url must be a Slack incoming webhook (https://hooks.slack.com/… or https://hooks.slack-gov.com/…)'
      using errcode = '22023',
            hint = 'Other hosts are refused unless the deployment lists their origin in private.webhook_allowed_origins.';
  end if;
  return new;
end
$$;

drop trigger if exists team_settings_guard on public.team_settings;
create trigger team_settings_guard
  before insert or update on public.team_settings
  for each row execute function private.guard_team_settings();

-- =============================================================================
-- Activity natural keys include the pushing user
-- =============================================================================

-- Two people may log the same ship or triage the same Greptile comment; the first to push must
-- not take the other's credit (their row was silently dropped as a duplicate before).
alter table public.ship_logs drop constraint ship_logs_natural_key;
alter table public.ship_logs add constraint ship_logs_natural_key unique (team_id, repo_slug, git_sha, user_id);
alter table public.greptile_triage drop constraint greptile_triage_natural_key;
alter table public.greptile_triage add constraint greptile_triage_natural_key unique (team_id, repo_slug, comment_id, user_id);
