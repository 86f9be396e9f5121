import { describe, expect, it } from 'vitest';
import { ACTIVITY_DATA_CHARS, ACTIVITY_KINDS } from './activity.ts';

describe('activity records', () => {
  it("refuses a record whose data would not fit the gateway's limit, naming the field", () => {
    const base = { repo_slug: 'acme', period_end: '2026-12-01' };
    expect(ACTIVITY_KINDS.retro.schema.safeParse({ ...base, data: { notes: 'short' } }).success).toBe(true);
    const big = ACTIVITY_KINDS.retro.schema.safeParse({ ...base, data: { notes: 'x'.repeat(ACTIVITY_DATA_CHARS) } });
    expect(big.success).toBe(false);
    expect(big.error?.issues[0]).toMatchObject({ path: ['data'], message: 'at most 256 KB of JSON' });
  });
});
