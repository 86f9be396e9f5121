/** Streaks and the leaderboard order, shared by the CLI, the dashboard and the digest. */
import { passRatePercent } from '../eval-result.ts';

/**
 * Consecutive UTC days with activity, ending today or yesterday (a streak is
 * not broken before the day is over).
 */
export function dayStreak(activity: Array<string | Date>, now: Date = new Date()): number {
  const days = new Set(activity.map((d) => new Date(d).toISOString().slice(0, 10)));
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  if (!days.has(day.toISOString().slice(0, 10))) day.setUTCDate(day.getUTCDate() - 1);
  let streak = 0;
  while (days.has(day.toISOString().slice(0, 10))) {
    streak += 1;
    day.setUTCDate(day.getUTCDate() - 1);
  }
  return streak;
}

export interface LeaderboardEntry {
  /** The member; null for the CI row (runs pushed with team tokens); absent where not known (local files). */
  userId?: string | null;
  name: string;
  runs: number;
  passRate: number | null;
  costUsd: number;
  ships: number;
  sessions: number;
  streak: number;
}

/** The ranking rule in words, for pages and --help that show the order. */
export const LEADERBOARD_RULE = 'Ranked by activity (runs + ships), then pass rate, then name.';

/** Most activity (runs + ships) first; ties by pass rate, then name (LEADERBOARD_RULE). */
export function rankLeaderboard(entries: LeaderboardEntry[]): LeaderboardEntry[] {
  return [...entries].sort(
    (a, b) => b.runs + b.ships - (a.runs + a.ships) || (b.passRate ?? -1) - (a.passRate ?? -1) || a.name.localeCompare(b.name),
  );
}

/** One row of the leaderboard_runs RPC (bigint and numeric columns may arrive as strings). */
export interface LeaderboardRunsRow {
  user_id: string | null;
  /** The member's display name or email; "CI" for runs pushed with CI tokens. */
  name: string;
  runs: number | string;
  passed: number | string;
  ran: number | string;
  cost_usd: number | string;
  days: string[] | null;
  ships?: number | string | null;
  sessions?: number | string | null;
}

const count = (value: number | string | null | undefined): number => {
  const n = Number(value ?? 0);
  return Number.isFinite(n) ? n : 0;
};

/** A leaderboard_runs row as an entry: the pass rate over the tests that ran, the streak from its active days. */
export function leaderboardEntry(row: LeaderboardRunsRow, now: Date = new Date()): LeaderboardEntry {
  return {
    userId: row.user_id,
    name: row.name,
    runs: count(row.runs),
    passRate: passRatePercent(count(row.passed), count(row.ran)),
    costUsd: count(row.cost_usd),
    ships: count(row.ships),
    sessions: count(row.sessions),
    streak: dayStreak(row.days ?? [], now),
  };
}
