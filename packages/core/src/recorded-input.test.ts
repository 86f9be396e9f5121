import { describe, expect, it } from 'vitest';
import { boundText, recordExpected, recordInput, TEXT_LIMIT, VAR_LIMIT } from './recorded-input.ts';

describe('the recorded input', () => {
  it('keeps the rendered messages and vars, redacting secrets', () => {
    // Assembled from parts, as redact.test.ts does, so no secret scanner takes the fixture for a key.
    const key = ['sk', 'ant', 'api03', 'a'.repeat(90)].join('-');
    const input = recordInput(
      [
        { role: 'system', content: 'Answer briefly.' },
        { role: 'user', content: `Capital of France? (key ${key})` },
      ],
      { country: 'France', n: 3, token: key },
    );
    expect(input.messages[0]).toEqual({ role: 'system', content: 'Answer briefly.' });
    expect(input.messages[1]?.content).not.toContain(key);
    expect(input.messages[1]?.content).toMatch(/^Capital of France\? \(key .*REDACTED.*\)$/);
    expect(input.vars?.country).toBe('France');
    expect(input.vars?.n).toBe(3);
    expect(String(input.vars?.token)).not.toContain(key);
    expect(input.truncated).toBe(false);
  });

  it('bounds each text and says so', () => {
    const long = 'x'.repeat(TEXT_LIMIT + 10);
    const input = recordInput([{ role: 'user', content: long }], { big: 'y'.repeat(VAR_LIMIT + 1) });
    expect(input.messages[0]?.content).toBe(`${'x'.repeat(TEXT_LIMIT)}… [10 more characters]`);
    expect(input.vars?.big).toBe(`${'y'.repeat(VAR_LIMIT)}… [1 more characters]`);
    expect(input.truncated).toBe(true);
    expect(recordInput([{ role: 'user', content: 'hi' }], {}).vars).toBeNull();
    expect(boundText('abc', 2)).toBe('ab… [1 more characters]');
  });

  it('summarises what was expected, one assertion a line', () => {
    expect(recordExpected(['- contains "Paris"', '- judge: names the capital'])).toBe('- contains "Paris"\n- judge: names the capital');
    expect(recordExpected([])).toBeNull();
  });
});
