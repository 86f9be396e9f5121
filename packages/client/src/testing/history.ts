/**
 * Eval histories for tests, written as real result files: each run is a list
 * of test outcomes, the documents pass the StandardEvalResult schema.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { passRatePercent, type StandardEvalResult, standardEvalResultSchema } from '@gstack/core';
import { resultFileName, resultsDir } from '../results/layout.ts';

export interface RunSpec {
  suite?: string;
  branch?: string;
  tier?: string;
  hostname?: string;
  /** Hours before `now`. */
  hoursAgo: number;
  /** test name → passed (or [passed, tier, cost]). */
  tests: Record<string, boolean | [boolean, string | null, number]>;
  promptSha?: string;
}

export function makeRun(spec: RunSpec, now = Date.now(), repo = 'acme-app'): StandardEvalResult {
  const results = Object.entries(spec.tests).map(([name, v]) => {
    const [passed, tier, cost] = Array.isArray(v) ? v : [v, 't1', 0.001];
    return {
      name,
      category: 'general',
      passed,
      resolved_tier: tier,
      resolved_model: tier ? `local/${tier}` : null,
      cost_usd: cost,
      score: passed ? 1 : 0,
    };
  });
  const passed = results.filter((r) => r.passed).length;
  const cost = results.reduce((a, r) => a + r.cost_usd, 0);
  return standardEvalResultSchema.parse({
    schema_version: 1,
    version: '0.1.0',
    run_id: randomUUID(),
    suite: spec.suite ?? 'smoke',
    tier: spec.tier ?? 'ladder',
    repo_slug: repo,
    git: { branch: spec.branch ?? 'main', sha: 'abc' },
    hostname: spec.hostname ?? 'laptop',
    timestamp: new Date(now - spec.hoursAgo * 3_600_000).toISOString(),
    prompt_sha: spec.promptSha ?? 'p1',
    duration_ms: 1000,
    totals: { tests: results.length, passed, failed: results.length - passed, skipped: 0, errors: 0 },
    pass_rate: passRatePercent(passed, results.length),
    cost_usd: cost,
    judge_cost_usd: 0,
    cost_exact: false,
    costs: [{ model: 'local/t1', purpose: 'system', calls: results.length, cost_usd: cost, exact: false }],
    by_category: { general: { tests: results.length, passed, failed: results.length - passed } },
    all_results: results,
  });
}

/** Writes runs of repository `repo` where `gstack eval` looks for them (without summaries, as an older gstack did); returns the documents. */
export function writeHistory(stateDir: string, specs: RunSpec[], repo = 'acme-app'): StandardEvalResult[] {
  const dir = resultsDir(stateDir, repo);
  mkdirSync(dir, { recursive: true });
  return specs.map((spec) => {
    const doc = makeRun(spec, Date.now(), repo);
    writeFileSync(path.join(dir, resultFileName(doc.timestamp, doc.suite)), JSON.stringify(doc));
    return doc;
  });
}
