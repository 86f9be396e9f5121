/**
 * `gstack eval run --csv FILE`: one row per test result (× trial) of every run,
 * RFC 4180 quoting. A cell that a spreadsheet would run as a formula (starting
 * with =, +, -, @, tab or CR) is prefixed with ' so that opening the file runs nothing.
 */
import type { StandardEvalResult } from '@gstack/core';
import { runModel } from '../runner/report.ts';

const COLUMNS = [
  'suite',
  'run_id',
  'model',
  'test',
  'trial',
  'category',
  'passed',
  'score',
  'cost_usd',
  'duration_ms',
  'resolved_tier',
  'resolved_model',
  'error',
  'output',
] as const;

function cell(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvReport(docs: StandardEvalResult[]): string {
  const lines = [COLUMNS.join(',')];
  for (const doc of docs) {
    const model = runModel(doc);
    for (const r of doc.all_results)
      lines.push(
        [
          doc.suite,
          doc.run_id,
          model,
          r.name,
          r.trial,
          r.category,
          r.passed,
          r.score,
          r.cost_usd,
          r.duration_ms,
          r.resolved_tier,
          r.resolved_model,
          r.error,
          r.output,
        ]
          .map(cell)
          .join(','),
      );
  }
  return `${lines.join('\r\n')}\r\n`;
}
