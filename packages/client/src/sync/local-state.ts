/**
 * This machine's sync state files (sessions, offline queue, dead letters, what
 * was synced where) as objects, without loading the network client: `status`
 * reads them on every call and must start fast.
 */
import { type Env, statePaths } from '../state-dir.ts';
import { AuthStore } from './auth-store.ts';
import { SyncQueue } from './push/queue.ts';
import { SyncedRuns } from './synced.ts';

/** The saved sign-in sessions (`auth.json`). */
export function authStore(env: Env): AuthStore {
  return new AuthStore(statePaths(env).auth);
}

/** The state paths, the offline queue (its notes go to `log`) and the record of synced runs. */
export function syncState(env: Env, log: (line: string) => void = () => {}) {
  const paths = statePaths(env);
  return { paths, queue: new SyncQueue({ queue: paths.queue, deadLetters: paths.deadLetters }, log), synced: new SyncedRuns(paths.synced) };
}

export type SyncState = ReturnType<typeof syncState>;
