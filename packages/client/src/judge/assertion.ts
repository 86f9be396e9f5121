/**
 * The `judge` assertion: an LLM rubric. Registered in the assertion registry
 * (assertions/index.ts) like every other type; it lives here, beside the grader
 * and the caches, because it is the judge's front door.
 */
import type { JudgeResult } from '@gstack/core';

/** How a suite writes a judge assertion: a rubric, or a rubric with a model and a score threshold. */
export type JudgeSpec = string | { rubric: string; model?: string; threshold?: number };

/** What the judge assertion needs from a test: a way to ask the judge (through the cache). */
export interface JudgeAssertionContext {
  judge(rubric: string, model: string | undefined): Promise<JudgeResult | { error: string }>;
}

/** An LLM rubric: passes when the judge says pass and (with a threshold) the score reaches it. */
export async function judgeAssertion(
  spec: JudgeSpec,
  ctx: JudgeAssertionContext,
): Promise<{ passed: boolean; message: string | null; score: number | null; judge?: JudgeResult }> {
  const { rubric, model, threshold } = typeof spec === 'string' ? { rubric: spec, model: undefined, threshold: undefined } : spec;
  const verdict = await ctx.judge(rubric, model);
  if ('error' in verdict) return { passed: false, message: `judge failed: ${verdict.error}`, score: null };
  const passed = verdict.pass && (threshold === undefined || (verdict.score ?? 0) >= threshold);
  const message = passed
    ? null
    : `judge: ${verdict.reason ?? 'did not pass'}${threshold !== undefined ? ` (score ${verdict.score ?? 'none'}, needs ${threshold})` : ''}`;
  return { passed, message, score: verdict.score, judge: verdict };
}
