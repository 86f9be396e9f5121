import { describe, expect, it } from 'vitest';
import { attemptVerdictSource, finalAttempt, testErrored, testVerdictSource } from './verdict.ts';

const v = (accept: boolean, extra: Record<string, unknown> = {}) => ({ model: 'm', cached: false, accept, ...extra });

describe('who decided an attempt', () => {
  it('names the self-certification rule, never a bare "accept"', () => {
    expect(attemptVerdictSource({ verdict: 'accept', self_certified: true, self_certify_rule: 'last_tier' }).label).toBe(
      'self-certified: last tier of the chain',
    );
    expect(attemptVerdictSource({ verdict: 'accept', self_certified: true, self_certify_rule: 'provider' }).kind).toBe('self-certified');
    expect(attemptVerdictSource({ verdict: 'accept', self_certified: false, self_certify_rule: 'only_model' }).label).toBe(
      'not verified: one-model run (--model or --tier)',
    );
    // A document written before the rule was recorded.
    expect(attemptVerdictSource({ verdict: 'accept', self_certified: true }).label).toBe('self-certified: rule not recorded');
  });

  it('tells a verifier accept or reject, cached or fresh, from the assertions and from errors', () => {
    expect(attemptVerdictSource({ verdict: 'accept', verifier: v(true, { cached: true }), assertions_passed: true }).label).toBe(
      'verifier accept (cached)',
    );
    expect(attemptVerdictSource({ verdict: 'escalate', verifier: v(false), assertions_passed: true })).toEqual({
      kind: 'verifier-reject',
      label: 'verifier reject (fresh)',
    });
    expect(attemptVerdictSource({ verdict: 'escalate', assertions_passed: false }).kind).toBe('assertions-failed');
    expect(attemptVerdictSource({ verdict: 'escalate', verifier: v(false, { error: true }) }).kind).toBe('verifier-error');
    expect(attemptVerdictSource({ verdict: 'error' }).kind).toBe('error');
    expect(attemptVerdictSource({ verdict: 'accept', assertions_passed: true }).kind).toBe('assertions-passed');
  });

  it('keeps an audit verdict apart: the assertions decided', () => {
    expect(attemptVerdictSource({ verdict: 'escalate', assertions_passed: false, verifier: v(true, { audit: true }) })).toEqual({
      kind: 'assertions-failed',
      label: 'deterministic assertions failed',
      audit: 'audit: verifier would accept (fresh)',
    });
  });
});

describe('the errors count', () => {
  it('counts tests without an answer or with an errored attempt, not assertion failures', () => {
    expect(testErrored({ output: 'Lyon', attempts: [{ verdict: 'accept' }] })).toBe(false);
    expect(testErrored({ output: null, attempts: [] })).toBe(true);
    expect(testErrored({ output: 'Paris', attempts: [{ verdict: 'error' }, { verdict: 'accept' }] })).toBe(true);
    expect(testErrored({ skipped: true, output: null, attempts: [] })).toBe(false);
  });
});

describe('the answer a test shows', () => {
  it('is the accepted attempt, else the strongest tier that answered', () => {
    expect(
      finalAttempt([
        { attempt: 2, verdict: 'accept' },
        { attempt: 1, verdict: 'escalate' },
      ])?.attempt,
    ).toBe(2);
    expect(
      finalAttempt([
        { attempt: 1, verdict: 'escalate' },
        { attempt: 2, verdict: 'escalate' },
        { attempt: 3, verdict: 'error' },
      ])?.attempt,
    ).toBe(2);
    expect(finalAttempt([{ attempt: 1, verdict: 'error' }])).toBeNull();
  });
});

describe('who decided a test', () => {
  it('names failing deterministic assertions and judges apart', () => {
    const judge = [{ model: 'anthropic/claude-haiku-4-5', pass: false, cached: true }];
    expect(
      testVerdictSource({
        passed: false,
        output: 'x',
        assertions: [
          { type: 'contains', passed: false },
          { type: 'judge', passed: false },
        ],
        judge,
      }),
    ).toBe('failed by deterministic assertions failed (contains); judge anthropic/claude-haiku-4-5 (cached)');
    expect(testVerdictSource({ passed: true, output: 'x', assertions: [{ type: 'contains', passed: true }], judge: [] })).toBe(
      'passed by 1 deterministic assertion',
    );
    expect(testVerdictSource({ passed: false, output: null, assertions: [], judge: [] })).toBe('no model answered');
    expect(testVerdictSource({ passed: false, output: 'x', assertions: [], judge: [] })).toBe('failed: no tier’s answer was accepted');
  });
});
