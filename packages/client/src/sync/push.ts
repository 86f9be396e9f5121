/**
 * Pushing eval runs: the queue first (oldest first), then the new runs, each in
 * one RPC call (a run is written whole or not at all; re-pushing is a no-op).
 * When the store is unreachable everything left goes to the queue and the push
 * still succeeds; a refusal (not a member, token revoked, payload rejected) is
 * reported to the caller, or, for a queued entry, moved to the dead letters.
 */
import { ACTIVITY_KINDS, type ActivityKind, redactDeep } from '@gstack/core';
import { type Connection, teamId } from './connection.ts';
import { nextAttemptAt, type QueueEntry, type SyncQueue } from './queue.ts';
import { RemoteError, remoteError } from './remote-error.ts';
import { type SyncedRuns, syncedKey } from './synced.ts';

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

export interface PushOutcome {
  pushed: Array<{ label: string; created: boolean; from_queue: boolean }>;
  queued: Array<{ label: string; reason: string }>;
  refused: Array<{ label: string; reason: string }>;
  dead_lettered: Array<{ label: string; reason: string }>;
}

/** Sends one item; throws RemoteError. */
export async function sendItem(
  connection: Connection,
  kind: PushKind,
  payload: unknown,
  resolveTeam: () => Promise<string>,
): Promise<{ created: boolean }> {
  if (kind !== 'eval_run') return sendActivity(connection, kind, payload as Record<string, unknown>, resolveTeam);
  const call =
    connection.mode === 'token'
      ? connection.client.rpc('ingest_eval_run', { p_token: connection.token, p_payload: payload })
      : connection.client.rpc('push_eval_run', { p_team_id: await resolveTeam(), p_payload: payload });
  let response: Awaited<typeof call>;
  try {
    response = await call;
  } catch (error) {
    throw remoteError(error as Error);
  }
  if (response.error) throw remoteError(response.error, response.status);
  return { created: Boolean((response.data as { created?: boolean } | null)?.created) };
}

async function sendActivity(
  connection: Connection,
  kind: ActivityKind,
  record: Record<string, unknown>,
  resolveTeam: () => Promise<string>,
): Promise<{ created: boolean }> {
  if (connection.mode !== 'user' || !connection.user)
    throw new RemoteError('refused', `pushing ${kind} records needs a signed-in person; the CI token only pushes eval runs`);
  const spec = ACTIVITY_KINDS[kind];
  let response: { data: unknown[] | null; error: { message: string; code?: string } | null; status: number };
  try {
    response = await connection.client
      .from(spec.table)
      .upsert(
        { ...redactDeep(record), team_id: await resolveTeam(), user_id: connection.user.id },
        { onConflict: spec.conflict, ignoreDuplicates: !spec.update },
      )
      .select('team_id');
  } catch (error) {
    throw error instanceof RemoteError ? error : remoteError(error as Error);
  }
  if (response.error) throw remoteError(response.error, response.status);
  return { created: (response.data?.length ?? 0) > 0 };
}

export class Pusher {
  private team?: Promise<string>;

  constructor(
    private readonly connection: Connection,
    private readonly queue: SyncQueue,
    private readonly synced: SyncedRuns,
  ) {}

  private resolveTeam = (): Promise<string> => {
    this.team ??= teamId(this.connection).catch((error: unknown) => {
      this.team = undefined;
      throw error;
    });
    return this.team;
  };

  /**
   * Sends queued entries for this store and team, oldest first. Stops at the
   * first unreachable error (the store is down); entries not yet due are
   * skipped unless `force`. Entries appended meanwhile by other processes stay.
   */
  async drain(outcome: PushOutcome, force: boolean): Promise<{ reachable: boolean }> {
    const { connection } = this;
    // Sending happens outside the lock (a slow store must not hold up other pushes);
    // that is safe because sending an entry twice is a no-op on the store.
    const now = Date.now();
    const due = (await this.queue.locked(() => this.queue.readUnlocked())).filter(
      (e) => e.url === connection.url && e.team === connection.team && (force || Date.parse(e.next_attempt_at) <= now),
    );
    const sent = new Set<string>();
    const dead = new Map<string, string>();
    let failure: { id: string; message: string } | undefined;
    for (const entry of due) {
      try {
        const { created } = await sendItem(connection, entry.kind, entry.payload, this.resolveTeam);
        outcome.pushed.push({ label: entry.label, created, from_queue: true });
        sent.add(entry.id);
      } catch (error) {
        const remote = error instanceof RemoteError ? error : remoteError(error as Error);
        if (remote.kind === 'unreachable') {
          failure = { id: entry.id, message: remote.message };
          break; // the store is down: the rest waits for the next drain
        }
        dead.set(entry.id, remote.message);
        outcome.dead_lettered.push({ label: entry.label, reason: remote.message });
      }
    }
    await this.queue.locked(async () => {
      const current = await this.queue.readUnlocked();
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
            next_attempt_at: nextAttemptAt(entry.attempts + 1),
          });
        } else keep.push(entry);
      }
      await this.queue.buryUnlocked(buried);
      await this.queue.writeUnlocked(keep);
      await this.synced.markUnlocked(synced);
    });
    return { reachable: !failure };
  }

  /** Drains the queue, then pushes `items`; whatever cannot reach the store is queued. */
  async push(items: PushItem[], options: { drain?: boolean; force?: boolean } = {}): Promise<PushOutcome> {
    const outcome: PushOutcome = { pushed: [], queued: [], refused: [], dead_lettered: [] };
    let reachable = true;
    if (options.drain !== false) ({ reachable } = await this.drain(outcome, options.force ?? false));
    const toQueue: Array<PushItem & { error: string }> = [];
    const synced: string[] = [];
    for (const item of items) {
      if (!reachable) {
        toQueue.push({ ...item, error: 'the team store was unreachable' });
        continue;
      }
      try {
        const { created } = await sendItem(this.connection, item.kind, item.payload, this.resolveTeam);
        outcome.pushed.push({ label: item.label, created, from_queue: false });
        synced.push(syncedKey(this.connection.url, this.connection.team, item.key));
      } catch (error) {
        const remote = error instanceof RemoteError ? error : remoteError(error as Error);
        if (remote.kind === 'unreachable') {
          reachable = false;
          toQueue.push({ ...item, error: remote.message });
        } else outcome.refused.push({ label: item.label, reason: remote.message });
      }
    }
    await this.queueItems(toQueue, outcome);
    if (synced.length) await this.queue.locked(() => this.synced.markUnlocked(synced));
    return outcome;
  }

  /** Queues items without trying to send them (the store is known to be unreachable). */
  async queueItems(items: Array<PushItem & { error: string }>, outcome: PushOutcome): Promise<void> {
    await this.queue.enqueue(
      items.map((item) => ({
        kind: item.kind,
        url: this.connection.url,
        team: this.connection.team,
        label: item.label,
        key: item.key,
        payload: item.payload,
        error: item.error,
      })),
    );
    for (const item of items) outcome.queued.push({ label: item.label, reason: item.error });
  }
}
