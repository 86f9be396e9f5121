/**
 * Typed access to the dashboard's SQL aggregates (supabase/migrations/*dashboard*.sql).
 * Every call goes through the request's client, so it runs with the user's JWT and RLS.
 * The jsonb answers are described here once; pages read these types.
 */
import type { Database, RunPruning } from '@gstack/core';
import type { Context } from 'hono';
import type { DashboardEnv } from './env.ts';
import { DashboardError } from './errors.ts';
import type { RecordedQuestion } from './ui/question.ts';

type Functions = Database['public']['Functions'];

/** Calls one RPC; a failure becomes a 502 page (and the message is not the user's fault). */
export async function rpc<Name extends keyof Functions>(
  c: Context<DashboardEnv>,
  name: Name,
  args: Functions[Name]['Args'],
): Promise<Functions[Name]['Returns']> {
  const { data, error } = await c.var.supabase.rpc(name, args as never);
  if (error) throw storeFailed(`Reading ${String(name)}`, error);
  return data as Functions[Name]['Returns'];
}

/**
 * A store failure as the visitor sees it: what failed, never the database's text (it can name
 * tables, columns and values); the operator gets the details in the server log.
 */
export function storeFailed(what: string, error: { message: string; code?: string }): DashboardError {
  console.error(`dashboard: ${what} failed`, error.code ?? '', error.message);
  return new DashboardError(502, `${what} failed. Try again; if it persists, the server log has the details.`);
}

/**
 * What retention removed from these runs (eval_runs.pruned_at / pruned_stats), by run id; a run
 * with all its raw data is absent. Read beside the run's RPC, which stays as it was.
 */
export async function prunedRuns(c: Context<DashboardEnv>, ids: string[]): Promise<Map<string, RunPruning>> {
  const { data, error } = await c.var.supabase
    .from('eval_runs')
    .select('id, pruned_at, pruned_stats')
    .eq('team_id', c.var.team.id)
    .in('id', ids)
    .not('pruned_stats', 'is', null);
  if (error) throw storeFailed("Reading the runs' retention", error);
  return new Map((data ?? []).map((r) => [r.id, { pruned_at: r.pruned_at, pruned_stats: r.pruned_stats as RunPruning['pruned_stats'] }]));
}

/**
 * Pages that read per-test outcomes (Tests, Problems) and the runs retention emptied among the
 * ones they read: the suite's last `runs` runs, or every run (of `repo`) of the last `days` days (counted
 * in the database through eval_runs_team_pruned_run_at_idx, never listed).
 */
export async function prunedAmong(
  c: Context<DashboardEnv>,
  scope: { repo: string; suite: string; runs: number } | { days: number; repo?: string },
): Promise<number> {
  const runs = c.var.supabase.from('eval_runs');
  if ('days' in scope) {
    let query = runs
      .select('id', { count: 'exact', head: true })
      .eq('team_id', c.var.team.id)
      .gte('run_at', new Date(Date.now() - scope.days * 86_400_000).toISOString())
      .not('pruned_stats', 'is', null);
    if (scope.repo) query = query.eq('repo_slug', scope.repo);
    const { count, error } = await query;
    if (error) throw storeFailed("Reading the runs' retention", error);
    return count ?? 0;
  }
  const { data, error } = await runs
    .select('pruned_stats')
    .eq('team_id', c.var.team.id)
    .eq('repo_slug', scope.repo)
    .eq('suite', scope.suite)
    .order('run_at', { ascending: false })
    .limit(scope.runs);
  if (error) throw storeFailed("Reading the runs' retention", error);
  return (data ?? []).filter((r) => r.pruned_stats !== null).length;
}

/** A run as lists show it (public.dashboard_run_row). */
export interface RunRow {
  id: string;
  run_key: string;
  repo_slug: string;
  suite: string;
  branch: string | null;
  git_sha: string | null;
  tier: string | null;
  label: string | null;
  hostname: string | null;
  run_at: string;
  total_tests: number;
  passed: number;
  failed: number;
  skipped: number;
  pass_rate: number | null;
  cost_usd: number;
  judge_cost_usd: number;
  duration_ms: number | null;
  tier_stats: Record<string, { tests?: number; passed?: number; cost_usd?: number }>;
  interrupted: boolean;
  cost_exact: boolean;
  user_id: string | null;
  token_id: string | null;
  who: string | null;
  /** The models that answered (cost lines other than the judge's), sorted. */
  models?: string[];
}

export interface RunsPage {
  total: number;
  rows: RunRow[];
}

export interface RunsFacets {
  repos: string[];
  suites: string[];
  branches: string[];
  people: Array<{ user_id: string; name: string | null }>;
}

export interface Attempt {
  attempt: number;
  model: string;
  tier: string | null;
  duration_ms: number | null;
  warm: boolean | null;
  verdict: 'accept' | 'escalate' | 'error';
  feedback: string | null;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  cost_usd: number;
  cost_exact: boolean;
}

/** An attempt as the pushed document records it (dashboard_test_doc). */
export interface DocAttempt {
  attempt: number;
  verdict: 'accept' | 'escalate' | 'error';
  self_certified: boolean;
  self_certify_rule: 'entry' | 'provider' | 'last_tier' | 'only_model' | null;
  assertions_passed: boolean | null;
  verifier: {
    model: string;
    cached: boolean;
    accept: boolean;
    cost_usd: number;
    audit?: boolean;
    error?: boolean;
    feedback?: string | null;
  } | null;
  /** A rejected attempt's answer (cut to the page's limit); null for the accepted one (the test's output). */
  answer: string | null;
  answer_length: number | null;
}

export interface TestDetail {
  test_name: string;
  trial: number;
  category: string | null;
  passed: boolean;
  skipped: boolean;
  score: number | null;
  duration_ms: number | null;
  cost_usd: number;
  resolved_tier: string | null;
  resolved_model: string | null;
  error: string | null;
  attempts: Attempt[];
  doc:
    | (RecordedQuestion & {
        trial: number;
        output: string | null;
        output_length: number | null;
        /** The document's record of each attempt: who decided it, the rejected answer. */
        attempts: DocAttempt[];
        judge: Array<{
          rubric: string;
          model: string;
          pass: boolean;
          score: number | null;
          reason: string | null;
          cached: boolean;
          cost_usd: number;
        }>;
        assertions: Array<{ type: string; passed: boolean; message: string | null }>;
      })
    | null;
}

export interface RunDetail {
  run: RunRow;
  prompt_sha: string | null;
  version: string | null;
  previous_run_id: string | null;
  costs: Array<{ model: string; purpose: 'system' | 'judge'; calls: number; cost_usd: number; exact: boolean }>;
  tests: TestDetail[];
}

export interface CompareSide {
  passed: boolean;
  skipped: boolean;
  cost_usd: number;
  duration_ms: number | null;
  resolved_tier: string | null;
  resolved_model: string | null;
  error: string | null;
  output: string | null;
  /** The whole output's length (output is cut to the page's limit). */
  output_length: number | null;
}

export interface Comparison {
  base: RunRow;
  head: RunRow;
  tests: Array<RecordedQuestion & { test_name: string; trial: number; base: CompareSide | null; head: CompareSide | null }>;
}

export interface Overview {
  runs_total: number;
  last_run_at: string | null;
  runs_this_week: number;
  runs_last_week: number;
  pass_rate_this_week: number | null;
  pass_rate_last_week: number | null;
  cost_this_week: number;
  cost_last_week: number;
  active_now: number;
}

/** A UUID from the URL, or a 404 (PostgREST would answer a malformed one with an error). */
export function uuidParam(value: string | undefined, what: string): string {
  if (!value || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) {
    throw new DashboardError(404, `${what} does not exist, or you are not a member of its team.`);
  }
  return value.toLowerCase();
}
