/**
 * Which local results have reached which team store: `~/.gstack/sync-state.json`,
 * keyed by store URL, team and run id. `push` with no files sends what is missing.
 */
import { z } from 'zod';
import { PRIVATE_FILE, readJson, writeJsonAtomic } from '../files/json.ts';

const syncStateSchema = z.object({ version: z.literal(1), synced: z.record(z.string(), z.string()) });
type SyncState = z.infer<typeof syncStateSchema>;

export function syncedKey(url: string, team: string, runId: string): string {
  return `${url}|${team}|${runId}`;
}

export class SyncedRuns {
  constructor(readonly file: string) {}

  async load(): Promise<Set<string>> {
    const state = await readJson(this.file, syncStateSchema);
    return new Set(Object.keys(state?.synced ?? {}));
  }

  /** Records runs as synced; call under the queue lock (it serialises writers). */
  async markUnlocked(keys: string[]): Promise<void> {
    if (!keys.length) return;
    const state: SyncState = (await readJson(this.file, syncStateSchema)) ?? { version: 1, synced: {} };
    const now = new Date().toISOString();
    for (const key of keys) state.synced[key] = now;
    await writeJsonAtomic(this.file, state, PRIVATE_FILE);
  }
}
