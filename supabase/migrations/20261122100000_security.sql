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
