import { describe, expect, it } from 'vitest';
import { compareTiers, ladderSavings } from './ladder.ts';

describe('ladderSavings', () => {
  it('prices every test on each tier and saves against the top one (hand-computed)', () => {
    // 4 tests; t1 tried all 4 for $0.004 in all; one escalated to t2 for $0.02.
    // Actual $0.024. Everything on t1: 4 × 0.001 = $0.004; on t2: 4 × 0.02 = $0.08.
    // Saved: 0.08 − 0.024 = $0.056, 70 % of $0.08.
    const s = ladderSavings(4, [
      { tier: 't2', attempts: 1, costUsd: 0.02 },
      { tier: 't1', attempts: 4, costUsd: 0.004 },
    ]);
    expect(s.actualUsd).toBe(0.024);
    expect(s.everythingOn).toEqual([
      { tier: 't1', costPerAttempt: 0.001, costUsd: 0.004 },
      { tier: 't2', costPerAttempt: 0.02, costUsd: 0.08 },
    ]);
    expect(s.topTier).toBe('t2');
    expect(s.savedUsd).toBe(0.056);
    expect(s.savedPercent).toBe(70);
  });

  it('cannot tell savings without tests or attempts', () => {
    expect(ladderSavings(0, []).savedUsd).toBeNull();
    expect(ladderSavings(3, [{ tier: 't1', attempts: 0, costUsd: 0 }]).savedUsd).toBeNull();
  });

  it('orders t10 after t9', () => {
    expect(['t10', 't2', 't9', 'x'].sort(compareTiers)).toEqual(['t2', 't9', 't10', 'x']);
  });
});
