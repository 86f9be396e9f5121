import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit.ts';

describe('RateLimiter', () => {
  it('allows the limit per key and window, then says how long to wait', () => {
    let now = 1_000_000;
    const limiter = new RateLimiter(2, 60_000, () => now);
    expect(limiter.hit('1.2.3.4')).toBe(0);
    expect(limiter.hit('1.2.3.4')).toBe(0);
    now += 15_000;
    expect(limiter.hit('1.2.3.4')).toBe(45);
    // Another key has its own budget.
    expect(limiter.hit('5.6.7.8')).toBe(0);
    // A new window starts afresh.
    now += 45_000;
    expect(limiter.hit('1.2.3.4')).toBe(0);
  });
});
