-- Two indexes no reader uses (issue 26).
--
-- eval_results (team_id) and eval_attempts (team_id) served the cascade of the team foreign keys
-- that 20261207110000_push_throughput.sql dropped (the (run_id, team_id) key to the run checks the
-- team, and a team's deletion reaches results and attempts through its runs). Every read of
-- results and attempts goes by run (their primary keys start with run_id): the dashboard's RPCs,
-- the CLI, the alert and digest functions, retention's pruner. The large benchmark's reads and
-- pushes never scanned them (pg_stat_user_indexes after a reset), and they cost 14.5 bytes per
-- result (about 700 MB at 50,000,000 results) and an index insert per result and per attempt on
-- every push. A member's REST read of results or attempts by team alone, with no run, now scans;
-- the API's readers go by run (docs/data-model.md).
drop index public.eval_results_team_id_idx;
drop index public.eval_attempts_team_id_idx;
