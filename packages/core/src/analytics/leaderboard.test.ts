import { describe, expect, it } from 'vitest';
import { dayStreak, rankLeaderboard } from './leaderboard.ts';

const now = new Date('2026-11-21T15:00:00Z');

describe('dayStreak', () => {
  it.each([
    [['2026-11-21T01:00:00Z', '2026-11-20T23:00:00Z', '2026-11-19T10:00:00Z'], 3],
    [['2026-11-20T10:00:00Z', '2026-11-19T10:00:00Z'], 2], // today not over yet
    [['2026-11-21T10:00:00Z', '2026-11-19T10:00:00Z'], 1],
    [['2026-11-18T10:00:00Z'], 0],
    [[], 0],
  ])('%j → %d', (days, streak) => {
    expect(dayStreak(days, now)).toBe(streak);
  });
});

describe('rankLeaderboard', () => {
  it('orders by activity, then pass rate, then name', () => {
    const e = (name: string, runs: number, ships: number, passRate: number | null) => ({
      name,
      runs,
      ships,
      passRate,
      costUsd: 0,
      sessions: 0,
      streak: 0,
    });
    const ranked = rankLeaderboard([e('cy', 2, 0, 50), e('al', 1, 1, 90), e('bo', 1, 1, 90), e('di', 5, 0, null), e('ed', 0, 0, null)]);
    expect(ranked.map((x) => x.name)).toEqual(['di', 'al', 'bo', 'cy', 'ed']);
  });
});
