/**
 * Judge and verifier calls: an LLM grades an answer against a rubric. Every
 * verdict goes through the judge cache, so an unchanged re-run makes no call.
 * Unparseable verdicts and failed calls are reported as such and never cached.
 */
import { type CallCost, callCost, type Message, type Price, splitModelRef, type TokenUsage } from '@gstack/core';
import type { ProviderSet } from '../providers/index.ts';
import { cacheKey, type JudgeCache } from './cache.ts';

/** Where model calls are booked (the run's CostLedger); an interface here so the judge does not depend on the runner. */
export interface CostSink {
  record(model: string, purpose: 'system' | 'judge', usage: TokenUsage, cost: CallCost): void;
  /** An answer served from the response cache (no call, $0). */
  recordCached(model: string, purpose: 'system' | 'judge'): void;
}

export interface GraderContext {
  providers: ProviderSet;
  cache: JudgeCache;
  ledger: CostSink;
  suite: string;
  /** Contents of the suite's source files (part of every cache key). */
  sources: string[];
  pricing: Record<string, Price>;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface Verdict<T> {
  value?: T;
  /** Why there is no value: the call failed or its answer was not the JSON asked for. */
  error?: string;
  cached: boolean;
  cost_usd: number;
  cost_exact: boolean;
  /** On a cache hit: what the verdict cost when it was first paid (the saving); null otherwise. */
  saved_usd?: number | null;
}

/** The first JSON object in a model's answer (models like to wrap JSON in prose or fences). */
export function extractJsonObject(text: string): Record<string, unknown> | undefined {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  try {
    const value = JSON.parse(text.slice(start, end + 1));
    return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

async function grade<T>(
  ctx: GraderContext,
  model: string,
  rubric: string,
  input: Record<string, unknown>,
  messages: Message[],
  parse: (json: Record<string, unknown>) => T | undefined,
): Promise<Verdict<T>> {
  const key = await cacheKey({ judgeModel: model, rubric, input, sources: ctx.sources });
  const hit = await ctx.cache.get(ctx.suite, key, (verdict) => parse(verdict) !== undefined);
  if (hit) {
    const value = parse(hit.verdict);
    if (value !== undefined) return { value, cached: true, cost_usd: 0, cost_exact: true, saved_usd: hit.cost_usd };
  }
  const provider = ctx.providers.provider(model);
  const result = await provider.call({
    model: splitModelRef(model).model,
    messages,
    timeoutMs: ctx.timeoutMs,
    options: { temperature: 0 },
    signal: ctx.signal,
  });
  const cost = callCost(model, result.usage, result.reportedCostUsd, {
    overrides: ctx.pricing,
    local: provider.local,
    free: provider.free,
  });
  if (!result.error) ctx.ledger.record(model, 'judge', result.usage, cost);
  if (result.error) return { error: result.error, cached: false, cost_usd: 0, cost_exact: true };
  const json = extractJsonObject(result.output);
  const value = json && parse(json);
  if (value === undefined || !json) {
    return {
      error: `unparseable verdict from ${model}: ${result.output.slice(0, 200)}`,
      cached: false,
      cost_usd: cost.cost_usd,
      cost_exact: cost.exact,
    };
  }
  await ctx.cache.set(ctx.suite, key, model, json, cost.cost_usd);
  return { value, cached: false, cost_usd: cost.cost_usd, cost_exact: cost.exact };
}

export interface JudgeVerdict {
  pass: boolean;
  score: number | null;
  reason: string | null;
}

/** Grades `answer` against `rubric` with the judge model. */
export function judge(
  ctx: GraderContext,
  model: string,
  rubric: string,
  prompt: Message[],
  answer: string,
): Promise<Verdict<JudgeVerdict>> {
  const messages: Message[] = [
    {
      role: 'system',
      content:
        'You are a strict, fair grader of AI answers. You judge only against the rubric. Reply with one JSON object and nothing else.',
    },
    {
      role: 'user',
      content: `Rubric:\n${rubric}\n\nThe task the model was given:\n${prompt.map((m) => `[${m.role}] ${m.content}`).join('\n')}\n\nThe model's answer:\n${answer}\n\nReply with JSON only: {"pass": true or false, "score": a number from 0 to 1, "reason": "one sentence"}`,
    },
  ];
  return grade(ctx, model, rubric, { prompt, answer }, messages, (json) => {
    if (typeof json.pass !== 'boolean') return undefined;
    const score = typeof json.score === 'number' && json.score >= 0 && json.score <= 1 ? json.score : null;
    return { pass: json.pass, score, reason: typeof json.reason === 'string' ? json.reason : null };
  });
}

export interface VerifierVerdict {
  accept: boolean;
  feedback: string;
}

/** Asks the verifier whether `answer` meets `requirements`; its feedback goes to the next tier. */
export function verify(
  ctx: GraderContext,
  model: string,
  requirements: string,
  prompt: Message[],
  answer: string,
): Promise<Verdict<VerifierVerdict>> {
  const messages: Message[] = [
    {
      role: 'system',
      content:
        'You verify answers produced by a cheaper model before they are accepted. Accept only answers that fully meet the requirements. Reply with one JSON object and nothing else.',
    },
    {
      role: 'user',
      content: `Requirements:\n${requirements}\n\nThe task:\n${prompt.map((m) => `[${m.role}] ${m.content}`).join('\n')}\n\nThe answer:\n${answer}\n\nReply with JSON only: {"accept": true or false, "feedback": "if not accepted, what is wrong and how to fix it"}`,
    },
  ];
  return grade(ctx, model, `verifier:${requirements}`, { prompt, answer }, messages, (json) =>
    typeof json.accept === 'boolean'
      ? { accept: json.accept, feedback: typeof json.feedback === 'string' ? json.feedback : '' }
      : undefined,
  );
}
