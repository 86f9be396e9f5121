import { describe, expect, it } from 'vitest';
import { databaseWebhookPayloadSchema } from './webhook.ts';

describe('database webhook payload', () => {
  it('matches the shape Supabase sends', () => {
    const payload = { type: 'INSERT', table: 'eval_runs', schema: 'public', record: { id: 'r1' }, old_record: null };
    expect(databaseWebhookPayloadSchema.parse(payload)).toEqual(payload);
    expect(databaseWebhookPayloadSchema.safeParse({ ...payload, type: 'UPSERT' }).success).toBe(false);
  });
});
