/** What an assertion handler gets and gives. */
import type { JudgeResult, Message } from '@gstack/core';

export interface AssertionContext {
  output: string;
  latencyMs: number;
  costUsd: number;
  prompt: Message[];
  /** Grades the output with the judge model (through the cache). */
  judge(rubric: string, model: string | undefined): Promise<JudgeResult | { error: string }>;
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
