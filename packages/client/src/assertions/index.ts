/**
 * The assertion registry: one small handler per type, and beside it what the
 * rest of the client needs to know about the type (deterministic or a model
 * call; how it reads in a verifier prompt). It checks itself at load against
 * the suite schema's list of types, so a type cannot be declared without a
 * handler.
 */
import { ASSERTION_TYPES, type Assertion, type AssertionType } from '@gstack/core';
import { judgeAssertion } from '../judge/assertion.ts';
import { contains } from './contains.ts';
import { equals } from './equals.ts';
import { icontains } from './icontains.ts';
import { isJson } from './is-json.ts';
import { jsonSchema } from './json-schema.ts';
import { maxCostUsd } from './max-cost.ts';
import { maxLatencyMs } from './max-latency.ts';
import { notContains } from './not-contains.ts';
import { regex } from './regex.ts';
import type { AssertionContext, AssertionHandler, AssertionOutcome } from './types.ts';

export type { AssertionContext, AssertionOutcome } from './types.ts';

type ValueOf<K extends AssertionType> = Extract<Assertion, { type: K }>['value'];

interface AssertionEntry<T> {
  handler: AssertionHandler<T>;
  /** Needs no model call: the ladder verifies cheap tiers with these for free, preflight needs no judge for them. */
  deterministic: boolean;
  /** The requirement as one line of a verifier prompt; default "<type words>: <value as JSON>". */
  describe?: (value: T) => string;
}

const REGISTRY: { [K in AssertionType]: AssertionEntry<ValueOf<K>> } = {
  contains: { handler: contains, deterministic: true },
  not_contains: { handler: notContains, deterministic: true },
  icontains: { handler: icontains, deterministic: true },
  regex: { handler: regex, deterministic: true },
  equals: { handler: equals, deterministic: true },
  is_json: { handler: isJson, deterministic: true, describe: () => 'the answer is valid JSON' },
  json_schema: {
    handler: jsonSchema,
    deterministic: true,
    describe: (schema) => `the answer is JSON matching this schema: ${JSON.stringify(schema)}`,
  },
  max_latency_ms: { handler: maxLatencyMs, deterministic: true },
  max_cost_usd: { handler: maxCostUsd, deterministic: true },
  judge: { handler: judgeAssertion, deterministic: false, describe: (spec) => (typeof spec === 'string' ? spec : spec.rubric) },
};

const entry = (type: AssertionType) => REGISTRY[type] as AssertionEntry<unknown>;

const missing = ASSERTION_TYPES.filter((type) => typeof REGISTRY[type]?.handler !== 'function');
if (missing.length) throw new Error(`assertion types without a handler: ${missing.join(', ')}`);

/** Assertions that need no model call: the ladder uses these to verify cheap tiers for free. */
export function isDeterministic(assertion: Assertion): boolean {
  return entry(assertion.type).deterministic;
}

export async function runAssertion(assertion: Assertion, ctx: AssertionContext): Promise<AssertionOutcome> {
  try {
    return await entry(assertion.type).handler(assertion.value, ctx);
  } catch (error) {
    return { passed: false, message: `${assertion.type} failed: ${(error as Error).message}` };
  }
}

/** A line describing an assertion, for verifier prompts and reports. */
export function describeAssertion(assertion: Assertion): string {
  const describe = entry(assertion.type).describe;
  return `- ${describe ? describe(assertion.value) : `${assertion.type.replace(/_/g, ' ')}: ${JSON.stringify(assertion.value)}`}`;
}
