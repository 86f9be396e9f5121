/** The answer of the store's ci_report_context RPC, parsed at the boundary (supabase/migrations/*_ci_reports.sql). */
import { z } from 'zod';
import { compareLink, runLink } from '../alerts/regression-message.ts';
import type { CiRun } from './report.ts';

const resultRow = z.object({
  test_name: z.string(),
  trial: z.coerce.number().int().min(1),
  passed: z.boolean(),
  skipped: z.boolean(),
  cost_usd: z.coerce.number(),
  duration_ms: z.coerce.number().nullable(),
});

const run = z.object({
  id: z.string(),
  run_key: z.string(),
  repo_slug: z.string(),
  suite: z.string(),
  branch: z.string().nullable(),
  git_sha: z.string().nullable(),
  run_at: z.string(),
  pass_rate: z.coerce.number().nullable(),
  cost_usd: z.coerce.number(),
  pruned_at: z.string().nullable().optional(),
  results: z.array(resultRow),
}) satisfies z.ZodType<CiRun>;

export const ciContextSchema = z.object({
  run,
  baseline: run.nullable(),
  /** test → outcomes on the baseline branch, oldest first. */
  history: z.record(z.string(), z.array(z.boolean())),
  threshold_pp: z.coerce.number().gt(0),
  dashboard_url: z.string().nullable(),
});

export type CiContext = z.infer<typeof ciContextSchema>;

/** The context, or a sentence naming the first field that is not what the report expects. */
export function parseCiContext(value: unknown): { data: CiContext; error: null } | { data: null; error: string } {
  const parsed = ciContextSchema.safeParse(value);
  if (parsed.success) return { data: parsed.data, error: null };
  const issue = parsed.error.issues[0];
  return { data: null, error: `ci_report_context answered unexpectedly: ${issue?.path.join('.') || '(root)'}: ${issue?.message}` };
}

/** The dashboard's pages for a report: the run, and the compare view of the run against its baseline. */
export function ciDashboardLinks(dashboardUrl: string | null, runId: string, baselineId: string | null) {
  return {
    runUrl: runLink(dashboardUrl, runId) ?? null,
    compareUrl: compareLink(dashboardUrl, baselineId, runId) ?? null,
  };
}
