/**
 * Result documents for the dashboard's browser tests, written as files and
 * pushed with the real `gstack-sync push`: a suite whose two runs differ
 * (a regression, a fix, an escalation, a cost change), and an XSS probe whose
 * every user-controlled string is hostile.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { passRatePercent, type StandardEvalResultInput, standardEvalResultSchema } from '@gstack/core';

export interface TestSpec {
  name: string;
  passed: boolean;
  output?: string;
  /** Escalated to t2 after t1's verifier feedback. */
  escalated?: boolean;
  feedback?: string;
  error?: string | null;
  judgeReason?: string;
  cost?: number;
  durationMs?: number;
}

export interface RunOptions {
  suite: string;
  minutesAgo: number;
  tests: TestSpec[];
  label?: string | null;
  branch?: string;
  repo?: string;
  /** Stopped with Ctrl-C before every test ran. */
  interrupted?: boolean;
}

export function resultDoc(options: RunOptions): StandardEvalResultInput {
  const results = options.tests.map((t) => {
    const cost = t.cost ?? (t.escalated ? 0.012 : 0.0004);
    const attempts = [
      {
        attempt: 1,
        model: 'local/qwen3-8b',
        tier: 't1',
        duration_ms: 300,
        warm: true,
        verdict: t.escalated ? ('escalate' as const) : ('accept' as const),
        feedback: t.escalated ? (t.feedback ?? 'Answer omits the unit.') : null,
        input_tokens: 120,
        output_tokens: 40,
        cost_usd: 0,
        cost_exact: true,
      },
      ...(t.escalated
        ? [
            {
              attempt: 2,
              model: 'anthropic/claude-sonnet-4-6',
              tier: 't2',
              duration_ms: 1400,
              warm: null,
              verdict: 'accept' as const,
              self_certified: true,
              input_tokens: 180,
              output_tokens: 60,
              cache_read_tokens: 1024,
              cache_write_tokens: 256,
              cost_usd: cost,
            },
          ]
        : []),
    ];
    return {
      name: t.name,
      category: 'basics',
      passed: t.passed,
      score: t.passed ? 1 : 0,
      duration_ms: t.durationMs ?? (t.escalated ? 1700 : 300),
      cost_usd: cost,
      resolved_tier: t.escalated ? 't2' : 't1',
      resolved_model: t.escalated ? 'anthropic/claude-sonnet-4-6' : 'local/qwen3-8b',
      error: t.error ?? null,
      output: t.output ?? `answer to ${t.name}`,
      assertions: [{ type: 'contains', passed: t.passed, message: t.passed ? null : 'expected "Paris"' }],
      attempts,
      judge: t.judgeReason
        ? [
            {
              rubric: 'Is the answer correct?',
              model: 'anthropic/claude-haiku-4-5',
              pass: t.passed,
              score: t.passed ? 1 : 0,
              reason: t.judgeReason,
              cached: false,
              cost_usd: 0.0002,
            },
          ]
        : [],
    };
  });
  const passed = results.filter((r) => r.passed).length;
  const cost = results.reduce((a, r) => a + r.cost_usd, 0);
  const doc: StandardEvalResultInput = {
    schema_version: 1,
    version: '0.1.0',
    run_id: randomUUID(),
    suite: options.suite,
    label: options.label ?? null,
    tier: 'ladder',
    repo_slug: options.repo ?? 'acme-app',
    git: { branch: options.branch ?? 'main', sha: randomUUID().replace(/-/g, '').slice(0, 12) },
    hostname: 'laptop',
    timestamp: new Date(Date.now() - options.minutesAgo * 60_000).toISOString(),
    prompt_sha: 'a'.repeat(64),
    duration_ms: results.reduce((a, r) => a + r.duration_ms, 0),
    totals: { tests: results.length, passed, failed: results.length - passed, skipped: 0, errors: 0 },
    pass_rate: passRatePercent(passed, results.length),
    cost_usd: cost,
    judge_cost_usd: 0,
    cost_exact: false,
    costs: [{ model: 'anthropic/claude-sonnet-4-6', purpose: 'system', calls: results.length, cost_usd: cost, exact: false }],
    by_category: { basics: { tests: results.length, passed, failed: results.length - passed } },
    interrupted: options.interrupted ?? false,
    all_results: results,
  };
  standardEvalResultSchema.parse(doc);
  return doc;
}

/** Writes documents to a fresh directory; returns their paths in order. */
export function writeDocs(docs: StandardEvalResultInput[]): string[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gstack-dash-'));
  return docs.map((doc, i) => {
    const file = path.join(dir, `${i}-${doc.run_id}.json`);
    writeFileSync(file, JSON.stringify(doc));
    return file;
  });
}

/** Strings that would run script or mislead if rendered unescaped. */
export const HOSTILE = {
  script: '<script>alert("xss-script")</script>',
  img: '"><img src=x onerror=alert("xss-img")>',
  link: 'javascript:alert("xss-link")',
  slack: '<!channel> deploy now',
};
