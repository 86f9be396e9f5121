/** Synthetic but schema-valid eval result documents for the benchmarks. */
import { randomUUID } from 'node:crypto';
import { type StandardEvalResult, type StandardEvalResultInput, standardEvalResultSchema } from '@gstack/core';

/**
 * A run of `tests` results; every fifth test escalates once (so ≈ 1.2 attempts per
 * test, 6,000 attempts for 5,000 tests), about one in ten fails.
 */
export function resultDocument(tests: number, overrides: Partial<StandardEvalResultInput> = {}): StandardEvalResult {
  const results = Array.from({ length: tests }, (_, i) => {
    const escalated = i % 5 === 0;
    const passed = i % 10 !== 3;
    return {
      name: `test-${String(i).padStart(5, '0')}`,
      category: `category-${i % 8}`,
      passed,
      duration_ms: 40 + (i % 17),
      cost_usd: escalated ? 0.0021 : 0,
      resolved_tier: escalated ? 'cloud' : 'local',
      resolved_model: escalated ? 'anthropic/claude-sonnet-4-6' : 'local/qwen',
      attempts: [
        {
          attempt: 1,
          model: 'local/qwen',
          tier: 'local',
          duration_ms: 30,
          warm: true,
          verdict: escalated ? ('escalate' as const) : ('accept' as const),
          feedback: escalated ? 'the answer misses the second requirement' : null,
          input_tokens: 420,
          output_tokens: 90,
        },
        ...(escalated
          ? [
              {
                attempt: 2,
                model: 'anthropic/claude-sonnet-4-6',
                tier: 'cloud',
                duration_ms: 600,
                verdict: 'accept' as const,
                input_tokens: 510,
                output_tokens: 120,
                cost_usd: 0.0021,
              },
            ]
          : []),
      ],
    };
  });
  const passed = results.filter((r) => r.passed).length;
  const doc: StandardEvalResultInput = {
    schema_version: 1,
    version: '0.1.0',
    run_id: randomUUID(),
    suite: 'bench-suite',
    tier: 'ladder',
    repo_slug: 'acme/bench',
    git: { branch: 'main', sha: 'b'.repeat(40) },
    hostname: 'bench-host',
    timestamp: new Date().toISOString(),
    prompt_sha: 'f'.repeat(64),
    duration_ms: 60_000,
    totals: { tests, passed, failed: tests - passed, skipped: 0, errors: 0 },
    pass_rate: Math.round((10_000 * passed) / tests) / 100,
    cost_usd: 0.0021 * Math.ceil(tests / 5),
    judge_cost_usd: 0,
    cost_exact: false,
    costs: [
      { model: 'local/qwen', purpose: 'system', calls: tests, cost_usd: 0, exact: true },
      {
        model: 'anthropic/claude-sonnet-4-6',
        purpose: 'system',
        calls: Math.ceil(tests / 5),
        cost_usd: 0.0021 * Math.ceil(tests / 5),
        exact: false,
      },
    ],
    by_category: {},
    all_results: results,
    ...overrides,
  };
  return standardEvalResultSchema.parse(doc);
}

/** Rows a push of `doc` writes: the run, its results, attempts and cost lines. */
export function rowsOf(doc: StandardEvalResult): number {
  return 1 + doc.all_results.length + doc.all_results.reduce((n, r) => n + r.attempts.length, 0) + doc.costs.length;
}
