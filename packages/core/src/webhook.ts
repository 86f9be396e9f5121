/**
 * Database webhooks: the payload Supabase's database webhooks (pg_net) POST to
 * a function. The eval_runs trigger sends this shape through `net.http_post`.
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
