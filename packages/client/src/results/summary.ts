/**
 * Result summaries: a small file written beside each result file
 * (`layout.summaryPath`) with what `gstack eval list` and `gstack-sync status`
 * need (the run's list row, whether it can be pushed), so they read 1,000
 * runs without parsing and validating 1,000 whole documents. A summary is
 * trusted only while the result file has the size and modification time it
 * records; otherwise (an older gstack wrote the folder, a file was edited or
 * copied) the document is read and validated as before, and its summary
 * written for next time.
 */
import { statSync } from 'node:fs';
import { fitForPush, pushProblems, type StandardEvalResult } from '@gstack/core';
import { readJsonSync, writeJsonAtomicSync } from '../files/json.ts';
import { summaryPath } from './layout.ts';

/** One run as `gstack eval list` shows it (local or from the team store). */
export interface RunRow {
  runKey: string;
  runAt: string;
  repoSlug: string;
  suite: string;
  branch: string | null;
  tier: string | null;
  passed: number;
  total: number;
  skipped: number;
  passRate: number | null;
  costUsd: number;
  version: string | null;
  who: string | null;
  /** The person who pushed it (display name, else the email's local part), "CI" for an ingest token; null locally. */
  person: string | null;
  /** Stopped before every test ran (Ctrl-C, SIGTERM, a killed process). */
  interrupted: boolean;
}

export function rowFromDoc(doc: StandardEvalResult): RunRow {
  return {
    runKey: doc.run_id,
    runAt: doc.timestamp,
    repoSlug: doc.repo_slug,
    suite: doc.suite,
    branch: doc.git.branch,
    tier: doc.tier,
    passed: doc.totals.passed,
    total: doc.totals.tests,
    skipped: doc.totals.skipped,
    passRate: doc.pass_rate,
    costUsd: doc.cost_usd,
    version: doc.version,
    who: doc.hostname,
    person: null,
    interrupted: Boolean(doc.interrupted),
  };
}

/** Why a valid document cannot be pushed (the store's limits), as `field: message` lines; empty when it can. */
export function pushProblemLines(doc: StandardEvalResult, bytes: number): string[] {
  // Long strings are cut to the limit when pushed (fitForPush): only what remains after that is a problem.
  const fitted = fitForPush(doc);
  const size = fitted === doc ? bytes : Buffer.byteLength(JSON.stringify(fitted));
  return pushProblems(fitted, size).map((p) => `${p.field ? `${p.field}: ` : ''}${p.message}`);
}

const SUMMARY_VERSION = 1;

/** What a summary file holds. */
export interface ResultSummary {
  version: typeof SUMMARY_VERSION;
  /** The result file's size and mtime when the summary was written: the summary is stale once either differs. */
  bytes: number;
  mtime_ms: number;
  row: RunRow;
  /** pushProblemLines of the document; empty when it can be pushed. */
  push_problems: string[];
}

/** The summary of `doc`, the valid document of `resultFile` as it is on disk now. */
export function summarize(resultFile: string, doc: StandardEvalResult): ResultSummary {
  const stat = statSync(resultFile);
  return {
    version: SUMMARY_VERSION,
    bytes: stat.size,
    mtime_ms: stat.mtimeMs,
    row: rowFromDoc(doc),
    push_problems: pushProblemLines(doc, stat.size),
  };
}

/**
 * Writes `resultFile`'s summary (call after writing the result file) and
 * returns it. Best effort: a summary that cannot be written only makes the
 * next read slower.
 */
export function writeSummary(resultFile: string, doc: StandardEvalResult): ResultSummary {
  const summary = summarize(resultFile, doc);
  try {
    writeJsonAtomicSync(summaryPath(resultFile), summary, { compact: true });
  } catch {
    // a read-only folder or a full disk: readers fall back to the document
  }
  return summary;
}

/**
 * The summary of `resultFile` when there is one and it is current, else
 * undefined. Our own file, so a shape check instead of a schema: anything
 * unexpected means "read the document".
 */
export function readSummary(resultFile: string): ResultSummary | undefined {
  const summary = readJsonSync<Partial<ResultSummary>>(summaryPath(resultFile));
  if (summary?.version !== SUMMARY_VERSION || typeof summary.row?.runKey !== 'string' || !Array.isArray(summary.push_problems))
    return undefined;
  let stat: { size: number; mtimeMs: number };
  try {
    stat = statSync(resultFile);
  } catch {
    return undefined;
  }
  return stat.size === summary.bytes && stat.mtimeMs === summary.mtime_ms ? (summary as ResultSummary) : undefined;
}
