/**
 * The team store as an analytics source (`--team`): runs, per-test history
 * and the leaderboard come from the dashboard RPCs and small column lists,
 * never whole tables. When the store is unreachable the commands fall back to
 * local results and say so.
 */
import { type LeaderboardRunsRow, parseEvalResult, prunedNotice, type RunPruning, type StandardEvalResult } from '@gstack/core';
import type { RunRow } from '../results/summary.ts';
// The connection (and supabase-js with it) loads only when a command reads the team store.
import type { Connection } from '../sync/connection.ts';
import { RemoteError, remoteError } from '../sync/remote-error.ts';
import type { RunFilter } from './local.ts';

/** Documents from the team store whose tests retention removed, with the sentence that says so. */
const pruned = new WeakMap<StandardEvalResult, string>();

/** The retention notice of a team document (its all_results were removed), or null. */
export function teamPrunedNotice(doc: StandardEvalResult): string | null {
  return pruned.get(doc) ?? null;
}

export class TeamSource {
  constructor(readonly connection: Connection) {}

  static async open(): Promise<TeamSource> {
    const { connect } = await import('../sync/connection.ts');
    return new TeamSource(await connect({ cwd: process.cwd(), env: process.env, requireUser: true }));
  }

  /** The team's id (looked up once per connection, by connection.ts). */
  async teamId(): Promise<string> {
    return (await import('../sync/connection.ts')).teamId(this.connection);
  }

  async runs(filter: RunFilter, limit: number): Promise<RunRow[]> {
    let query = this.connection.client
      .from('eval_runs')
      .select(
        'run_key, run_at, repo_slug, suite, branch, tier, passed, total_tests, skipped, pass_rate, cost_usd, version, hostname, user_id, token_id, interrupted:result->interrupted',
      )
      .eq('team_id', await this.teamId());
    if (filter.suite) query = query.eq('suite', filter.suite);
    if (filter.branch) query = query.eq('branch', filter.branch);
    if (filter.tier) query = query.eq('tier', filter.tier);
    if (filter.repo) query = query.eq('repo_slug', filter.repo);
    if (filter.since) query = query.gte('run_at', filter.since);
    const { data, error, status } = await query.order('run_at', { ascending: false }).limit(limit);
    if (error) throw remoteError(error, status);
    const people = await this.people();
    return (data ?? []).map((r) => ({
      runKey: r.run_key,
      runAt: r.run_at,
      repoSlug: r.repo_slug,
      suite: r.suite,
      branch: r.branch,
      tier: r.tier,
      passed: r.passed,
      total: r.total_tests,
      skipped: r.skipped,
      passRate: r.pass_rate === null ? null : Number(r.pass_rate),
      costUsd: Number(r.cost_usd),
      version: r.version,
      who: r.hostname,
      person: r.user_id ? (people.get(r.user_id) ?? null) : r.token_id ? 'CI' : null,
      interrupted: r.interrupted === true,
    }));
  }

  /** user id → the name the team sees (display name, else the email's local part). */
  async people(): Promise<Map<string, string>> {
    const { data, error, status } = await this.connection.client
      .from('team_members')
      .select('user_id, email, display_name')
      .eq('team_id', await this.teamId());
    if (error) throw remoteError(error, status);
    return new Map((data ?? []).map((m) => [m.user_id, m.display_name || m.email?.split('@')[0] || '']));
  }

  /**
   * Full result documents, newest first. A run whose raw data retention removed comes back with
   * no tests (all_results: []) and teamPrunedNotice says so.
   */
  async documents(filter: RunFilter, limit: number): Promise<StandardEvalResult[]> {
    let query = this.connection.client
      .from('eval_runs')
      .select('result, pruned_at, pruned_stats')
      .eq('team_id', await this.teamId());
    if (filter.suite) query = query.eq('suite', filter.suite);
    if (filter.branch) query = query.eq('branch', filter.branch);
    if (filter.repo) query = query.eq('repo_slug', filter.repo);
    const { data, error, status } = await query.order('run_at', { ascending: false }).limit(limit);
    if (error) throw remoteError(error, status);
    return (data ?? []).flatMap((r) => {
      const notice = prunedNotice({ pruned_at: r.pruned_at, pruned_stats: r.pruned_stats as RunPruning['pruned_stats'] });
      const document = notice && r.result && typeof r.result === 'object' ? { ...r.result, all_results: [] } : r.result;
      const parsed = parseEvalResult(document);
      if (!parsed.ok) return [];
      if (notice) pruned.set(parsed.result, notice);
      return [parsed.result];
    });
  }

  /** Per-test outcomes (oldest first) over the suite's last `runs` runs. */
  async history(repoSlug: string, suite: string, runs: number): Promise<Map<string, boolean[]>> {
    const { data, error, status } = await this.connection.client.rpc('test_history', {
      p_team_id: await this.teamId(),
      p_repo_slug: repoSlug,
      p_suite: suite,
      p_runs: runs,
    });
    if (error) throw remoteError(error, status);
    return new Map((data ?? []).map((r) => [r.test_name, r.outcomes]));
  }

  /**
   * The dashboard's leaderboard RPC: per person (runs pushed with CI tokens as
   * one "CI" row) runs, passed and run tests, cost, ships, sessions and active days.
   */
  async leaderboard(days: number, repo?: string): Promise<LeaderboardRunsRow[]> {
    const { data, error, status } = await this.connection.client.rpc('leaderboard_runs', {
      p_team_id: await this.teamId(),
      p_days: days,
      ...(repo ? { p_repo_slug: repo } : {}),
    });
    if (error) throw remoteError(error, status);
    return data ?? [];
  }
}

/**
 * Runs `team` against the store, or `local` with a notice when the store is
 * unreachable. Refusals (not signed in, not a member) are errors: falling back
 * would quietly show the wrong data.
 */
export async function teamOrLocal<T>(
  team: (source: TeamSource) => Promise<T>,
  local: () => T,
  notice: (line: string) => void,
): Promise<{ value: T; from: 'team' | 'local' }> {
  try {
    return { value: await team(await TeamSource.open()), from: 'team' };
  } catch (error) {
    if (error instanceof RemoteError && error.kind === 'unreachable') {
      notice(`the team store is unreachable (${error.message}); showing local results`);
      return { value: local(), from: 'local' };
    }
    throw error;
  }
}
