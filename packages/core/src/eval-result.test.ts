import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { SCHEMA_FILE, schemaText } from '../../../scripts/gen-schema.ts';
import { parseEvalResult, passRatePercent, tallyByCategory } from './eval-result.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

const legacy = {
  suite: 'review',
  branch: 'feature/x',
  git_sha: 'abc123',
  hostname: 'laptop',
  timestamp: '2026-03-01T10:00:00Z',
  total_tests: 3,
  total_duration_ms: 4200,
  total_cost_usd: 0.5,
  tests: [
    { name: 'a', category: 'style', passed: true, duration_ms: 1000 },
    { name: 'b', category: 'style', passed: false, error: 'missed a bug' },
    { name: 'c', passed: true },
  ],
};

describe('legacy results', () => {
  it('are read and normalised to v1', () => {
    const parsed = parseEvalResult(legacy);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.legacy).toBe(true);
    expect(parsed.result).toMatchObject({
      schema_version: 1,
      suite: 'review',
      git: { branch: 'feature/x', sha: 'abc123' },
      duration_ms: 4200,
      totals: { tests: 3, passed: 2, failed: 1, skipped: 0, errors: 0 },
      pass_rate: 66.67,
      cost_usd: 0.5,
      by_category: { style: { tests: 2, passed: 1, failed: 1 }, general: { tests: 1, passed: 1, failed: 0 } },
    });
    expect(parsed.result.all_results[1]).toMatchObject({ name: 'b', passed: false, error: 'missed a bug', attempts: [], trial: 1 });
    expect(parsed.result.run_id).toBe('legacy-review-2026-03-01T10:00:00Z-laptop');
  });

  it('report the field that is wrong', () => {
    const parsed = parseEvalResult({ ...legacy, tests: [{ name: 'a', passed: 'yes' }] });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.issues[0]?.path).toEqual(['tests', 0, 'passed']);
  });

  it('are told apart from v1 documents with other problems', () => {
    const parsed = parseEvalResult({ schema_version: 3, suite: 'x' });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.issues.some((i) => i.path[0] === 'schema_version')).toBe(true);
  });
});

describe('the committed JSON Schema', () => {
  it(`${SCHEMA_FILE} is generated from the zod schema (run npm run gen:schema)`, () => {
    expect(readFileSync(`${repoRoot}${SCHEMA_FILE}`, 'utf8')).toBe(schemaText());
  });

  it('accepts what the zod schema accepts, for writers in other languages', () => {
    const parsed = parseEvalResult(legacy);
    if (!parsed.ok) throw new Error('fixture');
    const ajv = new Ajv2020({ strict: false });
    const validate = ajv.compile(JSON.parse(schemaText()));
    expect(validate(JSON.parse(JSON.stringify(parsed.result)))).toBe(true);
    expect(validate({ ...parsed.result, totals: { tests: -1 } })).toBe(false);
  });
});

describe('tallyByCategory', () => {
  it('counts tests, passes and failures; skips are neither', () => {
    expect(
      tallyByCategory([
        { category: 'a', passed: true },
        { category: 'a', passed: false },
        { category: 'a', passed: false, skipped: true },
        { category: 'b', passed: true },
      ]),
    ).toEqual({ a: { tests: 3, passed: 1, failed: 1 }, b: { tests: 1, passed: 1, failed: 0 } });
  });
});

describe('passRatePercent', () => {
  it.each([
    [2, 3, 66.67],
    [3, 3, 100],
    [0, 4, 0],
    [0, 0, null],
  ])('%d of %d → %s', (passed, ran, expected) => {
    expect(passRatePercent(passed, ran)).toBe(expected);
  });
});
