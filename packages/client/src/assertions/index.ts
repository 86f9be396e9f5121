/**
 * The assertion registry: one small handler per type. It checks itself at load
 * against the suite schema's list of types, so a type cannot be declared
 * without a handler.
 */
import { ASSERTION_TYPES, type Assertion, type AssertionType } from '@gstack/core';
import { contains } from './contains.ts';
import { equals } from './equals.ts';
import { icontains } from './icontains.ts';
import { isJson } from './is-json.ts';
import { jsonSchema } from './json-schema.ts';
import { judge } from './judge.ts';
import { maxCostUsd } from './max-cost.ts';
import { maxLatencyMs } from './max-latency.ts';
import { notContains } from './not-contains.ts';
import { regex } from './regex.ts';
import type { AssertionContext, AssertionHandler, AssertionOutcome } from './types.ts';

export type { AssertionContext, AssertionOutcome } from './types.ts';

const HANDLERS: { [K in AssertionType]: AssertionHandler<Extract<Assertion, { type: K }>['value']> } = {
  contains,
  not_contains: notContains,
  icontains,
  regex,
  equals,
  is_json: isJson,
  json_schema: jsonSchema,
  max_latency_ms: maxLatencyMs,
  max_cost_usd: maxCostUsd,
  judge,
};

const missing = ASSERTION_TYPES.filter((type) => typeof HANDLERS[type] !== 'function');
if (missing.length) throw new Error(`assertion types without a handler: ${missing.join(', ')}`);

/** Assertions that need no model call: the ladder uses these to verify cheap tiers for free. */
export function isDeterministic(assertion: Assertion): boolean {
  return assertion.type !== 'judge';
}

export async function runAssertion(assertion: Assertion, ctx: AssertionContext): Promise<AssertionOutcome> {
  const handler = HANDLERS[assertion.type] as AssertionHandler<unknown>;
  try {
    return await handler(assertion.value, ctx);
  } catch (error) {
    return { passed: false, message: `${assertion.type} failed: ${(error as Error).message}` };
  }
}

/** A line describing an assertion, for verifier prompts and reports. */
export function describeAssertion(assertion: Assertion): string {
  switch (assertion.type) {
    case 'judge':
      return `- ${typeof assertion.value === 'string' ? assertion.value : assertion.value.rubric}`;
    case 'json_schema':
      return `- the answer is JSON matching this schema: ${JSON.stringify(assertion.value)}`;
    case 'is_json':
      return '- the answer is valid JSON';
    default:
      return `- ${assertion.type.replace(/_/g, ' ')}: ${JSON.stringify(assertion.value)}`;
  }
}
