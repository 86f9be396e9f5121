/**
 * The assertion registry: one small handler per type, and beside it what the
 * rest of the client needs to know about the type (a one-line summary for
 * docs and --help, deterministic or a model call, how it reads in a verifier
 * prompt). It checks itself at load against the suite schema's list of types,
 * so a type cannot be declared without a handler. `not_<type>` negates any
 * type here, in one place.
 */
import { ASSERTION_TYPES, type Assertion, type AssertionType, assertionName } from '@gstack/core';
import { judgeAssertion } from '../judge/assertion.ts';
import { contains } from './contains.ts';
import { containsJson } from './contains-json.ts';
import { equals } from './equals.ts';
import { bleu, levenshtein, rougeN, similar } from './graded.ts';
import { icontains } from './icontains.ts';
import { isJson } from './is-json.ts';
import { javascript } from './javascript.ts';
import { jsonSchema } from './json-schema.ts';
import { maxCostUsd } from './max-cost.ts';
import { maxLatencyMs } from './max-latency.ts';
import { notContains } from './not-contains.ts';
import { python } from './python.ts';
import { regex } from './regex.ts';
import { startsWith } from './starts-with.ts';
import type { AssertionContext, AssertionHandler, AssertionOutcome } from './types.ts';

export type { AssertionContext, AssertionOutcome } from './types.ts';

type ValueOf<K extends AssertionType> = Extract<Assertion, { type: K }>['value'];

interface AssertionEntry<T> {
  handler: AssertionHandler<T>;
  /** What it checks, in one line (docs, the JSON Schema's descriptions). */
  summary: string;
  /** Needs no model call: the ladder verifies cheap tiers with these for free, preflight needs no judge for them. */
  deterministic: boolean;
  /** The requirement as one line of a verifier prompt; default "<type words>: <value as JSON>". */
  describe?: (value: T) => string;
}

const REGISTRY: { [K in AssertionType]: AssertionEntry<ValueOf<K>> } = {
  contains: { handler: contains, summary: 'the output contains the text (case-sensitive)', deterministic: true },
  not_contains: { handler: notContains, summary: 'the output does not contain the text', deterministic: true },
  icontains: { handler: icontains, summary: 'the output contains the text, any case', deterministic: true },
  starts_with: { handler: startsWith, summary: 'the output (leading whitespace aside) starts with the text', deterministic: true },
  regex: { handler: regex, summary: 'the output matches the regular expression', deterministic: true },
  equals: { handler: equals, summary: 'the output equals the text, surrounding whitespace aside', deterministic: true },
  is_json: {
    handler: isJson,
    summary: 'the output (or a ```json block in it) is JSON',
    deterministic: true,
    describe: () => 'the answer is valid JSON',
  },
  json_schema: {
    handler: jsonSchema,
    summary: 'the output is JSON matching the JSON Schema',
    deterministic: true,
    describe: (schema) => `the answer is JSON matching this schema: ${JSON.stringify(schema)}`,
  },
  contains_json: {
    handler: containsJson,
    summary: 'some JSON object or array appears in the output (matching the schema, when one is given)',
    deterministic: true,
    describe: (schema) => (schema === true ? 'the answer contains JSON' : `the answer contains JSON matching: ${JSON.stringify(schema)}`),
  },
  max_latency_ms: { handler: maxLatencyMs, summary: "the final answer's call took at most this many ms", deterministic: true },
  max_cost_usd: { handler: maxCostUsd, summary: "the test's ladder calls cost at most this many USD", deterministic: true },
  javascript: {
    handler: javascript,
    summary: 'JavaScript code given output and context returns true, a score, or {pass, score, reason} (in a worker, time-limited)',
    deterministic: true,
    describe: () => 'the answer passes a programmatic check',
  },
  python: {
    handler: python,
    summary: 'Python code (python3) given output and context returns true, a score, or {pass, score, reason} (time-limited)',
    deterministic: true,
    describe: () => 'the answer passes a programmatic check',
  },
  levenshtein: { handler: levenshtein, summary: 'edit distance to the text at most the threshold (default 5)', deterministic: true },
  rouge_n: { handler: rougeN, summary: 'ROUGE-N recall against the text at least the threshold (default 0.75, n 1)', deterministic: true },
  bleu: { handler: bleu, summary: 'BLEU-4 against the reference(s) at least the threshold (default 0.5)', deterministic: true },
  similar: {
    handler: similar,
    summary: 'cosine similarity of embeddings (an OpenAI-compatible /embeddings) at least the threshold (default 0.75)',
    deterministic: false,
    describe: (v) => `the answer means the same as: ${typeof v === 'string' ? v : v.value}`,
  },
  judge: {
    handler: judgeAssertion,
    summary: 'a judge model grades the output against the rubric',
    deterministic: false,
    describe: (spec) => (typeof spec === 'string' ? spec : spec.rubric),
  },
};

const entry = (type: AssertionType) => REGISTRY[type] as AssertionEntry<unknown>;

const missing = ASSERTION_TYPES.filter((type) => typeof REGISTRY[type]?.handler !== 'function' || !REGISTRY[type]?.summary);
if (missing.length) throw new Error(`assertion types without a handler or summary: ${missing.join(', ')}`);

/** Each type and its one-line summary, in registry order (docs, the JSON Schema). */
export function assertionSummaries(): Array<{ type: AssertionType; summary: string; deterministic: boolean }> {
  return ASSERTION_TYPES.map((type) => ({ type, summary: entry(type).summary, deterministic: entry(type).deterministic }));
}

/** Assertions that need no model call: the ladder uses these to verify cheap tiers for free. */
export function isDeterministic(assertion: Assertion): boolean {
  return entry(assertion.type).deterministic;
}

export async function runAssertion(assertion: Assertion, ctx: AssertionContext): Promise<AssertionOutcome> {
  let outcome: AssertionOutcome;
  try {
    outcome = await entry(assertion.type).handler(assertion.value, ctx);
  } catch (error) {
    outcome = { passed: false, message: `${assertion.type} failed: ${(error as Error).message}` };
  }
  return assertion.not ? negate(assertion, outcome) : outcome;
}

/** `not_<type>`: passes when the assertion fails; a graded score s becomes 1 - s. */
function negate(assertion: Assertion, outcome: AssertionOutcome): AssertionOutcome {
  const score = outcome.score === undefined || outcome.score === null ? outcome.score : Math.round((1 - outcome.score) * 1000) / 1000;
  return {
    ...outcome,
    passed: !outcome.passed,
    message: outcome.passed ? `expected ${assertionName(assertion)} to hold: ${assertion.type} passed (${describeValue(assertion)})` : null,
    ...(score !== undefined ? { score } : {}),
  };
}

function describeValue(assertion: Assertion): string {
  const describe = entry(assertion.type).describe;
  return describe ? describe(assertion.value) : `${assertion.type.replace(/_/g, ' ')}: ${JSON.stringify(assertion.value)}`;
}

/** A line describing an assertion, for verifier prompts and reports. */
export function describeAssertion(assertion: Assertion): string {
  return `- ${assertion.not ? 'NOT: ' : ''}${describeValue(assertion)}`;
}
