/** The request bodies the two alert functions accept, parsed at the boundary. */
import { z } from 'zod';
import { isWeekStart } from './digest.ts';

/** regression-alert: the database webhook payload (see webhook.ts), or the cron sweep. */
export const alertSweepRequestSchema = z.object({ sweep: z.literal(true), hours: z.number().int().min(1).max(48).optional() });

/** regression-alert `/test`: which team gets the test message. */
export const alertTestRequestSchema = z.object({ team_id: z.uuid() });

/** weekly-digest: every team with a webhook and the digest on, or one team; the previous week unless given. */
export const digestRequestSchema = z.object({
  team_id: z.uuid().optional(),
  week_start: z.string().refine(isWeekStart, 'a Monday as YYYY-MM-DD').optional(),
  dry_run: z.boolean().optional(),
  /** Send even when this week's digest was sent already (a re-send on purpose). */
  resend: z.boolean().optional(),
});
export type DigestRequest = z.infer<typeof digestRequestSchema>;

/** `field: problem` for each issue, for a 400 answer. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
}
