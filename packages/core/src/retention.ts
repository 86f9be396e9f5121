/**
 * Retention (docs/retention.md): how many days a team's runs keep their per-test results,
 * attempts and outputs, and the one sentence every view of a pruned run shows (dashboard run
 * page and compare, `gstack eval compare --team`, `gstack ci report`).
 */
import { z } from 'zod';

/** Retention bounds (the migration's check): a team keeps raw results at least two weeks (the Monday digest reads the whole previous week), at most ten years. */
export const RETENTION_DAYS = { min: 14, max: 3650 } as const;

/**
 * Days a run keeps its results, attempts and outputs: a whole number from 14 to 3650, or
 * `forever` (null: keep everything, the default). docs/retention.md says what is kept.
 */
export const retentionDaysSchema = z
  .string({ error: `must be a whole number of days or forever` })
  .trim()
  .toLowerCase()
  .regex(/^(forever|\d{1,5})$/, { error: 'must be a whole number of days or forever' })
  .transform((v) => (v === 'forever' ? null : Number(v)))
  .pipe(
    z
      .number()
      .min(RETENTION_DAYS.min, { error: `must be at least ${RETENTION_DAYS.min} days` })
      .max(RETENTION_DAYS.max, { error: `must be at most ${RETENTION_DAYS.max} days` })
      .nullable(),
  );

/** How a retention reads in the CLI and on the dashboard. */
export function describeRetention(days: number | null): string {
  return days === null ? 'forever (raw results are never removed)' : `${days} ${days === 1 ? 'day' : 'days'}`;
}

/** What a run records once retention has started removing its raw data (eval_runs.pruned_at / pruned_stats). */
export interface RunPruning {
  pruned_at: string | null;
  pruned_stats: { retention_days?: number | null } | null;
}

/**
 * The sentence a view of a pruned run shows instead of its tests, or null when nothing was
 * removed. `pruned_at` is null while the hourly job is still working through the run.
 */
export function prunedNotice(run: RunPruning | null | undefined): string | null {
  if (!run?.pruned_stats) return null;
  const days = run.pruned_stats.retention_days;
  const under =
    typeof days === 'number' ? ` under the team's retention of ${days} ${days === 1 ? 'day' : 'days'}` : " under the team's retention";
  return run.pruned_at
    ? `Results, attempts and outputs of this run were removed on ${run.pruned_at.slice(0, 10)}${under}; its totals and costs are kept.`
    : `Results, attempts and outputs of this run are being removed${under}; its totals and costs are kept.`;
}
