/**
 * Result documents for the part 2 pages, with hand-computed expectations:
 * a suite whose tests have a known trend history over six daily runs, and two
 * ladder suites whose attempts, verifier decisions and costs are chosen so the
 * escalation savings and the verifier's false accepts/rejects can be worked out
 * by hand (see LADDER_EXPECTED).
 */
import { type StandardEvalResultInput, standardEvalResultSchema } from '@gstack/core';
import { resultDoc } from './fixtures.ts';

const DAY = 1440;

/** Outcomes oldest first over six daily runs; the class core gives each. */
export const HISTORY: Record<string, { outcomes: boolean[]; expected: string }> = {
  steady: { outcomes: [true, true, true, true, true, true], expected: 'stable-pass' },
  broken: { outcomes: [false, false, false, false, false, false], expected: 'stable-fail' },
  wobbly: { outcomes: [true, false, true, false, true, false], expected: 'flaky' },
  fixed: { outcomes: [false, false, false, true, true, true], expected: 'improving' },
  slipping: { outcomes: [true, true, true, true, false, false], expected: 'degrading' },
};

/** Six runs of "capitals", one a day, the newest 10 minutes ago. Pass rates 60, 40, 60, 60, 60, 40: the last regressed. */
export function historyDocs(): StandardEvalResultInput[] {
  return [5, 4, 3, 2, 1, 0].map((daysAgo, i) =>
    resultDoc({
      suite: 'capitals',
      minutesAgo: daysAgo * DAY + 10,
      tests: Object.entries(HISTORY).map(([name, h]) => ({
        name,
        passed: h.outcomes[i] as boolean,
        output: `${name} answer on day ${i + 1}`,
        error: h.outcomes[i] ? null : `${name} missed the capital on day ${i + 1}`,
      })),
    }),
  );
}

export const HAIKU = 'anthropic/claude-haiku-4-5';
const LOCAL_VERIFIER = 'local/verifier-7b';

export interface LadderTest {
  name: string;
  /** The verifier accepted t1's answer (else t2, self-certified, answered). */
  accepted: boolean;
  /** Deterministic assertions on t1's answer: true/false, or null when the test has none (judge only). */
  t1Assertions: boolean | null;
  verifier: string;
}

export function ladderDoc(suite: string, tests: LadderTest[]): StandardEvalResultInput {
  const doc = resultDoc({ suite, minutesAgo: 60, tests: tests.map((t) => ({ name: t.name, passed: true })) });
  doc.all_results = tests.map((t, i) => {
    const base = doc.all_results[i] as (typeof doc.all_results)[number];
    const judgeOnly = t.t1Assertions === null;
    const t1 = {
      attempt: 1,
      model: 'local/qwen3-8b',
      tier: 't1',
      duration_ms: 300,
      verdict: t.accepted ? ('accept' as const) : ('escalate' as const),
      feedback: t.accepted ? null : 'Not good enough.',
      input_tokens: 100,
      output_tokens: 20,
      cost_usd: 0.001,
      cost_exact: true,
      verifier: { model: t.verifier, cached: false, cost_usd: 0, accept: t.accepted },
      answer: t.accepted ? null : `t1 answer to ${t.name}`,
      // The accepted answer's assertions are the test's own (below); a rejected one records them here.
      assertions_passed: t.accepted ? null : t.t1Assertions,
    };
    const t2 = {
      attempt: 2,
      model: 'anthropic/claude-sonnet-4-6',
      tier: 't2',
      duration_ms: 1200,
      verdict: 'accept' as const,
      self_certified: true,
      input_tokens: 150,
      output_tokens: 50,
      cost_usd: 0.02,
      cost_exact: false,
    };
    const passed = t.accepted ? t.t1Assertions !== false : true;
    return {
      ...base,
      passed,
      score: passed ? 1 : 0,
      cost_usd: t.accepted ? 0.001 : 0.021,
      resolved_tier: t.accepted ? 't1' : 't2',
      resolved_model: t.accepted ? 'local/qwen3-8b' : 'anthropic/claude-sonnet-4-6',
      error: passed ? null : 'contains: expected "Lima"',
      assertions: judgeOnly
        ? []
        : [{ type: 'contains', passed: t.accepted ? (t.t1Assertions as boolean) : true, message: passed ? null : 'expected "Lima"' }],
      judge: judgeOnly
        ? [{ rubric: 'Is it right?', model: HAIKU, pass: true, score: 1, reason: 'Right.', cached: false, cost_usd: 0 }]
        : [],
      attempts: t.accepted ? [t1] : [t1, t2],
    };
  });
  const passed = doc.all_results.filter((r) => r.passed).length;
  const t2Calls = tests.filter((t) => !t.accepted).length;
  doc.totals = { tests: tests.length, passed, failed: tests.length - passed, skipped: 0, errors: 0 };
  doc.pass_rate = Math.round((10_000 * passed) / tests.length) / 100;
  doc.cost_usd = Math.round((tests.length * 0.001 + t2Calls * 0.02) * 1e6) / 1e6;
  doc.costs = [
    {
      model: 'local/qwen3-8b',
      purpose: 'system',
      calls: tests.length,
      input_tokens: tests.length * 100,
      output_tokens: tests.length * 20,
      cost_usd: tests.length * 0.001,
      exact: true,
      // Two more answers came from the model response cache: $0, not in calls.
      cached_calls: 2,
    },
    { model: 'anthropic/claude-sonnet-4-6', purpose: 'system', calls: t2Calls, cost_usd: t2Calls * 0.02, exact: false },
  ];
  return standardEvalResultSchema.parse(doc) as StandardEvalResultInput;
}

/**
 * "ladder": a true accept, a false accept, a false reject, a rejection the assertions cannot
 * judge, an accept they cannot judge (judge-only test). "judged-only": decisions none can judge.
 */
export function ladderDocs(): StandardEvalResultInput[] {
  return [
    ladderDoc('ladder', [
      { name: 'a-true-accept', accepted: true, t1Assertions: true, verifier: HAIKU },
      { name: 'b-false-accept', accepted: true, t1Assertions: false, verifier: HAIKU },
      { name: 'c-false-reject', accepted: false, t1Assertions: true, verifier: HAIKU },
      { name: 'd-reject-unknown', accepted: false, t1Assertions: null, verifier: HAIKU },
      { name: 'e-accept-unknown', accepted: true, t1Assertions: null, verifier: HAIKU },
    ]),
    ladderDoc('judged-only', [
      { name: 'x-accept-unknown', accepted: true, t1Assertions: null, verifier: LOCAL_VERIFIER },
      { name: 'y-reject-unknown', accepted: false, t1Assertions: null, verifier: LOCAL_VERIFIER },
    ]),
  ];
}

/**
 * Worked by hand. ladder: 5 tests; t1 5 attempts × $0.001, t2 2 × $0.02; actual $0.045; all on t2
 * 5 × $0.02 = $0.10; saved $0.055 (55 %). judged-only: 2 tests; t1 2 × $0.001, t2 1 × $0.02; actual
 * $0.022; all on t2 $0.04; saved $0.018 (45 %). Team (capitals adds $0: its attempts cost nothing):
 * actual $0.067, all on top $0.14, saved $0.073 (52.1 %).
 * Haiku: 5 decisions, 3 accepted, no audit, no review. Against the assertions: right = a (accepted) and
 * c (rejected), wrong = b (accepted); agree 1 of 3; false accepts 1 of 1; false rejects 1 of 2: all under
 * the minimum of 10, so "not enough", never 100 % or 50 %. d and e could not be judged.
 * Local verifier: 2 decisions, none labelled by anything.
 */
export const LADDER_EXPECTED = {
  ladder: { tests: '5', actual: '$0.0450', allTop: '$0.1000', saved: '$0.0550', savedPercent: '55%' },
  judgedOnly: { tests: '2', actual: '$0.0220', allTop: '$0.0400', saved: '$0.0180', savedPercent: '45%' },
  team: { actual: '$0.0670', allTop: '$0.1400', saved: '$0.0730', savedPercent: '52.1% of top-tier cost' },
  haiku: {
    model: HAIKU,
    decisions: ['5', '3', '0', '0'],
    assertions: [
      '3 (2 · 1)',
      'not enough answers (1 of 3; 10 needed)',
      'not enough answers (1 of 1; 10 needed)',
      'not enough answers (1 of 2; 10 needed)',
    ],
    people: ['0 (0 · 0)', 'none labelled', 'none labelled', 'none labelled'],
  },
  local: { model: LOCAL_VERIFIER, assertions: ['0 (0 · 0)', 'none labelled', 'none labelled', 'none labelled'] },
};
