import { describe, expect, it } from 'vitest';
import { dayStreak, leaderboardEntry, rankLeaderboard } from './leaderboard.ts';

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

describe('leaderboardEntry', () => {
  it('reads a leaderboard_runs row (numbers as strings): pass rate over tests that ran, streak from its days', () => {
    const now = new Date('2026-11-21T12:00:00Z');
    const row = { user_id: null, name: 'CI', runs: '2', passed: '6', ran: '7', cost_usd: '0.067', days: ['2026-11-21', '2026-11-20'] };
    expect(leaderboardEntry(row, now)).toEqual({
      userId: null,
      name: 'CI',
      runs: 2,
      passRate: 85.71,
      costUsd: 0.067,
      ships: 0,
      sessions: 0,
      streak: 2,
    });
    expect(leaderboardEntry({ ...row, ran: 0, passed: 0, ships: '3', sessions: 1, days: null }, now)).toMatchObject({
      passRate: null,
      ships: 3,
      sessions: 1,
      streak: 0,
    });
  });
});
