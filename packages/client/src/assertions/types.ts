/** What an assertion handler gets and gives. */
import type { JudgeResult, Message } from '@gstack/core';
import type { CodeContext } from './code.ts';

export interface AssertionContext {
  output: string;
  latencyMs: number;
  costUsd: number;
  prompt: Message[];
  /** Grades the output with the judge model (through the cache). */
  judge(rubric: string, model: string | undefined): Promise<JudgeResult | { error: string }>;
  /** Embeds texts with the embeddings model (`similar`): the assertion's `model`, else models.yaml's `embedding`. */
  embed(texts: string[], model: string | undefined): Promise<{ vectors: number[][] } | { error: string }>;
  /** What `javascript` and `python` code gets as its second argument. */
  codeContext(): CodeContext;
}

export interface AssertionOutcome {
  passed: boolean;
  message: string | null;
  /** 0..1 when the assertion grades rather than checks (judge). */
  score?: number | null;
  judge?: JudgeResult;
}

export type AssertionHandler<T> = (value: T, ctx: AssertionContext) => AssertionOutcome | Promise<AssertionOutcome>;

export const pass: AssertionOutcome = { passed: true, message: null };
export const fail = (message: string): AssertionOutcome => ({ passed: false, message });

/** Quotes a value for a message, shortened. */
export function show(text: string, max = 80): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return JSON.stringify(oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine);
}
