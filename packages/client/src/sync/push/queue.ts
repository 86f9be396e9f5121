/**
 * The offline queue, `~/.gstack/sync-queue.jsonl`: pushes that could not reach
 * the team store wait here, one JSON line each, oldest first. Every change
 * happens under a lock file; appends are one write of one line, and rewrites
 * (after a drain) go through a temp file and a rename, so a crash never loses
 * a line. A line that does not parse is moved aside to
 * `sync-queue.corrupt.jsonl` with a message; an entry refused for good moves
 * to the dead-letter file with its reason. Nothing is dropped silently.
 */
import { randomUUID } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ACTIVITY_KIND_NAMES } from '@gstack/core';
import { z } from 'zod';
import { writeTextAtomic } from '../../files/json.ts';
import { withLock } from '../lock.ts';

export const queueEntrySchema = z.object({
  id: z.string(),
  /** What the payload is: an eval run, or an activity record (ship, qa, retro, greptile, transcript). */
  kind: z.enum(['eval_run', ...ACTIVITY_KIND_NAMES]),
  /** The store and team it was meant for. */
  url: z.string(),
  team: z.string(),
  /** A human label (the result file). */
  label: z.string(),
  /** Identity of the thing pushed (the run's run_id), to skip duplicates. */
  key: z.string(),
  payload: z.unknown(),
  queued_at: z.string(),
  attempts: z.int().min(0),
  last_error: z.string().nullable(),
  /** Not before this time (backoff between drains). */
  next_attempt_at: z.string(),
});
export type QueueEntry = z.infer<typeof queueEntrySchema>;

export interface DeadLetter extends QueueEntry {
  reason: string;
  dead_at: string;
}

export interface QueueFiles {
  queue: string;
  deadLetters: string;
}

export class SyncQueue {
  readonly lockFile: string;
  readonly corruptFile: string;

  constructor(
    readonly files: QueueFiles,
    private readonly log: (line: string) => void = () => {},
  ) {
    this.lockFile = `${files.queue}.lock`;
    this.corruptFile = files.queue.replace(/\.jsonl$/, '.corrupt.jsonl');
  }

  private async ensureDir(): Promise<void> {
    await mkdir(path.dirname(this.files.queue), { recursive: true, mode: 0o700 });
  }

  /** Runs `task` holding the queue lock. */
  locked<T>(task: () => Promise<T>): Promise<T> {
    return this.ensureDir().then(() => withLock(this.lockFile, task));
  }

  /** Reads all entries; corrupt lines are moved aside (with a message), never dropped. Call under the lock. */
  async readUnlocked(): Promise<QueueEntry[]> {
    const text = await readFile(this.files.queue, 'utf8').catch(() => '');
    const entries: QueueEntry[] = [];
    const corrupt: string[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        entries.push(queueEntrySchema.parse(JSON.parse(line)));
      } catch {
        corrupt.push(line);
      }
    }
    if (corrupt.length) {
      await appendFile(this.corruptFile, `${corrupt.join('\n')}\n`, { mode: 0o600 });
      await this.writeUnlocked(entries);
      this.log(`moved ${corrupt.length} unreadable queue line${corrupt.length === 1 ? '' : 's'} aside to ${this.corruptFile}`);
    }
    return entries;
  }

  /** Replaces the queue's contents atomically. Call under the lock. */
  async writeUnlocked(entries: QueueEntry[]): Promise<void> {
    await writeTextAtomic(this.files.queue, entries.map((e) => `${JSON.stringify(e)}\n`).join(''), { mode: 0o600 });
  }

  /** Appends items not queued yet; `not_before` (ISO time) holds an item back, as a push quota asks. */
  async enqueue(
    items: Array<Pick<QueueEntry, 'kind' | 'url' | 'team' | 'label' | 'key' | 'payload'> & { error: string; not_before?: string }>,
  ): Promise<void> {
    if (!items.length) return;
    await this.locked(async () => {
      const existing = new Set((await this.readUnlocked()).map((e) => `${e.url}|${e.team}|${e.key}`));
      const now = new Date().toISOString();
      const lines = items
        .filter((item) => !existing.has(`${item.url}|${item.team}|${item.key}`))
        .map(({ error, not_before, ...item }) =>
          JSON.stringify({
            id: randomUUID(),
            ...item,
            queued_at: now,
            attempts: 0,
            last_error: error,
            next_attempt_at: not_before ?? now,
          } satisfies QueueEntry),
        );
      if (lines.length) await appendFile(this.files.queue, `${lines.join('\n')}\n`, { mode: 0o600 });
    });
  }

  async entries(): Promise<QueueEntry[]> {
    return this.locked(() => this.readUnlocked());
  }

  async deadLetters(): Promise<DeadLetter[]> {
    const text = await readFile(this.files.deadLetters, 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter(Boolean)
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as DeadLetter];
        } catch {
          return [];
        }
      });
  }

  /** Moves entries to the dead-letter file with their reasons. Call under the lock. */
  async buryUnlocked(entries: Array<{ entry: QueueEntry; reason: string }>): Promise<void> {
    if (!entries.length) return;
    const now = new Date().toISOString();
    const lines = entries.map(({ entry, reason }) => JSON.stringify({ ...entry, reason, dead_at: now } satisfies DeadLetter));
    await appendFile(this.files.deadLetters, `${lines.join('\n')}\n`, { mode: 0o600 });
  }
}

/** Backoff between drains of an entry that keeps failing: 30 s doubling, at most 1 h. */
export function nextAttemptAt(attempts: number, now = Date.now()): string {
  return new Date(now + Math.min(3_600_000, 30_000 * 2 ** Math.max(0, attempts - 1))).toISOString();
}
