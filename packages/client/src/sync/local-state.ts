/**
 * This machine's sync state files (sessions, offline queue, dead letters, what
 * was synced where) as objects, without loading the network client: `status`
 * reads them on every call and must start fast.
 */
import { type Env, statePaths } from '../state-dir.ts';
import { AuthStore } from './auth-store.ts';
import { SyncQueue } from './queue.ts';
import { SyncedRuns } from './synced.ts';

/** The saved sign-in sessions (`auth.json`). */
export function authStore(env: Env): AuthStore {
  return new AuthStore(statePaths(env).auth);
}

/** The state paths, the offline queue (notes go to stderr) and the record of synced runs. */
export function syncState(env: Env) {
  const paths = statePaths(env);
  const queue = new SyncQueue({ queue: paths.queue, deadLetters: paths.deadLetters }, (line) => process.stderr.write(`${line}\n`));
  return { paths, queue, synced: new SyncedRuns(paths.synced) };
}
