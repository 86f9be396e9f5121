import { describe, expect, it } from 'vitest';
import { describeRetention, prunedNotice } from './retention.ts';

describe('retention', () => {
  it('reads a retention as days or forever', () => {
    expect(describeRetention(null)).toBe('forever (raw results are never removed)');
    expect(describeRetention(90)).toBe('90 days');
  });

  it('says when and under which retention a run lost its raw data, and nothing for a whole run', () => {
    expect(prunedNotice({ pruned_at: '2026-12-07T10:17:03.5+00:00', pruned_stats: { retention_days: 30 } })).toBe(
      "Results, attempts and outputs of this run were removed on 2026-12-07 under the team's retention of 30 days; its totals and costs are kept.",
    );
    expect(prunedNotice({ pruned_at: null, pruned_stats: { retention_days: 7 } })).toBe(
      "Results, attempts and outputs of this run are being removed under the team's retention of 7 days; its totals and costs are kept.",
    );
    expect(prunedNotice({ pruned_at: '2026-12-07T00:00:00Z', pruned_stats: {} })).toBe(
      "Results, attempts and outputs of this run were removed on 2026-12-07 under the team's retention; its totals and costs are kept.",
    );
    expect(prunedNotice({ pruned_at: null, pruned_stats: null })).toBeNull();
    expect(prunedNotice(null)).toBeNull();
  });
});
