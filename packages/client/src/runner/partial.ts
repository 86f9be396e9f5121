/**
 * The `_partial.json` file of a running eval, append-only so that progress
 * costs O(1) per finished test (rewriting the whole document after every test
 * made a 1,000-test run O(n²)). JSON Lines: the first line is
 * `{"gstack_partial": 1, "header": {…}}` with the run's fixed fields, then one
 * `{"result": {…}, "running": {…}}` line per finished test with the costs so
 * far. A crash loses nothing that finished; a line cut by the crash is
 * ignored. `partialDocument` turns the lines back into a result document.
 * The format only; results-store.ts writes and reads the file.
 */
import { type ModelCost, resultTotals, type StandardEvalResultInput, type TestResult } from '@gstack/core';

export const PARTIAL_FORMAT = 1;

/** The document's fields known when the run starts. */
export type PartialHeader = Omit<
  StandardEvalResultInput,
  'all_results' | 'totals' | 'pass_rate' | 'by_category' | 'errored' | 'interrupted' | keyof RunningCosts
>;

/** The fields that change as tests finish (besides the results themselves). */
export interface RunningCosts {
  duration_ms: number;
  cost_usd: number;
  judge_cost_usd: number;
  cost_exact: boolean;
  what_if: Record<string, number>;
  costs: ModelCost[];
  cache: { hits: number; misses: number };
}

/** The first line of a partial file. */
export function partialHeaderLine(header: PartialHeader): string {
  return `${JSON.stringify({ gstack_partial: PARTIAL_FORMAT, header })}\n`;
}

/** The line appended when a test finishes. */
export function partialResultLine(result: TestResult, running: RunningCosts): string {
  return `${JSON.stringify({ result, running })}\n`;
}

/** True when `text` is in the append-only partial format (not one JSON document). */
export function isPartialLines(text: string): boolean {
  return text.startsWith('{"gstack_partial":');
}

/**
 * The result document a partial file describes (`interrupted: true`: it holds
 * only the tests that finished, in the order they finished). Undefined when
 * the header line is unreadable.
 */
export function partialDocument(text: string): StandardEvalResultInput | undefined {
  const lines = text.split('\n');
  let header: PartialHeader | undefined;
  try {
    header = (JSON.parse(lines[0] ?? '') as { header?: PartialHeader }).header;
  } catch {
    return undefined;
  }
  if (!header) return undefined;
  const results: TestResult[] = [];
  let running: Partial<RunningCosts> = {};
  for (const line of lines.slice(1)) {
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line) as { result: TestResult; running: RunningCosts };
      results.push(entry.result);
      running = entry.running;
    } catch {
      // The last line, cut short by a crash: that test had not finished being recorded.
    }
  }
  return {
    duration_ms: 0,
    cost_usd: 0,
    judge_cost_usd: 0,
    cost_exact: true,
    costs: [],
    ...header,
    ...running,
    ...resultTotals(results),
    interrupted: true,
    all_results: results,
  };
}
