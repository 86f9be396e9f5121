import type { Assertion } from '@gstack/core';
import { describe, expect, it } from 'vitest';
import { type AssertionContext, runAssertion } from './index.ts';
import { findPython } from './python.ts';

function ctx(output: string, extra: Partial<AssertionContext> = {}): AssertionContext {
  return {
    output,
    latencyMs: 100,
    costUsd: 0.01,
    prompt: [],
    judge: async () => ({ error: 'no judge in this test' }),
    embed: async () => ({ error: 'no embeddings in this test' }),
    codeContext: () => ({ vars: { city: 'Paris' }, prompt: [], test: 't', latency_ms: 100, cost_usd: 0.01 }),
    ...extra,
  };
}

const cases: Array<[Assertion, string, boolean, string | null]> = [
  [{ type: 'contains', value: 'Paris' }, 'It is Paris.', true, null],
  [{ type: 'contains', value: 'Paris' }, 'It is paris.', false, 'expected the output to contain "Paris"'],
  [{ type: 'not_contains', value: 'Lyon' }, 'Paris', true, null],
  [{ type: 'not_contains', value: 'Lyon' }, 'Lyon', false, 'expected the output not to contain "Lyon"'],
  [{ type: 'icontains', value: 'PARIS' }, 'paris', true, null],
  [{ type: 'regex', value: '^\\d{3}$' }, '123', true, null],
  [{ type: 'regex', value: '^\\d{3}$' }, '1234', false, 'expected the output to match /^\\d{3}$/, got "1234"'],
  [{ type: 'equals', value: 'yes' }, '  yes\n', true, null],
  [{ type: 'equals', value: 'yes' }, 'yes!', false, 'expected the output to equal "yes", got "yes!"'],
  [{ type: 'is_json', value: true }, '```json\n{"a": 1}\n```', true, null],
  [{ type: 'is_json', value: true }, '{a: 1}', false, null],
  [{ type: 'json_schema', value: { type: 'object', required: ['a'] } }, '{"a": 1}', true, null],
  [
    { type: 'json_schema', value: { type: 'object', required: ['a'] } },
    '{"b": 1}',
    false,
    "JSON does not match the schema: data must have required property 'a'",
  ],
  [{ type: 'max_latency_ms', value: 100 }, 'x', true, null],
  [{ type: 'max_latency_ms', value: 99 }, 'x', false, 'took 100 ms, more than 99 ms'],
  [{ type: 'max_cost_usd', value: 0.01 }, 'x', true, null],
  [{ type: 'max_cost_usd', value: 0.001 }, 'x', false, 'cost $0.010000, more than $0.001'],
  [{ type: 'starts_with', value: 'Yes' }, '  Yes, Paris.', true, null],
  [{ type: 'starts_with', value: 'Yes' }, 'No. Yes.', false, 'expected the output to start with "Yes", got "No. Yes."'],
  [{ type: 'contains_json', value: true }, 'Here: {"a": {"b": [1, "}"]}} done', true, null],
  [{ type: 'contains_json', value: true }, 'no {json here}', false, 'expected the output to contain a JSON object or array'],
  [{ type: 'contains_json', value: { type: 'object', required: ['b'] } }, 'x {"a": 1} y {"b": 2}', true, null],
  [{ type: 'levenshtein', value: 'Paris' }, 'Pariss', true, null],
  [{ type: 'levenshtein', value: { value: 'Paris', threshold: 0 } }, 'Pariss', false, 'edit distance 1 from "Paris", more than 0'],
  [{ type: 'rouge_n', value: 'the cat sat on the mat' }, 'the cat is on the mat', true, null],
  [
    { type: 'rouge_n', value: { value: 'the cat sat on the mat', n: 2 } },
    'the cat is on the mat',
    false,
    'ROUGE-2 0.6 against "the cat sat on the mat", below 0.75',
  ],
  [{ type: 'bleu', value: 'the cat sat on the mat' }, 'the cat sat on the mat today', true, null],
  [
    { type: 'bleu', value: { value: ['the cat sat on the mat'], threshold: 0.9 } },
    'the cat sat on the mat today',
    false,
    'BLEU 0.809 against "the cat sat on the mat", below 0.9',
  ],
  // Negation of any type, one rule.
  [{ type: 'regex', value: '^\\d+$', not: true }, 'abc', true, null],
  [{ type: 'regex', value: '^\\d+$', not: true }, '123', false, 'expected not_regex to hold: regex passed (regex: "^\\\\d+$")'],
  [
    { type: 'icontains', value: 'paris', not: true },
    'PARIS',
    false,
    'expected not_icontains to hold: icontains passed (icontains: "paris")',
  ],
  [{ type: 'is_json', value: true, not: true }, 'plain', true, null],
  // javascript: an expression, a body with return, a score, {pass, reason}, and the context.
  [{ type: 'javascript', value: "output.includes('Paris')" }, 'Paris', true, null],
  [{ type: 'javascript', value: 'const n = output.length;\nreturn n > 10;' }, 'short', false, 'javascript returned false'],
  [{ type: 'javascript', value: { code: 'output.length / 10', threshold: 0.5 } }, 'abc', false, 'javascript scored 0.3, below 0.5'],
  [{ type: 'javascript', value: "({ pass: false, reason: 'too ' + context.vars.city })" }, 'x', false, 'too Paris'],
  [{ type: 'javascript', value: "typeof require === 'undefined' && typeof process === 'undefined'" }, 'x', true, null],
  [{ type: 'javascript', value: 'output.nope()' }, 'x', false, 'javascript: output.nope is not a function'],
];

describe('assertions', () => {
  it.each(cases)('%j on %j → %s', async (assertion, output, passed, message) => {
    const outcome = await runAssertion(assertion, ctx(output));
    expect(outcome.passed).toBe(passed);
    if (message !== null) expect(outcome.message).toBe(message);
    if (passed) expect(outcome.message).toBeNull();
  });

  it('stops javascript that runs past its time limit, and the next check still runs', async () => {
    const endless = await runAssertion({ type: 'javascript', value: { code: 'while (true) {}', timeout_ms: 200 } }, ctx('x'));
    expect(endless).toMatchObject({ passed: false, message: 'javascript: Script execution timed out after 200ms' });
    const hanging = await runAssertion({ type: 'javascript', value: { code: 'new Promise(() => {})', timeout_ms: 200 } }, ctx('x'));
    expect(hanging).toMatchObject({ passed: false, message: 'javascript: took longer than 200 ms' });
    expect((await runAssertion({ type: 'javascript', value: 'output === "x"' }, ctx('x'))).passed).toBe(true);
  });

  it.runIf(findPython())('runs python: an expression, a body, get_assert, a score', async () => {
    expect((await runAssertion({ type: 'python', value: "'Paris' in output" }, ctx('Paris'))).passed).toBe(true);
    expect(await runAssertion({ type: 'python', value: 'n = len(output)\nreturn n > 10' }, ctx('short'))).toMatchObject({
      passed: false,
      message: 'python returned false',
    });
    const getAssert =
      "def get_assert(output, context):\n    return {'pass': False, 'score': 0.25, 'reason': 'in ' + context['vars']['city']}";
    expect(await runAssertion({ type: 'python', value: getAssert }, ctx('x'))).toMatchObject({
      passed: false,
      message: 'in Paris',
      score: 0.25,
    });
    expect(await runAssertion({ type: 'python', value: 'undefined_name' }, ctx('x'))).toMatchObject({
      passed: false,
      message: "python: NameError: name 'undefined_name' is not defined",
    });
  });

  it('similar compares embeddings by cosine similarity', async () => {
    const embed = async () => ({
      vectors: [
        [1, 1, 1, 0],
        [1, 1, 0, 1],
      ],
    });
    expect(await runAssertion({ type: 'similar', value: 'x' }, ctx('y', { embed }))).toMatchObject({
      passed: false,
      message: 'similarity 0.667 to "x", below 0.75',
      score: 0.667,
    });
    expect((await runAssertion({ type: 'similar', value: { value: 'x', threshold: 0.6 } }, ctx('y', { embed }))).passed).toBe(true);
    expect(await runAssertion({ type: 'similar', value: 'x' }, ctx('y'))).toMatchObject({
      passed: false,
      message: 'similar: no embeddings in this test',
    });
  });

  it('judge passes on the verdict and a threshold on the score', async () => {
    const judge = async () => ({
      rubric: 'r',
      model: 'm',
      pass: true,
      score: 0.6,
      reason: 'fine',
      cached: false,
      cost_usd: 0,
      cost_exact: true,
      saved_usd: null,
    });
    expect((await runAssertion({ type: 'judge', value: 'r' }, ctx('x', { judge }))).passed).toBe(true);
    const strict = await runAssertion({ type: 'judge', value: { rubric: 'r', threshold: 0.8 } }, ctx('x', { judge }));
    expect(strict).toMatchObject({ passed: false, message: 'judge: fine (score 0.6, needs 0.8)', score: 0.6 });
    const broken = await runAssertion({ type: 'judge', value: 'r' }, ctx('x'));
    expect(broken).toMatchObject({ passed: false, message: 'judge failed: no judge in this test' });
  });
});
