/** The shapes a push works with: what is pushed, what came of it, and the `{ data, error }` result every step returns. */
import type { RemoteError } from '../remote-error.ts';
import type { QueueEntry } from './queue.ts';

export type PushKind = QueueEntry['kind'];

export interface PushItem {
  kind: PushKind;
  /** What the user knows it by (the file, the session). */
  label: string;
  /** Identity of the thing pushed (a run's run_id, a session id, ...). */
  key: string;
  /** A RunPayload for eval runs; the record (zod-checked) for activity kinds. */
  payload: unknown;
}

/** What a push did with each item: sent, queued for later, refused by the store, or (queued ones) given up on. */
export interface PushOutcome {
  pushed: Array<{ label: string; created: boolean; from_queue: boolean }>;
  queued: Array<{ label: string; reason: string }>;
  refused: Array<{ label: string; reason: string }>;
  dead_lettered: Array<{ label: string; reason: string }>;
}

/** supabase-js style: either data or the reason there is none; never thrown. */
export type Result<T> = { data: T; error: null } | { data: null; error: RemoteError };

/** An empty outcome, filled in as a push goes. */
export function emptyOutcome(): PushOutcome {
  return { pushed: [], queued: [], refused: [], dead_lettered: [] };
}
