/**
 * StandardEvalResult, schema_version 2 (1 still read): the one document an eval
 * run produces. Version 2 adds each test's recorded `input` and `expected`;
 * a version 1 document has neither (both null).
 * This zod schema is the single definition; docs/eval-result.schema.json is
 * generated from it (npm run gen:schema) and docs/eval-result-format.md
 * explains every field. Older documents (`branch`, `total_tests`, `tests`,
 * `total_duration_ms`) are read through `parseEvalResult`, which normalises them.
 */
import { z } from 'zod';

const count = z.int().min(0);
const usd = z.number().min(0);

const usageFields = {
  input_tokens: count.default(0),
  output_tokens: count.default(0),
  cache_read_tokens: count.default(0),
  cache_write_tokens: count.default(0),
  /** Of cache_write_tokens, those written to Anthropic's 1-hour cache (priced at their own rate). */
  cache_write_1h_tokens: count.optional(),
};

export const attemptSchema = z.object({
  /** 1-based position in the ladder run for this test. */
  attempt: z.int().min(1),
  model: z.string().min(1),
  /** Ladder step: t1 is the first (cheapest) model of the chain. */
  tier: z.string().min(1),
  duration_ms: count,
  /** Whether the model was loaded before the call (local tiers with a warm probe); null when not probed. */
  warm: z.boolean().nullable().default(null),
  verdict: z.enum(['accept', 'escalate', 'error']),
  /** Why the attempt was not accepted (verifier feedback, failed checks, or the error). */
  feedback: z.string().nullable().default(null),
  self_certified: z.boolean().default(false),
  /**
   * Why the answer was accepted without a verifier: the chain entry's own `self_certify`, its
   * provider's, the chain's last tier (nothing stronger is left), or a one-model chain (`--model`,
   * `--tier`); null when the answer was checked (or for results written before this field).
   */
  self_certify_rule: z.enum(['entry', 'provider', 'last_tier', 'only_model']).nullable().default(null),
  ...usageFields,
  cost_usd: usd.default(0),
  cost_exact: z.boolean().default(false),
  /**
   * The verifier call that judged this attempt, if one was made. `audit`: the answer had already
   * failed the deterministic assertions and was judged only as part of the audit sample (the
   * verdict did not change the ladder); `feedback` is the verifier's own words. The verifier's
   * verdict is not the people's: see answer reviews in docs/dashboard-insights.md.
   */
  verifier: z
    .object({
      model: z.string(),
      cached: z.boolean(),
      cost_usd: usd,
      accept: z.boolean(),
      audit: z.boolean().default(false),
      /** The verifier call failed (no verdict): `accept` is then false and means nothing. */
      error: z.boolean().default(false),
      feedback: z.string().nullable().default(null),
      /** A cached verdict: what it cost when it was first paid; null when not cached or not recorded. */
      saved_usd: usd.nullable().default(null),
    })
    .nullable()
    .default(null),
  /** A rejected (`escalate`) attempt's answer, cut at 4,000 characters; null otherwise (the accepted answer is the test's `output`). */
  answer: z.string().nullable().default(null),
  /**
   * Whether the answer passed the test's deterministic assertions (every type but `judge`), checked
   * when the tier was verified; null when the test has none or the attempt was not checked.
   */
  assertions_passed: z.boolean().nullable().default(null),
  /** Answered from the model response cache: no call was made, $0. */
  cached: z.boolean().default(false),
});
export type EvalAttempt = z.infer<typeof attemptSchema>;

export const assertionResultSchema = z.object({
  type: z.string(),
  passed: z.boolean(),
  message: z.string().nullable().default(null),
});
export type AssertionResult = z.infer<typeof assertionResultSchema>;

export const judgeResultSchema = z.object({
  rubric: z.string(),
  model: z.string(),
  pass: z.boolean(),
  score: z.number().min(0).max(1).nullable(),
  reason: z.string().nullable(),
  cached: z.boolean(),
  cost_usd: usd,
  cost_exact: z.boolean().default(false),
  /** A cached verdict: what it cost when it was first paid (what the cache saved); null when not cached or not recorded. */
  saved_usd: usd.nullable().default(null),
});
export type JudgeResult = z.infer<typeof judgeResultSchema>;

export const testResultSchema = z.object({
  name: z.string().min(1),
  category: z.string().default('general'),
  /** 1..N for tests with repeat: N. */
  trial: z.int().min(1).default(1),
  passed: z.boolean(),
  skipped: z.boolean().default(false),
  /** 0..1: the share of assertions that passed (judge scores count as given). */
  score: z.number().min(0).max(1).nullable().default(null),
  duration_ms: count.default(0),
  /** Everything this test cost: the ladder's calls plus its judge calls. */
  cost_usd: usd.default(0),
  judge_cost_usd: usd.default(0),
  resolved_tier: z.string().nullable().default(null),
  resolved_model: z.string().nullable().default(null),
  error: z.string().nullable().default(null),
  output: z.string().nullable().default(null),
  /**
   * (v2) The question as asked: the messages after `vars` substitution and the vars, redacted and
   * bounded (core's recordInput: 4,000 characters a message, 1,000 a var, cuts marked); null in v1.
   */
  input: z
    .object({
      messages: z.array(z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() })),
      vars: z
        .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
        .nullable()
        .default(null),
      truncated: z.boolean().default(false),
    })
    .nullable()
    .default(null),
  /** (v2) What was expected: the test's assertions, one line each, redacted and bounded; null in v1 or without assertions. */
  expected: z.string().nullable().default(null),
  assertions: z.array(assertionResultSchema).default([]),
  attempts: z.array(attemptSchema).default([]),
  judge: z.array(judgeResultSchema).default([]),
});
export type TestResult = z.infer<typeof testResultSchema>;

export const modelCostSchema = z.object({
  model: z.string().min(1),
  /** system: the models under test (the ladder); judge: judge and verifier calls. */
  purpose: z.enum(['system', 'judge']),
  calls: count,
  ...usageFields,
  cost_usd: usd,
  /** true when every call's cost was reported by the API. */
  exact: z.boolean(),
  /** true when the model is not in the pricing table and was priced at the fallback. */
  unknown_model: z.boolean().default(false),
  /** true when some call was priced by `pricing:` in models.yaml rather than the table. */
  configured_price: z.boolean().default(false),
  /** Answers served from the model response cache ($0, not in `calls`). */
  cached_calls: count.default(0),
});
export type ModelCost = z.infer<typeof modelCostSchema>;

export const standardEvalResultSchema = z.object({
  /** 2 since results record each test's input and expected value; 1 is still read (without them). */
  schema_version: z.union([z.literal(1), z.literal(2)]),
  /** The gstack version that wrote it. */
  version: z.string(),
  /** Stable identity of this run (the team store's natural key). */
  run_id: z.string().min(1).max(200),
  suite: z.string().min(1),
  label: z.string().nullable().default(null),
  /** ladder (the escalation chain), fast|standard|full (one tier's model), or model (--model). */
  tier: z.string(),
  repo_slug: z.string().min(1),
  git: z.object({ branch: z.string().nullable(), sha: z.string().nullable() }),
  hostname: z.string(),
  /** When the run started, ISO 8601. */
  timestamp: z.iso.datetime({ offset: true }),
  /** SHA-256 of the suite file: results are comparable when it is unchanged. */
  prompt_sha: z.string(),
  duration_ms: count,
  totals: z.object({ tests: count, passed: count, failed: count, skipped: count, errors: count }),
  /** Percent of the tests that ran that passed; null when none ran. */
  pass_rate: z.number().min(0).max(100).nullable(),
  cost_usd: usd,
  judge_cost_usd: usd,
  /** true when every call's cost was reported by its API. */
  cost_exact: z.boolean(),
  /** What the system-under-test tokens would have cost with every call on each tier's model. */
  what_if: z.record(z.string(), usd).default({}),
  costs: z.array(modelCostSchema),
  by_category: z.record(z.string(), z.object({ tests: count, passed: count, failed: count })),
  cache: z.object({ hits: count, misses: count }).default({ hits: 0, misses: 0 }),
  /**
   * true when some test got no answer from any model (every attempt failed: server down,
   * bad key, timeouts); such runs are not pushed unless asked (`--push-errors`).
   */
  errored: z.boolean().default(false),
  /** true when the run was stopped (Ctrl-C) and holds only the tests that finished. */
  interrupted: z.boolean().default(false),
  /** How many tests (× trials) the run set out to do; with all_results it tells a partial file's progress. */
  planned_tests: z.int().min(0).nullable().default(null),
  all_results: z.array(testResultSchema),
});
export type StandardEvalResult = z.infer<typeof standardEvalResultSchema>;
/** What writers produce before defaults are applied. */
export type StandardEvalResultInput = z.input<typeof standardEvalResultSchema>;

/** The pre-v1 shape, as far as we read it. */
const legacySchema = z.object({
  suite: z.string().optional(),
  name: z.string().optional(),
  version: z.string().optional(),
  branch: z.string().nullable().optional(),
  git_sha: z.string().nullable().optional(),
  commit: z.string().nullable().optional(),
  repo_slug: z.string().optional(),
  hostname: z.string().optional(),
  timestamp: z.string(),
  tier: z.string().optional(),
  label: z.string().nullable().optional(),
  total_tests: count,
  passed: count.optional(),
  failed: count.optional(),
  total_duration_ms: count.optional(),
  total_cost_usd: usd.optional(),
  tests: z.array(
    z.object({
      name: z.string(),
      category: z.string().optional(),
      passed: z.boolean(),
      duration_ms: count.optional(),
      cost_usd: usd.optional(),
      error: z.string().nullable().optional(),
      output: z.string().nullable().optional(),
    }),
  ),
});

/** Percent of `ran` that passed, two decimals; null when nothing ran. The one pass-rate formula. */
export function passRatePercent(passed: number, ran: number): number | null {
  return ran > 0 ? Math.round((10_000 * passed) / ran) / 100 : null;
}

export type CategoryTally = Record<string, { tests: number; passed: number; failed: number }>;

/** by_category: tests, passed and failed per category (skipped tests count as neither). */
export function tallyByCategory(results: Array<{ category: string; passed: boolean; skipped?: boolean }>): CategoryTally {
  const tally: CategoryTally = {};
  for (const r of results) {
    const c = tally[r.category] ?? { tests: 0, passed: 0, failed: 0 };
    c.tests += 1;
    if (r.passed) c.passed += 1;
    else if (!r.skipped) c.failed += 1;
    tally[r.category] = c;
  }
  return tally;
}

/** The parts of a run document that follow from its results alone (one rule for final and partial documents). */
export function resultTotals(results: Array<{ category: string; passed: boolean; skipped?: boolean; output?: string | null }>) {
  const passed = results.filter((r) => r.passed).length;
  const skipped = results.filter((r) => r.skipped).length;
  const ran = results.length - skipped;
  const errors = results.filter((r) => !r.skipped && r.output === null).length;
  return {
    totals: { tests: results.length, passed, failed: ran - passed, skipped, errors },
    pass_rate: passRatePercent(passed, ran),
    by_category: tallyByCategory(results),
    errored: errors > 0,
  };
}

/** The version this gstack writes. */
export const SCHEMA_VERSION = 2;
/** The versions it reads (and the legacy pre-v1 shape, normalised). */
export const READABLE_SCHEMA_VERSIONS: readonly number[] = [1, 2];

export function isLegacyEvalResult(doc: unknown): boolean {
  return !!doc && typeof doc === 'object' && !('schema_version' in doc) && 'tests' in doc && 'total_tests' in doc;
}

/** A legacy document in v1 shape (values it lacks get neutral defaults). */
export function normalizeLegacy(doc: z.infer<typeof legacySchema>): StandardEvalResultInput {
  const suite = doc.suite ?? doc.name ?? 'unknown';
  const passed = doc.passed ?? doc.tests.filter((t) => t.passed).length;
  const failed = doc.failed ?? doc.tests.length - passed;
  const categories = tallyByCategory(doc.tests.map((t) => ({ category: t.category ?? 'general', passed: t.passed })));
  const ran = passed + failed;
  return {
    schema_version: 1,
    version: doc.version ?? 'legacy',
    run_id: `legacy-${suite}-${doc.timestamp}-${doc.hostname ?? 'unknown'}`.slice(0, 200),
    suite,
    label: doc.label ?? null,
    tier: doc.tier ?? 'unknown',
    repo_slug: doc.repo_slug ?? 'unknown',
    git: { branch: doc.branch ?? null, sha: doc.git_sha ?? doc.commit ?? null },
    hostname: doc.hostname ?? 'unknown',
    timestamp: new Date(doc.timestamp).toISOString(),
    prompt_sha: '',
    duration_ms: doc.total_duration_ms ?? 0,
    totals: { tests: doc.total_tests, passed, failed, skipped: 0, errors: 0 },
    pass_rate: passRatePercent(passed, ran),
    cost_usd: doc.total_cost_usd ?? 0,
    judge_cost_usd: 0,
    cost_exact: false,
    costs: [],
    by_category: categories,
    all_results: doc.tests.map((t) => ({
      name: t.name,
      category: t.category ?? 'general',
      passed: t.passed,
      duration_ms: t.duration_ms ?? 0,
      cost_usd: t.cost_usd ?? 0,
      error: t.error ?? null,
      output: t.output ?? null,
    })),
  };
}

export type ParsedEvalResult = { ok: true; result: StandardEvalResult; legacy: boolean } | { ok: false; error: z.ZodError };

/** Parses a v1 document, or a legacy one (normalised). Never throws. */
export function parseEvalResult(doc: unknown): ParsedEvalResult {
  if (isLegacyEvalResult(doc)) {
    const legacy = legacySchema.safeParse(doc);
    if (!legacy.success) return { ok: false, error: legacy.error };
    const result = standardEvalResultSchema.safeParse(normalizeLegacy(legacy.data));
    return result.success ? { ok: true, result: result.data, legacy: true } : { ok: false, error: result.error };
  }
  const result = standardEvalResultSchema.safeParse(doc);
  return result.success ? { ok: true, result: result.data, legacy: false } : { ok: false, error: result.error };
}

/** The JSON Schema of the v1 document (committed as docs/eval-result.schema.json). */
export function evalResultJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://gstack.dev/schemas/eval-result-v1.json',
    title: 'StandardEvalResult',
    ...z.toJSONSchema(standardEvalResultSchema, { io: 'input' }),
  } as Record<string, unknown>;
}
