/** Streaks and the leaderboard order, shared by the CLI, the dashboard and the digest. */

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
  name: string;
  runs: number;
  passRate: number | null;
  costUsd: number;
  ships: number;
  sessions: number;
  streak: number;
}

/** Most activity (runs + ships) first; ties by pass rate, then name. */
export function rankLeaderboard(entries: LeaderboardEntry[]): LeaderboardEntry[] {
  return [...entries].sort(
    (a, b) => b.runs + b.ships - (a.runs + a.ships) || (b.passRate ?? -1) - (a.passRate ?? -1) || a.name.localeCompare(b.name),
  );
}
