/** The registry is the one list of assertion types: every type has a handler and a summary, is in the generated suite JSON Schema and in the docs. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ASSERTION_TYPES } from '@gstack/core';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { SUITE_SCHEMA_FILE, suiteSchemaText } from '../../../../scripts/gen-schema.ts';
import { assertionSummaries } from './index.ts';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

describe('the assertion registry', () => {
  it('lists every type with a summary', () => {
    expect(assertionSummaries().map((a) => a.type)).toEqual(ASSERTION_TYPES);
    expect(assertionSummaries().every((a) => a.summary.length > 10)).toBe(true);
  });

  it(`${SUITE_SCHEMA_FILE} is generated from the zod schema and the registry (run npm run gen:schema)`, () => {
    expect(readFileSync(`${repoRoot}${SUITE_SCHEMA_FILE}`, 'utf8')).toBe(suiteSchemaText());
  });

  it('the suite JSON Schema accepts every type, its negation and a weight, and refuses unknown ones', () => {
    const validate = new Ajv2020({ strict: false }).compile(JSON.parse(suiteSchemaText()));
    const suite = (expect_: unknown[]) => ({ suite: 's', tests: [{ name: 't', prompt: 'p', expect: expect_ }] });
    expect(validate(suite([{ not_regex: 'x', weight: 2 }, { starts_with: 'a' }, { bleu: ['a b c d'] }, { javascript: 'true' }]))).toBe(
      true,
    );
    expect(validate({ suite: 's', tests: 'file://cases.csv' })).toBe(true);
    expect(validate(suite([{ contian: 'x' }]))).toBe(false);
    expect(validate(suite([{ contains: 'x', extra: 1 }]))).toBe(false);
  });

  it('docs/eval-engine.md documents every type', () => {
    const docs = readFileSync(`${repoRoot}docs/eval-engine.md`, 'utf8');
    expect(ASSERTION_TYPES.filter((type) => !docs.includes(`| \`${type}\``))).toEqual([]);
  });
});
