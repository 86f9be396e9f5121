import { describe, expect, it } from 'vitest';
import { parseEvalResult } from './eval-result.ts';
import { STORE_ROW_DEFAULTS, toRunPayload } from './sync-payload.ts';

describe('toRunPayload', () => {
  it('redacts secrets from outputs, errors and feedback before they leave the machine', () => {
    const parsed = parseEvalResult({
      suite: 'smoke',
      branch: 'main',
      git_sha: 'abc123',
      hostname: 'laptop',
      timestamp: '2026-03-01T10:00:00Z',
      total_tests: 1,
      tests: [{ name: 'db', passed: false, error: 'connect failed: PGPASSWORD=hunter22 psql', output: 'DB_PASSWORD=s3cret-value' }],
    });
    if (!parsed.ok) throw new Error('fixture does not parse');
    const doc = parsed.result;
    const first = doc.all_results[0];
    if (!first) throw new Error('fixture has no result');
    first.attempts = [
      {
        ...({} as (typeof first.attempts)[number]),
        attempt: 1,
        model: 'local/qwen',
        verdict: 'escalate',
        feedback: 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENG',
      },
    ];
    const payload = toRunPayload(doc);
    const text = JSON.stringify(payload);
    for (const secret of ['hunter22', 's3cret-value', 'wJalrXUtnFEMIK7MDENG']) expect(text).not.toContain(secret);
    expect(payload.results[0]?.error).toBe('connect failed: PGPASSWORD=[REDACTED] psql');
    expect(payload.attempts[0]?.feedback).toBe('AWS_SECRET_ACCESS_KEY=[REDACTED]');
    // The caller's document is left as it was (the local file keeps everything).
    expect(first.error).toContain('hunter22');
  });
});

describe('toRunPayload rows', () => {
  it('leave out nulls and the values the store writes for a missing key, and keep every other value', () => {
    const parsed = parseEvalResult({
      suite: 'smoke',
      timestamp: '2026-03-01T10:00:00Z',
      total_tests: 2,
      tests: [
        { name: 'plain', passed: false },
        { name: 'costly', passed: true, cost_usd: 0.5 },
      ],
    });
    if (!parsed.ok) throw new Error('fixture does not parse');
    const [plain, costly] = parsed.result.all_results;
    if (!plain || !costly) throw new Error('fixture has no results');
    costly.trial = 2;
    plain.attempts = [
      {
        ...({} as (typeof plain.attempts)[number]),
        attempt: 1,
        model: 'local/qwen',
        tier: 'local',
        verdict: 'accept',
        input_tokens: 0,
        output_tokens: 12,
        cost_usd: 0,
        cost_exact: false,
      },
    ];
    const payload = toRunPayload(parsed.result);
    // duration_ms 0 is kept: the store writes null, not 0, for a missing duration.
    expect(payload.results[0]).toEqual({ test_name: 'plain', category: 'general', passed: false, duration_ms: 0 });
    expect(payload.results[1]).toEqual({ test_name: 'costly', trial: 2, category: 'general', passed: true, duration_ms: 0, cost_usd: 0.5 });
    expect(payload.attempts[0]).toEqual({
      test_name: 'plain',
      attempt: 1,
      model: 'local/qwen',
      tier: 'local',
      verdict: 'accept',
      output_tokens: 12,
    });
    expect(plain).toMatchObject({ score: null, trial: 1, skipped: false, error: null, cost_usd: 0 });
    // The plain test's values are all the store's defaults: none of those keys is sent.
    for (const key of Object.keys(STORE_ROW_DEFAULTS.results)) expect(payload.results[0]).not.toHaveProperty(key);
  });
});
