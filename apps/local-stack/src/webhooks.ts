/**
 * Database webhooks without pg_net: triggers `pg_notify` on the
 * `local_webhooks` channel, and this dispatcher POSTs the same payload a
 * Supabase database webhook sends (`{type, table, schema, record,
 * old_record}`) to `/functions/v1/<function>` through the gateway, with the
 * service-role JWT as bearer. A network error or 5xx is retried twice.
 * Deliveries run at most `concurrency` at a time (a bulk insert of 50,000
 * runs queues 50,000 notifications: they wait in order instead of opening
 * 50,000 requests at once, so the gateway keeps serving everyone else).
 * Notifications that arrive while the stack is down are not replayed here:
 * regression-alert's 5-minute sweep picks up runs that have no delivery.
 */
import {
  type DatabaseWebhookPayload,
  LOCAL_WEBHOOK_CHANNEL,
  type LocalWebhookNotification,
  localWebhookNotificationSchema,
} from '@gstack/core';
import pg from 'pg';

export interface WebhookOptions {
  dbUrl: string;
  apiUrl: string;
  serviceRoleKey: string;
  log: (line: string) => void;
  /** Deliveries in flight at most (default 8). */
  concurrency?: number;
}

/** Runs queued tasks in arrival order, at most `limit` at a time. */
export class BoundedQueue {
  private readonly waiting: Array<() => Promise<void>> = [];
  private active = 0;
  private drained: Array<() => void> = [];
  /** The most tasks that ran at once (for tests and diagnostics). */
  peak = 0;

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.waiting.length + this.active;
  }

  push(task: () => Promise<void>): void {
    this.waiting.push(task);
    this.pump();
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  private pump(): void {
    while (this.active < this.limit && this.waiting.length) {
      const task = this.waiting.shift() as () => Promise<void>;
      this.active += 1;
      this.peak = Math.max(this.peak, this.active);
      void task()
        .catch(() => {})
        .finally(() => {
          this.active -= 1;
          this.pump();
          if (this.size === 0) for (const resolve of this.drained.splice(0)) resolve();
        });
    }
  }
}

export interface WebhookDispatcher {
  /** Resolves when every queued delivery has finished. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookDispatcher(options: WebhookOptions): Promise<WebhookDispatcher> {
  const listener = new pg.Client({ connectionString: options.dbUrl });
  const reader = new pg.Pool({ connectionString: options.dbUrl, max: 2 });
  const queue = new BoundedQueue(options.concurrency ?? 8);
  let closing = false;
  listener.on('error', (error) => {
    if (!closing) options.log(`[webhooks] listener error: ${error.message}`);
  });
  await listener.connect();
  await listener.query(`listen ${LOCAL_WEBHOOK_CHANNEL}`);

  async function toPayload(n: LocalWebhookNotification): Promise<DatabaseWebhookPayload | undefined> {
    let record = n.record ?? null;
    if (record === null && n.record_id !== undefined && n.type !== 'DELETE') {
      const { rows } = await reader.query<{ row: Record<string, unknown> }>(
        `select to_jsonb(t) as row from ${pg.escapeIdentifier(n.schema)}.${pg.escapeIdentifier(n.table)} t where t.id::text = $1`,
        [String(n.record_id)],
      );
      record = rows[0]?.row ?? null;
      if (!record) return undefined;
    }
    return { type: n.type, table: n.table, schema: n.schema, record, old_record: n.old_record ?? null };
  }

  async function deliver(raw: string): Promise<void> {
    let notification: LocalWebhookNotification;
    try {
      notification = localWebhookNotificationSchema.parse(JSON.parse(raw));
    } catch (error) {
      options.log(`[webhooks] ignored a malformed notification: ${(error as Error).message.slice(0, 200)}`);
      return;
    }
    const payload = await toPayload(notification);
    if (!payload) {
      options.log(`[webhooks] ${notification.schema}.${notification.table} row ${notification.record_id} is gone; nothing sent`);
      return;
    }
    const url = `${options.apiUrl}/functions/v1/${notification.function}`;
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${options.serviceRoleKey}` },
          body: JSON.stringify(payload),
          signal: AbortSignal.timeout(30_000),
        });
        await res.arrayBuffer();
        if (res.status < 500) {
          if (!res.ok) options.log(`[webhooks] ${notification.function} answered ${res.status} to ${payload.type} on ${payload.table}`);
          return;
        }
        options.log(`[webhooks] ${notification.function} answered ${res.status} (attempt ${attempt} of 3)`);
      } catch (error) {
        options.log(`[webhooks] POST to ${notification.function} failed: ${(error as Error).message} (attempt ${attempt} of 3)`);
      }
      if (attempt < 3) await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
    }
  }

  listener.on('notification', (message) => {
    if (message.channel !== LOCAL_WEBHOOK_CHANNEL || closing) return;
    const raw = message.payload ?? '';
    queue.push(() => deliver(raw).catch((error: Error) => options.log(`[webhooks] ${error.message}`)));
  });

  return {
    idle: () => queue.idle(),
    async close() {
      closing = true;
      await queue.idle();
      await listener.end().catch(() => {});
      await reader.end().catch(() => {});
    },
  };
}
