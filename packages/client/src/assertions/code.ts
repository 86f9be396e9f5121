/**
 * What `javascript` and `python` assertions share: the spec (code, threshold,
 * time limit), the context the code is given, and how its return value grades:
 * a boolean passes or fails; a number is a score that passes at or above the
 * threshold (above 0 without one); an object `{pass, score, reason}` says both.
 */
import { type AssertionOutcome, fail } from './types.ts';

export const CODE_TIMEOUT_MS = 5_000;

export type CodeSpec = string | { code: string; threshold?: number; timeout_ms?: number };

export function codeSpec(value: CodeSpec): { code: string; threshold?: number; timeoutMs: number } {
  return typeof value === 'string'
    ? { code: value, timeoutMs: CODE_TIMEOUT_MS }
    : { code: value.code, threshold: value.threshold, timeoutMs: value.timeout_ms ?? CODE_TIMEOUT_MS };
}

/** The second argument the code gets (snake_case, as the result file names things). */
export interface CodeContext {
  vars: Record<string, string | number | boolean>;
  prompt: Array<{ role: string; content: string }>;
  test: string;
  latency_ms: number;
  cost_usd: number;
}

/** A code assertion's return value as an outcome. */
export function grade(returned: unknown, threshold: number | undefined, language: string): AssertionOutcome {
  if (typeof returned === 'boolean') return returned ? { passed: true, message: null } : fail(`${language} returned false`);
  if (typeof returned === 'number' && Number.isFinite(returned)) {
    const passed = threshold === undefined ? returned > 0 : returned >= threshold;
    const score = Math.max(0, Math.min(1, returned));
    return passed
      ? { passed, message: null, score }
      : { passed, message: `${language} scored ${returned}${threshold === undefined ? '' : `, below ${threshold}`}`, score };
  }
  if (returned && typeof returned === 'object' && typeof (returned as { pass?: unknown }).pass === 'boolean') {
    const r = returned as { pass: boolean; score?: unknown; reason?: unknown };
    const score = typeof r.score === 'number' && Number.isFinite(r.score) ? Math.max(0, Math.min(1, r.score)) : undefined;
    const passed = threshold !== undefined && score !== undefined ? score >= threshold : r.pass;
    const reason = typeof r.reason === 'string' ? r.reason : `${language} returned pass: false`;
    return { passed, message: passed ? null : reason, ...(score !== undefined ? { score } : {}) };
  }
  return fail(
    `${language} must return a boolean, a number or {pass, score, reason}; it returned ${JSON.stringify(returned) ?? String(returned)}`,
  );
}
