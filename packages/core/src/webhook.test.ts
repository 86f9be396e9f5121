import { describe, expect, it } from 'vitest';
import { databaseWebhookPayloadSchema, localWebhookNotificationSchema } from './webhook.ts';

describe('local webhook notifications', () => {
  it('accepts a row inline or by id', () => {
    expect(
      localWebhookNotificationSchema.safeParse({
        function: 'regression-alert',
        type: 'INSERT',
        table: 'eval_runs',
        schema: 'public',
        record_id: 'abc',
      }).success,
    ).toBe(true);
    expect(
      localWebhookNotificationSchema.safeParse({ function: 'f', type: 'UPDATE', table: 't', schema: 'public', record: { id: 1 } }).success,
    ).toBe(true);
  });

  it('refuses names that could inject SQL or paths, and rows with neither record nor id', () => {
    const base = { function: 'f', type: 'INSERT', table: 't', schema: 'public', record_id: 1 };
    expect(localWebhookNotificationSchema.safeParse({ ...base, table: 't; drop table x' }).success).toBe(false);
    expect(localWebhookNotificationSchema.safeParse({ ...base, schema: 'Public"' }).success).toBe(false);
    expect(localWebhookNotificationSchema.safeParse({ ...base, function: '../admin' }).success).toBe(false);
    const { record_id: _, ...noRow } = base;
    expect(localWebhookNotificationSchema.safeParse(noRow).success).toBe(false);
  });
});

describe('database webhook payload', () => {
  it('matches the shape Supabase sends', () => {
    const payload = { type: 'INSERT', table: 'eval_runs', schema: 'public', record: { id: 'r1' }, old_record: null };
    expect(databaseWebhookPayloadSchema.parse(payload)).toEqual(payload);
    expect(databaseWebhookPayloadSchema.safeParse({ ...payload, type: 'UPSERT' }).success).toBe(false);
  });
});
