import { describe, expect, it } from 'vitest';
import { redactSecrets } from './redact.ts';

/** Shaped like a real key, assembled here so no key-shaped literal sits in the repository. */
const FAKE_ANTHROPIC_KEY = ['sk', 'ant', 'api03', 'abcdefghijklmnopqrstuvwxyz'].join('-');
const FAKE_SLACK_WEBHOOK = ['https://hooks.slack.com/services', 'T000', 'B000', 'XXXXXXXX'].join('/');

describe('redactSecrets', () => {
  it.each([
    [`export ANTHROPIC_API_KEY=${FAKE_ANTHROPIC_KEY}`, 'ANTHROPIC_API_KEY=', FAKE_ANTHROPIC_KEY],
    ['key sk-proj-abcdefghijklmnopqrstuvwx used', '[REDACTED_API_KEY]', 'sk-proj-abc'],
    ['clone https://ghp_abcdefghijklmnopqrstuvwxyz0123@github.com/x', '[REDACTED', 'ghp_abcdef'],
    ['postgres://app:hunter2@db.internal:5432/prod', 'postgres://app:[REDACTED]@db.internal', 'hunter2'],
    ['Authorization: Bearer abc.def-ghijklmnopqrstu', 'Bearer [REDACTED]', 'ghijklmnop'],
    ['password = "correct horse battery"', 'password = "[REDACTED]', 'correct'],
    ['jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', '[REDACTED_JWT]', 'eyJhbGci'],
    ['AWS AKIAIOSFODNN7EXAMPLE', '[REDACTED_AWS_KEY]', 'AKIAIOSFODNN7'],
    [`hook ${FAKE_SLACK_WEBHOOK}`, '[REDACTED_SLACK_WEBHOOK]', 'B000/XXXX'],
    ['ci token gst_abcdefghijklmnopqrstuvwxyz012345', '[REDACTED_GSTACK_TOKEN]', 'gst_abcdef'],
  ])('%s', (input, present, absent) => {
    const out = redactSecrets(input);
    expect(out).toContain(present);
    expect(out).not.toContain(absent);
  });

  it('leaves ordinary text alone', () => {
    const text = 'Refactor the token bucket in src/rate-limit.ts and add tests for the sk-learn import.';
    expect(redactSecrets(text)).toBe(text);
  });
});
