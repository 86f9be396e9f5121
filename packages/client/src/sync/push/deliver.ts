/**
 * How a push is queued and retried: the queue first (oldest first, with
 * backoff), then the new items. When the store is unreachable everything left
 * goes to the queue; a refusal is reported for a new item, and moves a queued
 * entry to the dead letters. Every send returns `{ data, error }`; nothing here throws for the store.
 */
import type { Connection } from '../connection.ts';
import type { SyncedRuns } from '../synced.ts';
import { syncedKey } from '../synced.ts';
import { nextAttemptAt, type QueueEntry, type SyncQueue } from './queue.ts';
import { sendItem } from './send.ts';
import type { PushItem, PushOutcome } from './types.ts';

/** Where a push keeps its state: the offline queue and the record of what reached which store. */
export interface PushState {
  queue: SyncQueue;
  synced: SyncedRuns;
}

/**
 * Sends queued entries for this store and team, oldest first. Stops at the
 * first unreachable error (the store is down); entries not yet due are
 * skipped unless `force`. Entries appended meanwhile by other processes stay.
 */
export async function drain(
  connection: Connection,
  state: PushState,
  outcome: PushOutcome,
  force: boolean,
): Promise<{ reachable: boolean; reason?: string; retryAfterSeconds?: number }> {
  const { queue } = state;
  // Sending happens outside the lock (a slow store must not hold up other pushes);
  // that is safe because sending an entry twice is a no-op on the store.
  const now = Date.now();
  const due = (await queue.locked(() => queue.readUnlocked())).filter(
    (e) => e.url === connection.url && e.team === connection.team && (force || Date.parse(e.next_attempt_at) <= now),
  );
  const sent = new Set<string>();
  const dead = new Map<string, string>();
  let failure: { id: string; message: string; retryAfterSeconds?: number } | undefined;
  for (const entry of due) {
    const { data, error } = await sendItem(connection, entry);
    if (data) {
      outcome.pushed.push({ label: entry.label, created: data.created, from_queue: true });
      sent.add(entry.id);
    } else if (error.kind === 'unreachable') {
      failure = { id: entry.id, message: error.message, retryAfterSeconds: error.retryAfterSeconds };
      break; // the store is down (or asks to wait): the rest waits for the next drain
    } else {
      dead.set(entry.id, error.message);
      outcome.dead_lettered.push({ label: entry.label, reason: error.message });
    }
  }
  await queue.locked(async () => {
    const current = await queue.readUnlocked();
    const keep: QueueEntry[] = [];
    const buried: Array<{ entry: QueueEntry; reason: string }> = [];
    const synced: string[] = [];
    for (const entry of current) {
      if (sent.has(entry.id)) synced.push(syncedKey(entry.url, entry.team, entry.key));
      else if (dead.has(entry.id)) buried.push({ entry, reason: dead.get(entry.id) ?? '' });
      else if (failure?.id === entry.id) {
        keep.push({
          ...entry,
          attempts: entry.attempts + 1,
          last_error: failure.message,
          next_attempt_at: failure.retryAfterSeconds
            ? new Date(Date.now() + failure.retryAfterSeconds * 1000).toISOString()
            : nextAttemptAt(entry.attempts + 1),
        });
      } else keep.push(entry);
    }
    await queue.buryUnlocked(buried);
    await queue.writeUnlocked(keep);
    await state.synced.markUnlocked(synced);
  });
  return failure ? { reachable: false, reason: failure.message, retryAfterSeconds: failure.retryAfterSeconds } : { reachable: true };
}

/** Drains the queue (unless `drain: false`), then sends `items`; whatever cannot reach the store is queued. */
export async function deliver(
  connection: Connection,
  state: PushState,
  items: PushItem[],
  options: { drain?: boolean; force?: boolean } = {},
  outcome: PushOutcome,
): Promise<void> {
  let reachable = true;
  let notBefore: string | undefined;
  let reason = 'the team store was unreachable';
  if (options.drain !== false) {
    const drained = await drain(connection, state, outcome, options.force ?? false);
    reachable = drained.reachable;
    // A queued run hit the push quota: the new ones wait as long (and say why).
    if (drained.retryAfterSeconds) {
      notBefore = new Date(Date.now() + drained.retryAfterSeconds * 1000).toISOString();
      reason = drained.reason ?? reason;
    }
  }
  const toQueue: Array<PushItem & { error: string; not_before?: string }> = [];
  const synced: string[] = [];
  for (const item of items) {
    if (!reachable) {
      toQueue.push({ ...item, error: reason, not_before: notBefore });
      continue;
    }
    const { data, error } = await sendItem(connection, item);
    if (data) {
      outcome.pushed.push({ label: item.label, created: data.created, from_queue: false });
      synced.push(syncedKey(connection.url, connection.team, item.key));
    } else if (error.kind === 'unreachable') {
      reachable = false;
      if (error.retryAfterSeconds) {
        notBefore = new Date(Date.now() + error.retryAfterSeconds * 1000).toISOString();
        reason = error.message;
      }
      toQueue.push({ ...item, error: error.message, not_before: notBefore });
    } else outcome.refused.push({ label: item.label, reason: error.message });
  }
  await enqueue(state.queue, { url: connection.url, team: connection.team }, toQueue, outcome);
  if (synced.length) await state.queue.locked(() => state.synced.markUnlocked(synced));
}

/** Queues items without trying to send them (the store is known to be unreachable). */
export async function enqueue(
  queue: SyncQueue,
  target: { url: string; team: string },
  items: Array<PushItem & { error: string; not_before?: string }>,
  outcome: PushOutcome,
): Promise<void> {
  await queue.enqueue(
    items.map((item) => ({
      kind: item.kind,
      url: target.url,
      team: target.team,
      label: item.label,
      key: item.key,
      payload: item.payload,
      error: item.error,
      not_before: item.not_before,
    })),
  );
  for (const item of items) outcome.queued.push({ label: item.label, reason: item.error });
}
