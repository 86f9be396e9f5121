import { describe, expect, it } from 'vitest';
import { parseEvalResult } from './eval-result.ts';
import { toRunPayload } from './sync-payload.ts';

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
