import { describe, expect, it } from 'vitest';
import { addDays, rangeLabel } from './period.ts';

describe('rangeLabel', () => {
  it('names a range as people write it: the year once, twice across years, one day alone', () => {
    expect(rangeLabel('2026-10-01', '2026-10-31')).toBe('1 Oct – 31 Oct 2026');
    expect(rangeLabel('2025-12-15', '2026-01-14')).toBe('15 Dec 2025 – 14 Jan 2026');
    expect(rangeLabel('2026-02-28', '2026-02-28')).toBe('28 Feb 2026');
  });
});

describe('addDays', () => {
  it('crosses months and leap days in UTC', () => {
    expect(addDays('2026-10-31', 1)).toBe('2026-11-01');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
  });
});
