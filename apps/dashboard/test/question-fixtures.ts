/**
 * Two runs of one suite for the question and compare tests: the base written in
 * result format version 1 (no recorded input), the head in version 2 with each
 * test's input (messages after vars, vars; one cut at the bound, one hostile)
 * and expected value. Their outputs differ word by word, and their outcomes
 * give one regression, one fix and unchanged tests.
 */
import { type StandardEvalResultInput, standardEvalResultSchema } from '@gstack/core';
import { HOSTILE, resultDoc } from './fixtures.ts';

export const LONG_CUT = 120;

interface Case {
  name: string;
  base: { passed: boolean; output: string; error?: string };
  head: { passed: boolean; output: string; error?: string };
  input: {
    messages: Array<{ role: 'system' | 'user' | 'assistant'; content: string }>;
    vars: Record<string, string> | null;
    truncated: boolean;
  };
  expected: string | null;
}

export const CASES: Case[] = [
  {
    name: 'capital',
    base: { passed: true, output: 'Paris.' },
    head: { passed: true, output: 'The capital of France is Paris.' },
    input: {
      messages: [
        { role: 'system', content: 'Answer briefly.' },
        { role: 'user', content: 'What is the capital of France?' },
      ],
      vars: { country: 'France' },
      truncated: false,
    },
    expected: '- contains: "Paris"',
  },
  {
    name: 'peru',
    base: { passed: true, output: 'The capital of Peru is Lima, on the coast.' },
    head: { passed: false, output: 'The capital of Peru is Cusco, in the mountains.', error: 'contains: expected "Lima"' },
    input: { messages: [{ role: 'user', content: 'What is the capital of Peru?' }], vars: { country: 'Peru' }, truncated: false },
    expected: '- contains: "Lima"',
  },
  {
    name: 'chile',
    base: { passed: false, output: 'Valparaiso.', error: 'contains: expected "Santiago"' },
    head: { passed: true, output: 'Santiago.' },
    input: { messages: [{ role: 'user', content: 'What is the capital of Chile?' }], vars: null, truncated: false },
    expected: '- contains: "Santiago"',
  },
  {
    name: 'hostile',
    base: { passed: true, output: 'ok' },
    head: { passed: true, output: 'ok' },
    input: { messages: [{ role: 'user', content: HOSTILE.script }], vars: { x: HOSTILE.img }, truncated: false },
    expected: `- equals: ${HOSTILE.img}`,
  },
  {
    name: 'long',
    base: { passed: true, output: 'Summary.' },
    head: { passed: true, output: 'Summary.' },
    input: {
      messages: [{ role: 'user', content: `Summarise: ${'word '.repeat(20)}… [${LONG_CUT} more characters]` }],
      vars: null,
      truncated: true,
    },
    expected: null,
  },
];

function run(side: 'base' | 'head', minutesAgo: number): StandardEvalResultInput {
  const doc = resultDoc({
    suite: 'questions',
    minutesAgo,
    tests: CASES.map((c) => ({ name: c.name, passed: c[side].passed, output: c[side].output, error: c[side].error ?? null })),
  });
  if (side === 'head') {
    doc.schema_version = 2;
    doc.all_results = doc.all_results.map((r, i) => ({ ...r, input: CASES[i]?.input ?? null, expected: CASES[i]?.expected ?? null }));
  }
  return standardEvalResultSchema.parse(doc) as StandardEvalResultInput;
}

/** The base (version 1, an hour ago) and the head (version 2, ten minutes ago). */
export function questionDocs(): StandardEvalResultInput[] {
  return [run('base', 60), run('head', 10)];
}
