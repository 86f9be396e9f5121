/**
 * Database webhooks: the payload Supabase's database webhooks (pg_net) POST to
 * a function, and the NOTIFY message the local stack turns into that POST when
 * pg_net is absent.
 */
import { z } from 'zod';

const row = z.record(z.string(), z.unknown());

/** What a function receives: `{type, table, schema, record, old_record}`. */
export const databaseWebhookPayloadSchema = z.object({
  type: z.enum(['INSERT', 'UPDATE', 'DELETE']),
  table: z.string().min(1),
  schema: z.string().min(1),
  record: row.nullable(),
  old_record: row.nullable(),
});
export type DatabaseWebhookPayload = z.infer<typeof databaseWebhookPayloadSchema>;

/** The NOTIFY channel the local stack listens on. */
export const LOCAL_WEBHOOK_CHANNEL = 'local_webhooks';

/**
 * The NOTIFY message. NOTIFY payloads are limited to 8000 bytes, so a trigger
 * may send `record_id` (the row's `id`) instead of the row; the dispatcher then
 * reads the row itself.
 */
export const localWebhookNotificationSchema = z
  .object({
    function: z.string().regex(/^[A-Za-z0-9_-]+$/, 'a function name (letters, digits, - and _)'),
    type: z.enum(['INSERT', 'UPDATE', 'DELETE']),
    table: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'an unquoted table name'),
    schema: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'an unquoted schema name'),
    record: row.nullable().optional(),
    record_id: z.union([z.string(), z.number()]).optional(),
    old_record: row.nullable().optional(),
  })
  .refine((n) => n.record !== undefined || n.record_id !== undefined || n.type === 'DELETE', {
    message: 'needs `record` or `record_id`',
  });
export type LocalWebhookNotification = z.infer<typeof localWebhookNotificationSchema>;
