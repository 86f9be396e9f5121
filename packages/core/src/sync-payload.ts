/**
 * Mapping a StandardEvalResult to the team store's rows: the payload of
 * push_eval_run / ingest_eval_run. Every key is a column of its table (the
 * types come from the generated database types, so a misnamed field does not
 * compile), and the limits below are checked before anything is sent.
 */
import type { TablesInsert } from './database.types.ts';
import type { StandardEvalResult } from './eval-result.ts';
import { redactDeep } from './redact.ts';

type Row<T extends 'eval_runs' | 'eval_results' | 'eval_attempts' | 'eval_costs'> = Omit<
  TablesInsert<T>,
  'team_id' | 'run_id' | 'user_id' | 'token_id'
>;

export interface RunPayload {
  run: Row<'eval_runs'>;
  results: Row<'eval_results'>[];
  attempts: Row<'eval_attempts'>[];
  costs: Row<'eval_costs'>[];
}

/**
 * Limits a pushed document must respect; each violation names the field. The
 * store enforces the same numbers (private.push_limits() in the security
 * migration; supabase/tests/push-limits.int.test.ts fails when they drift).
 */
export const PUSH_LIMITS = {
  /** The whole document, serialised. */
  documentBytes: 20 * 1024 * 1024,
  /** Any one string (a test's output, an error, feedback). */
  stringChars: 200_000,
  /** Names: suite, test names, models, labels, branch, host, version, tiers. */
  nameChars: 500,
  /** Results (tests × trials) per run. */
  tests: 50_000,
  /** Ladder attempts per run, all tests together. */
  attempts: 500_000,
  /** Cost rows (model × purpose) per run. */
  costs: 1_000,
};

/**
 * The largest request body the store's gateway takes (413 above it): a push carries the
 * document once and its rows (a projection of the same document) once more.
 */
export const PUSH_REQUEST_BYTES = 2 * PUSH_LIMITS.documentBytes + 1024 * 1024;

/**
 * `text` cut to `limit` characters with a marker saying so (unchanged when it fits), so a run
 * with a 2,000,000-character answer still pushes. Never splits a surrogate pair.
 */
export function truncateForPush(text: string, limit = PUSH_LIMITS.stringChars): string {
  if (text.length <= limit) return text;
  const marker = (kept: number) => `\n…[truncated by gstack: ${text.length} characters, the first ${kept} kept]`;
  let kept = limit - marker(limit).length;
  const last = text.charCodeAt(kept - 1);
  if (last >= 0xd800 && last <= 0xdbff) kept -= 1;
  return `${text.slice(0, kept)}${marker(kept)}`;
}

/** A test result with its long strings (output, error, attempts' feedback and answers) cut to the push limit; the same object when all fit. */
export function fitResultForPush(result: StandardEvalResult['all_results'][number]): StandardEvalResult['all_results'][number] {
  const long = (s: string | null) => s !== null && s.length > PUSH_LIMITS.stringChars;
  const cut = (s: string | null) => (s === null ? null : truncateForPush(s));
  if (!long(result.output) && !long(result.error) && !result.attempts.some((a) => long(a.feedback) || long(a.answer))) return result;
  return {
    ...result,
    output: cut(result.output),
    error: cut(result.error),
    attempts: result.attempts.map((a) => ({ ...a, feedback: cut(a.feedback), answer: cut(a.answer) })),
  };
}

/** The document with every test result fit for the push limits (fitResultForPush); the same object when nothing was cut. */
export function fitForPush(doc: StandardEvalResult): StandardEvalResult {
  const results = doc.all_results.map(fitResultForPush);
  return results.every((r, i) => r === doc.all_results[i]) ? doc : { ...doc, all_results: results };
}

export interface PushProblem {
  field: string;
  message: string;
}

/** Problems that would make the store refuse (or truncate) the document; empty when it can be pushed. */
export function pushProblems(doc: StandardEvalResult, serialisedBytes: number): PushProblem[] {
  const problems: PushProblem[] = [];
  if (serialisedBytes > PUSH_LIMITS.documentBytes) {
    problems.push({
      field: '',
      message: `the document is ${(serialisedBytes / 1024 / 1024).toFixed(1)} MiB; at most ${PUSH_LIMITS.documentBytes / 1024 / 1024} MiB can be pushed`,
    });
  }
  if (doc.all_results.length > PUSH_LIMITS.tests)
    problems.push({ field: 'all_results', message: `${doc.all_results.length} results; at most ${PUSH_LIMITS.tests}` });
  const attempts = doc.all_results.reduce((n, r) => n + r.attempts.length, 0);
  if (attempts > PUSH_LIMITS.attempts)
    problems.push({ field: 'all_results[].attempts', message: `${attempts} attempts; at most ${PUSH_LIMITS.attempts}` });
  if (doc.costs.length > PUSH_LIMITS.costs)
    problems.push({ field: 'costs', message: `${doc.costs.length} cost rows; at most ${PUSH_LIMITS.costs}` });
  const name = (field: string, value: string | null | undefined) => {
    if (value && value.length > PUSH_LIMITS.nameChars)
      problems.push({ field, message: `${value.length} characters; at most ${PUSH_LIMITS.nameChars}` });
  };
  const text = (field: string, value: string | null | undefined) => {
    if (value && value.length > PUSH_LIMITS.stringChars)
      problems.push({ field, message: `${value.length} characters; at most ${PUSH_LIMITS.stringChars}` });
  };
  name('suite', doc.suite);
  name('label', doc.label);
  name('repo_slug', doc.repo_slug);
  name('git.branch', doc.git.branch);
  name('git.sha', doc.git.sha);
  name('tier', doc.tier);
  name('hostname', doc.hostname);
  name('version', doc.version);
  name('prompt_sha', doc.prompt_sha);
  doc.costs.forEach((c, i) => {
    name(`costs[${i}].model`, c.model);
  });
  doc.all_results.forEach((r, i) => {
    name(`all_results[${i}].name`, r.name);
    name(`all_results[${i}].category`, r.category);
    name(`all_results[${i}].resolved_tier`, r.resolved_tier);
    name(`all_results[${i}].resolved_model`, r.resolved_model);
    text(`all_results[${i}].output`, r.output);
    text(`all_results[${i}].error`, r.error);
    r.attempts.forEach((a, j) => {
      name(`all_results[${i}].attempts[${j}].model`, a.model);
      name(`all_results[${i}].attempts[${j}].tier`, a.tier);
      text(`all_results[${i}].attempts[${j}].feedback`, a.feedback);
    });
  });
  return problems;
}

/**
 * The value the store writes for a key a row leaves out (private.write_eval_run coalesces a missing
 * key to these, as every version of it has; any other missing key is null). A row sends neither
 * these values nor nulls: a 5,000-result push is 14 % smaller, and the store parses it that much faster.
 */
export const STORE_ROW_DEFAULTS = {
  results: { trial: 1, skipped: false, cost_usd: 0 },
  attempts: {
    trial: 1,
    input_tokens: 0,
    output_tokens: 0,
    cache_read_tokens: 0,
    cache_write_tokens: 0,
    cost_usd: 0,
    cost_exact: false,
  },
  costs: {
    purpose: 'system',
    calls: 0,
    input_tokens: 0,
    output_tokens: 0,
    cache_read_tokens: 0,
    cache_write_tokens: 0,
    cost_usd: 0,
    exact: false,
    cached_calls: 0,
  },
} as const satisfies Record<'results' | 'attempts' | 'costs', Record<string, unknown>>;

/** `row` without its null keys and the keys whose value is what the store writes when the key is missing. */
function withoutDefaults<R extends object>(row: R, defaults: Readonly<Record<string, unknown>>): R {
  const out: Record<string, unknown> = {};
  for (const key in row) {
    const value: unknown = row[key];
    if (value !== null && value !== undefined && defaults[key] !== value) out[key] = value;
  }
  return out as R;
}

/** The rows of a run, secrets redacted from every string (outputs, errors, feedback) before they leave the machine. */
export function toRunPayload(input: StandardEvalResult): RunPayload {
  const doc = redactDeep(input);
  return {
    run: {
      run_key: doc.run_id,
      repo_slug: doc.repo_slug,
      branch: doc.git.branch,
      git_sha: doc.git.sha,
      suite: doc.suite,
      tier: doc.tier,
      label: doc.label,
      hostname: doc.hostname,
      version: doc.version,
      run_at: doc.timestamp,
      total_tests: doc.totals.tests,
      passed: doc.totals.passed,
      failed: doc.totals.failed,
      skipped: doc.totals.skipped,
      cost_usd: doc.cost_usd,
      judge_cost_usd: doc.judge_cost_usd,
      duration_ms: doc.duration_ms,
      prompt_sha: doc.prompt_sha,
      by_category: doc.by_category,
      result: doc as unknown as TablesInsert<'eval_runs'>['result'],
    },
    results: doc.all_results.map((r) =>
      withoutDefaults(
        {
          test_name: r.name,
          trial: r.trial,
          category: r.category,
          passed: r.passed,
          skipped: r.skipped,
          score: r.score,
          duration_ms: r.duration_ms,
          cost_usd: r.cost_usd,
          resolved_tier: r.resolved_tier,
          resolved_model: r.resolved_model,
          error: r.error,
        },
        STORE_ROW_DEFAULTS.results,
      ),
    ),
    attempts: doc.all_results.flatMap((r) =>
      r.attempts.map((a) =>
        withoutDefaults(
          {
            test_name: r.name,
            trial: r.trial,
            attempt: a.attempt,
            model: a.model,
            tier: a.tier,
            duration_ms: a.duration_ms,
            warm: a.warm,
            verdict: a.verdict,
            feedback: a.feedback,
            input_tokens: a.input_tokens,
            output_tokens: a.output_tokens,
            cache_read_tokens: a.cache_read_tokens,
            cache_write_tokens: a.cache_write_tokens,
            cost_usd: a.cost_usd,
            cost_exact: a.cost_exact,
          },
          STORE_ROW_DEFAULTS.attempts,
        ),
      ),
    ),
    costs: doc.costs.map((c) =>
      withoutDefaults(
        {
          model: c.model,
          purpose: c.purpose,
          calls: c.calls,
          input_tokens: c.input_tokens,
          output_tokens: c.output_tokens,
          cache_read_tokens: c.cache_read_tokens,
          cache_write_tokens: c.cache_write_tokens,
          cost_usd: c.cost_usd,
          exact: c.exact,
          cached_calls: c.cached_calls,
        },
        STORE_ROW_DEFAULTS.costs,
      ),
    ),
  };
}
