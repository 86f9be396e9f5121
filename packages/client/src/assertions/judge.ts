import type { AssertionHandler } from './types.ts';

type JudgeSpec = string | { rubric: string; model?: string; threshold?: number };

/** An LLM rubric: passes when the judge says pass and (with a threshold) the score reaches it. */
export const judge: AssertionHandler<JudgeSpec> = async (spec, ctx) => {
  const { rubric, model, threshold } = typeof spec === 'string' ? { rubric: spec, model: undefined, threshold: undefined } : spec;
  const verdict = await ctx.judge(rubric, model);
  if ('error' in verdict) return { passed: false, message: `judge failed: ${verdict.error}`, score: null };
  const passed = verdict.pass && (threshold === undefined || (verdict.score ?? 0) >= threshold);
  const message = passed
    ? null
    : `judge: ${verdict.reason ?? 'did not pass'}${threshold !== undefined ? ` (score ${verdict.score ?? 'none'}, needs ${threshold})` : ''}`;
  return { passed, message, score: verdict.score, judge: verdict };
};
