import type { Assertion } from '@gstack/core';
import { describe, expect, it } from 'vitest';
import { type AssertionContext, runAssertion } from './index.ts';

function ctx(output: string, extra: Partial<AssertionContext> = {}): AssertionContext {
  return { output, latencyMs: 100, costUsd: 0.01, prompt: [], judge: async () => ({ error: 'no judge in this test' }), ...extra };
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
];

describe('assertions', () => {
  it.each(cases)('%j on %j → %s', async (assertion, output, passed, message) => {
    const outcome = await runAssertion(assertion, ctx(output));
    expect(outcome.passed).toBe(passed);
    if (message !== null) expect(outcome.message).toBe(message);
    if (passed) expect(outcome.message).toBeNull();
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
