/**
 * The team-shared judge cache: on a local miss, a verdict already paid for
 * (same key: same judge, rubric, grader version, input, sources) is reused, but
 * only from a writer the reader trusts: themselves (another machine), the
 * team's CI tokens, or any member when the team allows it
 * (team_settings.judge_cache_trust_members); the store decides, in
 * judge_verdict(). New verdicts are shared under the writer's name: a member's
 * as themselves, a CI run's through its token (ingest_judge_verdict; a token
 * reads nothing, so CI only writes). Best effort by design: the first failure
 * to reach the store turns it off for the rest of the run, and it never fails
 * an eval.
 */
import type { Database, Json } from '@gstack/core';
import type { SupabaseClient } from '@supabase/supabase-js';
import { GRADER_VERSION, type RemoteVerdicts, type SharedVerdict } from './cache.ts';

/**
 * The team store as the shared cache needs it. sync/judge-sharing.ts builds it from a sync
 * connection, so the judge does not depend on sync (nor, through it, on the runner).
 */
export interface TeamStore {
  client: SupabaseClient<Database>;
  /** The signed-in user (created_by of shared verdicts). */
  userId?: string;
  /** A CI ingest token instead of a user: verdicts are shared as the token's, none are read. */
  token?: string;
  /** Looks the team's id up (called once per run). */
  teamId(): Promise<string>;
}

export class TeamVerdicts implements RemoteVerdicts {
  private disabled = false;
  private team?: Promise<string>;
  private readonly pending = new Set<Promise<void>>();
  shared = 0;
  reused = 0;

  constructor(private readonly store: TeamStore) {}

  private teamId(): Promise<string> {
    this.team ??= this.store.teamId();
    return this.team;
  }

  async get(key: string): Promise<SharedVerdict | undefined> {
    if (this.disabled || this.store.token) return undefined;
    try {
      const { data, error } = await this.store.client
        .rpc('judge_verdict', { p_team_id: await this.teamId(), p_cache_key: key, p_grader_version: GRADER_VERSION })
        .retry(false);
      if (error) throw error;
      const found = data as { judge_model: string; verdict: Record<string, unknown>; cost_usd: number } | null;
      if (!found) return undefined;
      this.reused += 1;
      return { judge_model: found.judge_model, verdict: found.verdict, cost_usd: Number(found.cost_usd) };
    } catch {
      this.disabled = true;
      return undefined;
    }
  }

  put(key: string, verdict: SharedVerdict): void {
    if (this.disabled) return;
    const upload = (async () => {
      try {
        const { token } = this.store;
        const { error } = token
          ? await this.store.client.rpc('ingest_judge_verdict', {
              p_token: token,
              p_cache_key: key,
              p_judge_model: verdict.judge_model,
              p_grader_version: GRADER_VERSION,
              p_verdict: verdict.verdict as NonNullable<Json>,
              p_cost_usd: verdict.cost_usd,
            })
          : await this.store.client.from('judge_cache').upsert(
              {
                team_id: await this.teamId(),
                cache_key: key,
                judge_model: verdict.judge_model,
                grader_version: GRADER_VERSION,
                verdict: verdict.verdict as NonNullable<Json>,
                cost_usd: verdict.cost_usd,
                created_by: this.store.userId,
              },
              // One verdict per key and writer: a member's own earlier verdict for this key stays.
              { onConflict: 'team_id,cache_key,writer', ignoreDuplicates: true },
            );
        if (error) throw error;
        this.shared += 1;
      } catch {
        this.disabled = true;
      }
    })();
    this.pending.add(upload);
    void upload.finally(() => this.pending.delete(upload));
  }

  /** Waits for uploads still in flight. */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}
