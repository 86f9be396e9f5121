-- Run detail and compare read each result document once, not once per test (issue 26).
--
-- run_detail asked dashboard_test_doc for every test, and each call read the run's whole document
-- (decompressing it: 250 KB of JSON for 100 tests) and walked its tests to the one asked for;
-- compare_runs did the same per test and side. A run's page cost grew with the square of its tests:
-- 113 ms p50 for 100 tests in the quick benchmark with realistic documents, and a 1,000-test suite
-- (a large organisation's) reads 1,000 documents of 2.5 MB. Both now expand each document once
-- and join its tests by name and trial (the first with that name and trial, as before). Same answers.

-- A test's part of a result document, as dashboard_test_doc returns it: one definition.
-- Strict: a test the document does not have gives null, as dashboard_test_doc did.
create function private.test_doc(t jsonb, p_max integer) returns jsonb
  language sql immutable strict set search_path = ''
as $$
  select jsonb_build_object(
    'trial', coalesce((t ->> 'trial')::integer, 1),
    'output', left(t ->> 'output', p_max),
    'output_length', char_length(t ->> 'output'),
    'judge', coalesce(t -> 'judge', '[]'::jsonb),
    'assertions', coalesce(t -> 'assertions', '[]'::jsonb),
    'input', case when jsonb_typeof(t -> 'input') = 'object' then t -> 'input' end,
    'expected', t ->> 'expected',
    'attempts', coalesce((
      select jsonb_agg(jsonb_build_object(
        'attempt', (a ->> 'attempt')::integer, 'verdict', a ->> 'verdict',
        'self_certified', coalesce((a ->> 'self_certified')::boolean, false), 'self_certify_rule', a ->> 'self_certify_rule',
        'assertions_passed', (a ->> 'assertions_passed')::boolean, 'verifier', a -> 'verifier',
        'answer', left(a ->> 'answer', p_max), 'answer_length', char_length(a ->> 'answer')
      ) order by (a ->> 'attempt')::integer)
      from jsonb_array_elements(coalesce(t -> 'attempts', '[]'::jsonb)) a
    ), '[]'::jsonb)
  )
$$;
comment on function private.test_doc(jsonb, integer) is 'One test of a result document as the run pages show it (output, judge, assertions, attempts, question).';
revoke all on function private.test_doc(jsonb, integer) from public, anon;
grant execute on function private.test_doc(jsonb, integer) to authenticated, service_role;

-- A document's tests, each once: the first with its name and trial, in document order.
create function private.document_tests(p_result jsonb)
  returns table (test_name text, trial integer, t jsonb)
  language sql immutable set search_path = ''
as $$
  select distinct on (x.t ->> 'name', coalesce((x.t ->> 'trial')::integer, 1))
         x.t ->> 'name', coalesce((x.t ->> 'trial')::integer, 1), x.t
  from jsonb_array_elements(coalesce(p_result -> 'all_results', '[]'::jsonb)) with ordinality x(t, n)
  order by x.t ->> 'name', coalesce((x.t ->> 'trial')::integer, 1), x.n
$$;
comment on function private.document_tests(jsonb) is 'The tests of a result document by name and trial (the first of each).';
revoke all on function private.document_tests(jsonb) from public, anon;
grant execute on function private.document_tests(jsonb) to authenticated, service_role;

-- Unchanged for its callers; the body is private.test_doc's.
create or replace function public.dashboard_test_doc(p_result jsonb, p_name text, p_trial integer, p_max integer)
  returns jsonb
  language sql immutable security invoker set search_path = ''
as $$
  select private.test_doc(d.t, p_max) from private.document_tests(p_result) d where d.test_name = p_name and d.trial = p_trial
$$;

-- As in 20261122120000_dashboard_pages.sql, the document expanded once.
create or replace function public.run_detail(p_team_id uuid, p_run_id uuid, p_output_chars integer default 4000)
  returns jsonb
  language sql stable security invoker set search_path = ''
as $$
  select jsonb_build_object(
    'run', public.dashboard_run_row(r),
    'prompt_sha', r.prompt_sha,
    'version', r.version,
    'costs', coalesce((
      select jsonb_agg(jsonb_build_object('model', c.model, 'purpose', c.purpose, 'calls', c.calls, 'cost_usd', c.cost_usd,
        'exact', c.exact, 'input_tokens', c.input_tokens, 'output_tokens', c.output_tokens,
        'cache_read_tokens', c.cache_read_tokens, 'cache_write_tokens', c.cache_write_tokens) order by c.cost_usd desc, c.model)
      from public.eval_costs c where c.run_id = r.id
    ), '[]'::jsonb),
    'previous_run_id', (
      select p.id from public.eval_runs p
      where p.team_id = r.team_id and p.repo_slug = r.repo_slug and p.suite = r.suite and p.run_at < r.run_at
      order by p.run_at desc limit 1
    ),
    'tests', coalesce((
      -- materialized: the document is read and expanded once, whatever join the planner picks
      with d as materialized (select * from private.document_tests(r.result))
      select jsonb_agg(jsonb_build_object(
        'test_name', e.test_name, 'trial', e.trial, 'category', e.category, 'passed', e.passed, 'skipped', e.skipped,
        'score', e.score, 'duration_ms', e.duration_ms, 'cost_usd', e.cost_usd, 'resolved_tier', e.resolved_tier,
        'resolved_model', e.resolved_model, 'error', e.error,
        'attempts', coalesce((
          select jsonb_agg(jsonb_build_object('attempt', a.attempt, 'model', a.model, 'tier', a.tier,
            'duration_ms', a.duration_ms, 'warm', a.warm, 'verdict', a.verdict, 'feedback', a.feedback,
            'input_tokens', a.input_tokens, 'output_tokens', a.output_tokens, 'cache_read_tokens', a.cache_read_tokens,
            'cache_write_tokens', a.cache_write_tokens, 'cost_usd', a.cost_usd, 'cost_exact', a.cost_exact) order by a.attempt)
          from public.eval_attempts a
          where a.run_id = e.run_id and a.test_name = e.test_name and a.trial = e.trial
        ), '[]'::jsonb),
        'doc', private.test_doc(d.t, p_output_chars)
      ) order by e.passed, e.test_name, e.trial)
      from public.eval_results e
      left join d on d.test_name = e.test_name and d.trial = e.trial
      where e.run_id = r.id
    ), '[]'::jsonb)
  )
  from public.eval_runs r
  where r.team_id = p_team_id and r.id = p_run_id
$$;

-- As in 20261206110000_answer_reviews.sql, each document expanded once.
create or replace function public.compare_runs(p_team_id uuid, p_base uuid, p_head uuid, p_output_chars integer default 2000)
  returns jsonb
  language sql stable security invoker set search_path = ''
as $$
  with base as (select * from public.eval_runs where team_id = p_team_id and id = p_base),
  head as (select * from public.eval_runs where team_id = p_team_id and id = p_head),
  docs as materialized (
    select r.id as run_id, d.test_name, d.trial, d.t
    from public.eval_runs r cross join lateral private.document_tests(r.result) d
    where r.team_id = p_team_id and r.id in (p_base, p_head)
  ),
  side as (
    select e.*, d.t ->> 'output' as full_output, d.t -> 'input' as input, d.t ->> 'expected' as expected
    from public.eval_results e
    join public.eval_runs r on r.id = e.run_id and r.team_id = p_team_id
    left join docs d on d.run_id = e.run_id and d.test_name = e.test_name and d.trial = e.trial
    where e.team_id = p_team_id and e.run_id in (p_base, p_head)
  ),
  b as (select * from side where run_id = p_base),
  h as (select * from side where run_id = p_head)
  select jsonb_build_object(
    'base', (select public.dashboard_run_row(base) from base),
    'head', (select public.dashboard_run_row(head) from head),
    'tests', coalesce((
      select jsonb_agg(jsonb_build_object(
        'test_name', coalesce(h.test_name, b.test_name), 'trial', coalesce(h.trial, b.trial),
        'input', case when jsonb_typeof(h.input) = 'object' then h.input when jsonb_typeof(b.input) = 'object' then b.input end,
        'expected', coalesce(h.expected, b.expected),
        'base', case when b.run_id is not null then jsonb_build_object('passed', b.passed, 'skipped', b.skipped,
          'cost_usd', b.cost_usd, 'duration_ms', b.duration_ms, 'resolved_tier', b.resolved_tier,
          'resolved_model', b.resolved_model, 'error', b.error, 'output', left(b.full_output, p_output_chars),
          'output_length', char_length(b.full_output)) end,
        'head', case when h.run_id is not null then jsonb_build_object('passed', h.passed, 'skipped', h.skipped,
          'cost_usd', h.cost_usd, 'duration_ms', h.duration_ms, 'resolved_tier', h.resolved_tier,
          'resolved_model', h.resolved_model, 'error', h.error, 'output', left(h.full_output, p_output_chars),
          'output_length', char_length(h.full_output)) end
      ) order by coalesce(h.test_name, b.test_name), coalesce(h.trial, b.trial))
      from b full join h on h.test_name = b.test_name and h.trial = b.trial
    ), '[]'::jsonb)
  )
  where exists (select 1 from base) and exists (select 1 from head)
$$;
