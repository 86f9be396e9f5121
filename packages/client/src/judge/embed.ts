/**
 * Embedding calls for `similar` assertions: the model's provider must have an
 * embeddings endpoint (OpenAI-compatible). Each call is priced and recorded
 * in the ledger as a judge call (grading the system, not the system itself).
 */
import { callCost, splitModelRef } from '@gstack/core';
import type { GraderContext } from './grader.ts';

export async function embedTexts(
  ctx: GraderContext,
  model: string,
  texts: string[],
  timeoutMs: number,
): Promise<{ vectors: number[][]; costUsd: number; error?: undefined } | { error: string; costUsd: number; vectors?: undefined }> {
  const provider = ctx.providers.provider(model);
  if (!provider.embed)
    return { error: `${model}: its provider has no embeddings endpoint (an OpenAI-compatible provider has)`, costUsd: 0 };
  const result = await provider.embed({ model: splitModelRef(model).model, input: texts, timeoutMs, signal: ctx.signal });
  if (result.error !== undefined) return { error: result.error, costUsd: 0 };
  const cost = callCost(model, result.usage, result.reportedCostUsd, {
    overrides: ctx.pricing,
    local: provider.local,
    free: provider.free,
  });
  ctx.ledger.record(model, 'judge', result.usage, cost);
  return { vectors: result.vectors, costUsd: cost.cost_usd };
}
