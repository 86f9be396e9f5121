/**
 * Which local results have reached which team store: `~/.gstack/sync-state.json`,
 * keyed by store URL, team and run id. `push` with no files sends what is missing.
 */
import { readJsonFile, writeJsonFile } from './files.ts';

interface SyncState {
  version: 1;
  synced: Record<string, string>;
}

export function syncedKey(url: string, team: string, runId: string): string {
  return `${url}|${team}|${runId}`;
}

export class SyncedRuns {
  constructor(readonly file: string) {}

  async load(): Promise<Set<string>> {
    const state = await readJsonFile<SyncState>(this.file);
    return new Set(Object.keys(state?.version === 1 ? state.synced : {}));
  }

  /** Records runs as synced; call under the queue lock (it serialises writers). */
  async markUnlocked(keys: string[]): Promise<void> {
    if (!keys.length) return;
    const state = (await readJsonFile<SyncState>(this.file)) ?? { version: 1, synced: {} };
    const now = new Date().toISOString();
    for (const key of keys) state.synced[key] = now;
    await writeJsonFile(this.file, state, 0o600);
  }
}
