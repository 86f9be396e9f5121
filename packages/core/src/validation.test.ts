import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeProblems, fieldPath } from './validation.ts';

describe('fieldPath', () => {
  it.each([
    [[], ''],
    [['tests'], 'tests'],
    [['tests', 2, 'expect', 'regex'], 'tests[2].expect.regex'],
    [[0, 'a'], '[0].a'],
  ])('%j → %s', (path, expected) => {
    expect(fieldPath(path)).toBe(expected);
  });
});

describe('describeProblems', () => {
  it('names the source, the field and what was expected', () => {
    const schema = z.object({ tests: z.array(z.object({ name: z.string() })) });
    const result = schema.safeParse({ tests: [{ name: 'ok' }, { name: 3 }] });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(describeProblems('suite.yaml', result.error)).toBe('suite.yaml: tests[1].name: Invalid input: expected string, received number');
  });
});
