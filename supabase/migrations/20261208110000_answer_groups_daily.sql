-- The verifier's answers rolled up per team, UTC day, repo and suite (issue 26).
--
-- verifier_outcomes (Costs, Escalation) and review_queue (Review) read every run of their window:
-- at a large organisation's density (a run every 2.1 minutes) a month is 20,500 runs, whose
-- doc_stats hold about 100,000 answer groups; parsing them took about 200 ms per call, and the
-- Costs and Review pages missed their 300 ms p95 at 22,000,000 results (312 / 325 and 321 / 330 ms,
-- docs/benchmarks.md). public.answer_groups_daily holds those groups summed per day: a month is a
-- few thousand rows. Like test_costs_daily (20261123150000_test_cost_rollup.sql), the readers take
-- the period's whole UTC days from the rollup and its partial first and last days from the runs.
--
-- What the rollup holds, per run, comes from one definition, private.answer_groups_of:
--   * a run not pruned: its doc_stats answer groups (the answers as nobody has reviewed them);
--   * a pruned run (pruned_stats is set): the verifier groups retention recorded, review counts
--     included (its answers and reviews are gone).
-- Reviews are not in the rollup: the readers take a reviewed run's groups out and its answers,
-- read from its document with their reviews, in (people review a few answers, so those are few),
-- as verifier_outcomes and review_queue did before.
--
-- Kept by triggers: a run's insert adds its groups; a run's delete and its pruning (pruned_stats
-- set) rebuild the slices (team, day, repo, suite) they touch from the runs.

-- =============================================================================
-- The rollup
-- =============================================================================

-- The groups of one run in its current state (see above). The one definition the triggers, the
-- rebuild, the readers' partial days and the benchmark's seed share.
create function private.answer_groups_of(p_doc_stats jsonb, p_pruned_stats jsonb)
  returns table (
    pruned boolean, verifier_model text, verifier_accept boolean, assertions_passed boolean, audit boolean,
    verifier_error boolean, with_answer boolean, reviews_correct bigint, reviews_incorrect bigint, n bigint, cost_usd numeric
  )
  language sql immutable set search_path = ''
as $$
  select false, g ->> 'verifier_model', (g ->> 'verifier_accept')::boolean, (g ->> 'assertions_passed')::boolean,
         (g ->> 'audit')::boolean, (g ->> 'verifier_error')::boolean, (g ->> 'with_answer')::boolean, 0::bigint, 0::bigint,
         (g ->> 'n')::bigint, (g ->> 'cost_usd')::numeric
  from jsonb_array_elements(coalesce(p_doc_stats -> 'answers', '[]'::jsonb)) g
  where p_pruned_stats is null
  union all
  select true, v ->> 'verifier_model', (v ->> 'accepted')::boolean, (v ->> 'assertions_passed')::boolean,
         (v ->> 'audit')::boolean, (v ->> 'verifier_error')::boolean, null::boolean, (v ->> 'reviews_correct')::bigint,
         (v ->> 'reviews_incorrect')::bigint, (v ->> 'decisions')::bigint, (v ->> 'cost_usd')::numeric
  from jsonb_array_elements(coalesce(p_pruned_stats -> 'verifier', '[]'::jsonb)) v
  where p_pruned_stats is not null
$$;
comment on function private.answer_groups_of(jsonb, jsonb) is
  'A run''s answer groups as answer_groups_daily holds them: doc_stats.answers, or pruned_stats.verifier once pruned.';
revoke all on function private.answer_groups_of(jsonb, jsonb) from public, anon;
grant execute on function private.answer_groups_of(jsonb, jsonb) to authenticated, service_role;

create table public.answer_groups_daily (
  team_id uuid not null references public.teams (id) on delete cascade,
  -- The UTC day of the run's run_at (private.utc_day).
  day date not null,
  repo_slug text not null,
  suite text not null,
  -- The group's key, as private.answer_groups_of gives it.
  pruned boolean not null,
  verifier_model text,
  verifier_accept boolean,
  assertions_passed boolean,
  audit boolean not null,
  verifier_error boolean not null,
  with_answer boolean,
  reviews_correct bigint not null,
  reviews_incorrect bigint not null,
  -- Answers (attempts not in error) and the verifier's cost for them.
  n bigint not null,
  cost_usd numeric not null
)
-- A suite's later runs on a day update its rows in place (HOT updates), as in test_costs_daily.
with (fillfactor = 50);
comment on table public.answer_groups_daily is
  'Maintained from eval_runs by triggers: answer groups (private.answer_groups_of) summed per team, UTC day, repo and suite.';
create unique index answer_groups_daily_key on public.answer_groups_daily (
  team_id, day, repo_slug, suite, pruned, verifier_model, verifier_accept, assertions_passed, audit, verifier_error,
  with_answer, reviews_correct, reviews_incorrect
) nulls not distinct;

alter table public.answer_groups_daily enable row level security;
revoke all on public.answer_groups_daily from public, anon, authenticated;
grant select on public.answer_groups_daily to authenticated;
grant all on public.answer_groups_daily to service_role;
create policy "Members can read their team's answer groups" on public.answer_groups_daily
  for select to authenticated using (team_id = any ((select private.user_team_ids())::uuid[]));

-- Rebuilds a team's slices from its runs: every day in [p_from, p_to], or one repo and suite of
-- them. The delete and pruning triggers, the backfill and the benchmark's seed use it.
create function private.rebuild_answer_groups(
  p_team_id uuid, p_from date, p_to date, p_repo_slug text default null, p_suite text default null
) returns void
  language sql security definer set search_path = ''
as $$
  delete from public.answer_groups_daily d
  where d.team_id = p_team_id and d.day >= p_from and d.day <= p_to
    and (p_repo_slug is null or d.repo_slug = p_repo_slug) and (p_suite is null or d.suite = p_suite);
  insert into public.answer_groups_daily as d (
    team_id, day, repo_slug, suite, pruned, verifier_model, verifier_accept, assertions_passed, audit, verifier_error,
    with_answer, reviews_correct, reviews_incorrect, n, cost_usd
  )
  select r.team_id, private.utc_day(r.run_at), r.repo_slug, r.suite, g.pruned, g.verifier_model, g.verifier_accept,
         g.assertions_passed, g.audit, g.verifier_error, g.with_answer, g.reviews_correct, g.reviews_incorrect,
         sum(g.n), sum(g.cost_usd)
  from public.eval_runs r
  cross join lateral private.answer_groups_of(r.doc_stats, r.pruned_stats) g
  where r.team_id = p_team_id
    and r.run_at >= p_from::timestamp at time zone 'UTC' and r.run_at < (p_to + 1)::timestamp at time zone 'UTC'
    and (p_repo_slug is null or r.repo_slug = p_repo_slug) and (p_suite is null or r.suite = p_suite)
  group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13
  -- A push that added to these slices since this statement's snapshot keeps its rows (read committed).
  on conflict (team_id, day, repo_slug, suite, pruned, verifier_model, verifier_accept, assertions_passed, audit,
               verifier_error, with_answer, reviews_correct, reviews_incorrect)
  do nothing;
$$;
comment on function private.rebuild_answer_groups(uuid, date, date, text, text) is
  'Recomputes answer_groups_daily for a team''s days (optionally one repo and suite) from its runs.';
revoke all on function private.rebuild_answer_groups(uuid, date, date, text, text) from public, anon, authenticated;

-- A statement's new runs add their groups (a push writes one run; doc_stats is set before insert).
create function private.add_answer_groups() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  insert into public.answer_groups_daily as d (
    team_id, day, repo_slug, suite, pruned, verifier_model, verifier_accept, assertions_passed, audit, verifier_error,
    with_answer, reviews_correct, reviews_incorrect, n, cost_usd
  )
  select c.team_id, private.utc_day(c.run_at), c.repo_slug, c.suite, g.pruned, g.verifier_model, g.verifier_accept,
         g.assertions_passed, g.audit, g.verifier_error, g.with_answer, g.reviews_correct, g.reviews_incorrect,
         sum(g.n), sum(g.cost_usd)
  from changed c
  cross join lateral private.answer_groups_of(c.doc_stats, c.pruned_stats) g
  group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13
  -- One order for every writer, so concurrent pushes into one slice queue instead of deadlocking.
  order by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13
  on conflict (team_id, day, repo_slug, suite, pruned, verifier_model, verifier_accept, assertions_passed, audit,
               verifier_error, with_answer, reviews_correct, reviews_incorrect)
  do update set n = d.n + excluded.n, cost_usd = d.cost_usd + excluded.cost_usd;
  return null;
end
$$;
revoke all on function private.add_answer_groups() from public, anon, authenticated;

-- Deleted runs (an admin's delete, a team's): their slices are rebuilt from the runs left.
create function private.remove_answer_groups() returns trigger
  language plpgsql security definer set search_path = ''
as $$
declare
  v_slice record;
begin
  for v_slice in
    select distinct c.team_id, private.utc_day(c.run_at) as day, c.repo_slug, c.suite from changed c
    -- A team's deletion removes its rollup with it.
    where exists (select 1 from public.teams t where t.id = c.team_id)
    order by 1, 2, 3, 4
  loop
    perform private.rebuild_answer_groups(v_slice.team_id, v_slice.day, v_slice.day, v_slice.repo_slug, v_slice.suite);
  end loop;
  return null;
end
$$;
revoke all on function private.remove_answer_groups() from public, anon, authenticated;

-- A run being pruned (retention records pruned_stats): its slice is rebuilt, so its groups move
-- from doc_stats to what pruned_stats recorded (its reviews with them).
create function private.move_answer_groups() returns trigger
  language plpgsql security definer set search_path = ''
as $$
begin
  perform private.rebuild_answer_groups(new.team_id, private.utc_day(new.run_at), private.utc_day(new.run_at), new.repo_slug, new.suite);
  return null;
end
$$;
revoke all on function private.move_answer_groups() from public, anon, authenticated;

create trigger eval_runs_answer_groups_after_insert
  after insert on public.eval_runs
  referencing new table as changed
  for each statement execute function private.add_answer_groups();

create trigger eval_runs_answer_groups_after_delete
  after delete on public.eval_runs
  referencing old table as changed
  for each statement execute function private.remove_answer_groups();

create trigger eval_runs_answer_groups_after_prune
  after update of pruned_stats on public.eval_runs
  for each row when (old.pruned_stats is distinct from new.pruned_stats)
  execute function private.move_answer_groups();

-- Backfill: every team's runs.
select private.rebuild_answer_groups(t.id, '-infinity', 'infinity') from public.teams t;

-- =============================================================================
-- The readers
-- =============================================================================

-- A period's ends and its whole UTC days: [since, until) as every period reader has it
-- (20261207100000_period_until.sql: p_until null = now, and then no end), whole days
-- [whole_from, whole_to) read from a daily rollup, the rest (the first day unless the period starts
-- at midnight, the last when p_until is not a midnight) from the runs. Without p_until today is
-- whole: the rollup holds every run there is.
create function private.period_days(p_days integer, p_until timestamptz)
  returns table (since timestamptz, until timestamptz, whole_from date, whole_to date, whole_from_at timestamptz, whole_to_at timestamptz)
  language sql stable set search_path = ''
as $$
  select b.since, b.until, b.whole_from, b.whole_to,
         b.whole_from::timestamp at time zone 'UTC',
         case when b.whole_to = 'infinity'::date then 'infinity'::timestamptz else b.whole_to::timestamp at time zone 'UTC' end
  from (
    select w.since, w.until,
           private.utc_day(w.since) + case when w.since = private.utc_day(w.since)::timestamp at time zone 'UTC' then 0 else 1 end
             as whole_from,
           case when p_until is null then 'infinity'::date else private.utc_day(p_until) end as whole_to
    from (select coalesce(p_until, now()) - make_interval(days => p_days) as since, coalesce(p_until, 'infinity'::timestamptz) as until) w
  ) b
$$;
comment on function private.period_days(integer, timestamptz) is
  'A period reader''s [since, until) and its whole UTC days [whole_from, whole_to) (answer_groups_daily, test_costs_daily).';
revoke all on function private.period_days(integer, timestamptz) from public, anon;
grant execute on function private.period_days(integer, timestamptz) to authenticated, service_role;

-- The period's answer groups per day, repo and suite as nobody has reviewed them, except the runs
-- with reviews (see reviewed_answers): whole days from the rollup, partial days from the runs'
-- groups, and each reviewed run's groups taken out (negative n).
create function private.period_answer_groups(p_team_id uuid, p_days integer, p_until timestamptz)
  returns table (
    day date, repo_slug text, suite text, pruned boolean, verifier_model text, verifier_accept boolean,
    assertions_passed boolean, audit boolean, verifier_error boolean, with_answer boolean, reviews_correct bigint,
    reviews_incorrect bigint, n bigint, cost_usd numeric
  )
  language sql stable security invoker set search_path = ''
as $$
  with period as materialized (select * from private.period_days(p_days, p_until))
  select d.day, d.repo_slug, d.suite, d.pruned, d.verifier_model, d.verifier_accept, d.assertions_passed, d.audit,
         d.verifier_error, d.with_answer, d.reviews_correct, d.reviews_incorrect, d.n, d.cost_usd
  from period w
  join public.answer_groups_daily d on d.team_id = p_team_id and d.day >= w.whole_from and d.day < w.whole_to
  union all
  select private.utc_day(r.run_at), r.repo_slug, r.suite, g.pruned, g.verifier_model, g.verifier_accept, g.assertions_passed,
         g.audit, g.verifier_error, g.with_answer, g.reviews_correct, g.reviews_incorrect, g.n, g.cost_usd
  from period w
  join public.eval_runs r on r.team_id = p_team_id and r.run_at >= w.since and r.run_at < least(w.whole_from_at, w.until)
  cross join lateral private.answer_groups_of(r.doc_stats, r.pruned_stats) g
  union all
  select private.utc_day(r.run_at), r.repo_slug, r.suite, g.pruned, g.verifier_model, g.verifier_accept, g.assertions_passed,
         g.audit, g.verifier_error, g.with_answer, g.reviews_correct, g.reviews_incorrect, g.n, g.cost_usd
  from period w
  join public.eval_runs r on r.team_id = p_team_id and r.run_at >= greatest(w.whole_to_at, w.since) and r.run_at < w.until
  cross join lateral private.answer_groups_of(r.doc_stats, r.pruned_stats) g
  union all
  -- The runs reviewed_answers reads (the period's, not pruned, with reviews): their groups out.
  select private.utc_day(r.run_at), r.repo_slug, r.suite, g.pruned, g.verifier_model, g.verifier_accept, g.assertions_passed,
         g.audit, g.verifier_error, g.with_answer, g.reviews_correct, g.reviews_incorrect, -g.n, -g.cost_usd
  from period w
  cross join (select distinct v.run_id from public.answer_reviews v where v.team_id = p_team_id) x
  join public.eval_runs r on r.id = x.run_id
  cross join lateral private.answer_groups_of(r.doc_stats, null) g
  where r.team_id = p_team_id and r.run_at >= w.since and r.run_at < w.until and r.pruned_stats is null
$$;
revoke all on function private.period_answer_groups(uuid, integer, timestamptz) from public, anon;
grant execute on function private.period_answer_groups(uuid, integer, timestamptz) to authenticated, service_role;

-- Same signature and answer as 20261207130000_document_rollup.sql's: the period's groups (rollup,
-- partial days, pruned runs' recorded groups), the reviewed runs' answers with their reviews.
create or replace function public.verifier_outcomes(p_team_id uuid, p_days integer default 30, p_until timestamptz default null)
  returns table (
    repo_slug text, suite text, verifier_model text, accepted boolean, assertions_passed boolean, audit boolean,
    verifier_error boolean, reviews_correct bigint, reviews_incorrect bigint, decisions bigint, cost_usd numeric
  )
  language sql stable security invoker set search_path = ''
as $$
  select a.repo_slug, a.suite, a.verifier_model, a.verifier_accept, a.assertions_passed, a.audit, a.verifier_error,
         a.reviews_correct, a.reviews_incorrect, sum(a.n)::bigint, sum(a.cost_usd)
  from (
    select g.repo_slug, g.suite, g.verifier_model, g.verifier_accept, g.assertions_passed, g.audit, g.verifier_error,
           g.reviews_correct, g.reviews_incorrect, g.n, g.cost_usd
    from private.period_answer_groups(p_team_id, p_days, p_until) g
    union all
    select x.repo_slug, x.suite, x.verifier_model, x.verifier_accept, x.assertions_passed, x.audit, x.verifier_error,
           x.reviews_correct, x.reviews_incorrect, 1, x.verifier_cost_usd
    from private.reviewed_answers(p_team_id, p_days, 0, p_until) x
  ) a
  where a.verifier_model is not null
  group by 1, 2, 3, 4, 5, 6, 7, 8, 9
  -- A reviewed run's groups cancel out to nothing.
  having sum(a.n) <> 0
  order by 1, 2, 3, 4, 5, 6, 7, 8, 9
$$;

-- Same signature and answer as 20261207130000_document_rollup.sql's. The waiting counts come from
-- the period's groups; the answers from the documents of only the runs that can reach the first
-- p_limit, found day by day (newest first) from the per-day counts, so the runs of the days
-- that cannot are never read.
create or replace function public.review_queue(
  p_team_id uuid, p_days integer default 30, p_limit integer default 30, p_until timestamptz default null
)
  returns table (
    run_id uuid, run_at timestamptz, repo_slug text, suite text, test_name text, trial integer, attempt integer,
    tier text, model text, verdict text, self_certified boolean, verifier_model text, verifier_accept boolean,
    verifier_error boolean, audit boolean, assertions_passed boolean, answer text, answer_length integer,
    reviews_correct bigint, reviews_incorrect bigint, priority integer, waiting bigint, waiting_in_priority bigint
  )
  language sql stable security invoker set search_path = ''
as $$
  with period as materialized (select * from private.period_days(p_days, p_until)),
  reviewed as (
    select x.*, private.review_priority(x.reviews_correct, x.reviews_incorrect, x.verifier_model, x.verifier_error,
                                        x.assertions_passed, x.verifier_accept) as priority
    from private.reviewed_answers(p_team_id, p_days, 2000, p_until) x
    where not x.my_review and x.answer is not null
  ),
  -- Answers with a text nobody reviewed (runs without reviews, not pruned), per day and priority.
  days as materialized (
    select g.day, private.review_priority(0, 0, g.verifier_model, g.verifier_error, g.assertions_passed, g.verifier_accept) as priority,
           sum(g.n) as n
    from private.period_answer_groups(p_team_id, p_days, p_until) g
    where not g.pruned and g.with_answer
    group by 1, 2
    having sum(g.n) > 0
  ),
  counts as (
    select priority, sum(n)::bigint as n from (
      select priority, n from days union all select priority, 1 from reviewed
    ) c group by priority
  ),
  -- Answers before each (day, priority) in the queue's order (priority, then newest first): every
  -- answer of a higher priority, and this priority's on later days.
  day_before as (
    select d.day, d.priority,
           coalesce((select sum(k.n) from days k where k.priority < d.priority), 0)
             + sum(d.n) over (partition by d.priority order by d.day desc) - d.n as before
    from days d
  ),
  -- Those days' runs without reviews, with their answers of that priority: one index range per
  -- day (the lateral subqueries keep the planner from reading every run of the team instead).
  needed_days as materialized (select * from day_before where before < p_limit),
  day_runs as materialized (
    select r.id as run_id, r.run_at, b.day, b.priority, b.before, sum(g.n) as n
    from needed_days b
    cross join period w
    cross join lateral (
      select r.id, r.run_at, r.doc_stats, r.pruned_stats from public.eval_runs r
      where r.team_id = p_team_id
        and r.run_at >= greatest(w.since, b.day::timestamp at time zone 'UTC')
        and r.run_at < least(w.until, (b.day + 1)::timestamp at time zone 'UTC')
      offset 0
    ) r
    cross join lateral private.answer_groups_of(r.doc_stats, r.pruned_stats) g
    where not g.pruned and g.with_answer
      and private.review_priority(0, 0, g.verifier_model, g.verifier_error, g.assertions_passed, g.verifier_accept) = b.priority
      and r.id not in (select v.run_id from public.answer_reviews v where v.team_id = p_team_id)
    group by 1, 2, 3, 4, 5
  ),
  -- The (run, priority) pairs whose answers can be among the first p_limit: fewer than p_limit
  -- answers come before their run's group (runs at the same time count together).
  needed as materialized (
    select u.run_id, u.priority from (
      select u.*, u.before + sum(u.n) over (partition by u.priority, u.day order by u.run_at desc)
                  - sum(u.n) over (partition by u.priority, u.run_at) as before_run
      from day_runs u
    ) u
    where u.before_run < p_limit
  ),
  candidates as (
    select r.run_id, r.run_at, r.repo_slug, r.suite, r.test_name, r.trial, r.attempt, r.tier, r.model, r.verdict,
           r.self_certified, r.verifier_model, r.verifier_accept, r.verifier_error, r.audit, r.assertions_passed, r.answer,
           r.answer_length, r.reviews_correct, r.reviews_incorrect, r.priority
    from reviewed r
    union all
    select e.id, e.run_at, e.repo_slug, e.suite, x.test_name, x.trial, x.attempt, x.tier, x.model, x.verdict,
           x.self_certified, x.verifier_model, x.verifier_accept, x.verifier_error, x.audit, x.assertions_passed,
           left(x.answer, 2000), char_length(x.answer), 0::bigint, 0::bigint, n.priority
    from needed n
    cross join lateral (select e.id, e.run_at, e.repo_slug, e.suite, e.result from public.eval_runs e where e.id = n.run_id offset 0) e
    cross join lateral private.answers_of(e.result) x
    where x.verdict <> 'error' and x.answer is not null
      and private.review_priority(0, 0, x.verifier_model, x.verifier_error, x.assertions_passed, x.verifier_accept) = n.priority
  )
  select c.run_id, c.run_at, c.repo_slug, c.suite, c.test_name, c.trial, c.attempt, c.tier, c.model, c.verdict,
         c.self_certified, c.verifier_model, c.verifier_accept, c.verifier_error, c.audit, c.assertions_passed, c.answer,
         c.answer_length, c.reviews_correct, c.reviews_incorrect, c.priority,
         (select sum(n)::bigint from counts), (select k.n from counts k where k.priority = c.priority)
  from candidates c
  order by c.priority, c.run_at desc, c.test_name, c.trial, c.attempt
  limit p_limit
$$;

-- Read by nothing now (verifier_outcomes and review_queue read the period's groups).
drop function private.unreviewed_answer_groups(uuid, integer, timestamptz);

-- Same signature and answer as 20261207130000_document_rollup.sql's, taking each run's judge_cache
-- out of doc_stats once: written per field, every run's doc_stats was read three times (83 vs 37 ms
-- for a month of 20,500 runs).
create or replace function public.judge_cache_savings(p_team_id uuid, p_days integer default 30, p_until timestamptz default null)
  returns table (hits bigint, hits_priced bigint, saved_usd numeric)
  language sql stable security invoker set search_path = ''
as $$
  with period as materialized (
    select coalesce(p_until, now()) - make_interval(days => p_days) as since, coalesce(p_until, 'infinity'::timestamptz) as until
  )
  select coalesce(sum((j ->> 'hits')::bigint), 0)::bigint, coalesce(sum((j ->> 'hits_priced')::bigint), 0)::bigint,
         coalesce(sum((j ->> 'saved_usd')::numeric), 0)
  from (
    select r.doc_stats -> 'judge_cache' as j
    from period w
    join public.eval_runs r on r.team_id = p_team_id and r.run_at >= w.since and r.run_at < w.until
    -- one read of doc_stats per run (not inlined into the three sums)
    offset 0
  ) s
$$;
