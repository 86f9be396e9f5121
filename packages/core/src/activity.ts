/**
 * Activity records pushed with `gstack-sync push-ship | push-qa | push-retro |
 * push-greptile FILE` and `push-transcript`: the file formats (zod), the table
 * each goes to and its natural key (re-pushing is a no-op, or for sessions an
 * update of the same row).
 */
import { z } from 'zod';

const text = (max: number) => z.string().max(max);
const when = z.iso.datetime({ offset: true });
/**
 * An activity record's free-form `data`, at most this many characters of JSON: a record is sent
 * as one small request (the gateway takes 1 MiB outside the push RPCs), so a bigger one is
 * refused here, naming the field, before anything is sent.
 */
export const ACTIVITY_DATA_CHARS = 256 * 1024;
const dataObject = z.record(z.string(), z.unknown()).refine((value) => JSON.stringify(value).length <= ACTIVITY_DATA_CHARS, {
  message: `at most ${ACTIVITY_DATA_CHARS / 1024} KB of JSON`,
});
const data = dataObject.default({});

export const shipRecordSchema = z.strictObject({
  repo_slug: text(500),
  git_sha: z.string().regex(/^[0-9a-f]{7,64}$/, 'a git commit sha'),
  branch: text(500).optional(),
  version: text(100).optional(),
  title: text(2000).optional(),
  pr_url: z.url().optional(),
  shipped_at: when,
  data,
});

export const qaRecordSchema = z.strictObject({
  repo_slug: text(500),
  report_key: text(200),
  url: z.url().optional(),
  health_score: z.number().min(0).max(100).optional(),
  issues_found: z.int().min(0).default(0),
  summary: text(20_000).optional(),
  reported_at: when,
  data,
});

export const retroRecordSchema = z.strictObject({
  repo_slug: text(500),
  period_start: z.iso.date().optional(),
  period_end: z.iso.date(),
  data: dataObject,
});

export const greptileRecordSchema = z.strictObject({
  repo_slug: text(500),
  comment_id: text(200),
  pr_number: z.int().min(1).optional(),
  file_path: text(2000).optional(),
  verdict: z.enum(['valid', 'false_positive', 'fixed', 'ignored']),
  reason: text(5000).optional(),
  triaged_at: when.optional(),
  data,
});

export const transcriptRecordSchema = z.strictObject({
  session_id: text(200),
  repo_slug: text(500).optional(),
  hostname: text(500).optional(),
  started_at: when.optional(),
  ended_at: when.optional(),
  turns: z.int().min(0),
  tool_calls: z.int().min(0),
  tools: z.record(z.string(), z.int().min(0)),
  message_count: z.int().min(0),
  summary: text(2000).optional(),
  content_hash: text(128),
});

export const ACTIVITY_KINDS = {
  ship: { table: 'ship_logs', schema: shipRecordSchema, conflict: 'team_id,repo_slug,git_sha,user_id', update: false },
  qa: { table: 'qa_reports', schema: qaRecordSchema, conflict: 'team_id,report_key', update: false },
  retro: { table: 'retro_snapshots', schema: retroRecordSchema, conflict: 'team_id,repo_slug,user_id,period_end', update: false },
  greptile: { table: 'greptile_triage', schema: greptileRecordSchema, conflict: 'team_id,repo_slug,comment_id,user_id', update: false },
  transcript: { table: 'session_transcripts', schema: transcriptRecordSchema, conflict: 'team_id,session_id', update: true },
} as const;
export type ActivityKind = keyof typeof ACTIVITY_KINDS;
export const ACTIVITY_KIND_NAMES = Object.keys(ACTIVITY_KINDS) as ActivityKind[];
