/**
 * The team-shared judge cache: on a local miss, a verdict a teammate already
 * paid for (same key: same judge, rubric, grader version, input, sources) is
 * reused; new verdicts are shared. Best effort by design: the first failure
 * to reach the store turns it off for the rest of the run, and it never
 * fails an eval.
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
    if (this.disabled) return undefined;
    try {
      const { data, error } = await this.store.client
        .from('judge_cache')
        .select('judge_model, grader_version, verdict, cost_usd')
        .eq('team_id', await this.teamId())
        .eq('cache_key', key)
        .retry(false)
        .maybeSingle();
      if (error) throw error;
      if (!data || data.grader_version !== GRADER_VERSION) return undefined;
      this.reused += 1;
      return { judge_model: data.judge_model as string, verdict: data.verdict as Record<string, unknown>, cost_usd: Number(data.cost_usd) };
    } catch {
      this.disabled = true;
      return undefined;
    }
  }

  put(key: string, verdict: SharedVerdict): void {
    if (this.disabled) return;
    const upload = (async () => {
      try {
        const { error } = await this.store.client.from('judge_cache').upsert(
          {
            team_id: await this.teamId(),
            cache_key: key,
            judge_model: verdict.judge_model,
            grader_version: GRADER_VERSION,
            verdict: verdict.verdict as NonNullable<Json>,
            cost_usd: verdict.cost_usd,
            created_by: this.store.userId,
          },
          { onConflict: 'team_id,cache_key', ignoreDuplicates: true },
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
