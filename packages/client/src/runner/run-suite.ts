/**
 * Runs a suite: every test (× trials) through the ladder with bounded
 * concurrency, then grades the final answer with all of its assertions,
 * and assembles the StandardEvalResult. The configuration is checked first
 * (planRun), before any call. Progress, and each finished test with the
 * running costs (the partial sink), are reported as tests finish; an abort
 * keeps what finished.
 */
import { randomUUID } from 'node:crypto';
import {
  assertionName,
  fitResultForPush,
  type JudgeResult,
  lookupPrice,
  type ModelCost,
  priceUsage,
  recordExpected,
  recordInput,
  resultTotals,
  roundUsd,
  SCHEMA_VERSION,
  type StandardEvalResult,
  type StandardEvalResultInput,
  type SuiteTest,
  standardEvalResultSchema,
  type TestResult,
  testMessages,
} from '@gstack/core';
import { describeAssertion, runAssertion } from '../assertions/index.ts';
import type { ResponseCache } from '../cache/responses.ts';
import type { LoadedModels, LoadedSuite } from '../config/load.ts';
import { UserError } from '../errors.ts';
import type { JudgeCache } from '../judge/cache.ts';
import { embedTexts } from '../judge/embed.ts';
import { type GraderContext, judge } from '../judge/grader.ts';
import { resolveChain, resolveTier } from '../ladder/chain.ts';
import { auditPicks, runLadder } from '../ladder/index.ts';
import { ProviderSet } from '../providers/index.ts';
import type { Env } from '../state-dir.ts';
import type { GitInfo } from './git.ts';
import { CostLedger } from './ledger.ts';
import type { PartialHeader, RunningCosts } from './partial.ts';
import { type ModelUse, preflight } from './preflight.ts';

export interface Progress {
  done: number;
  total: number;
  passed: number;
  failed: number;
  costUsd: number;
  /** The tier (and model) a running test is on. */
  tier: string | null;
  cacheHits: number;
}

export interface RunOptions {
  loaded: LoadedSuite;
  models: LoadedModels;
  override: { model?: string; tier?: string; chain?: string[] };
  judgeTier?: string;
  concurrency?: number;
  repeat?: number;
  label?: string | null;
  cache: JudgeCache;
  env: Env;
  git: GitInfo;
  hostname: string;
  version: string;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  /**
   * Progress persistence, O(1) per test: `start` once with the document's
   * fixed fields, then `append` for every finished test with the running
   * costs. Calls are made one at a time, in order.
   */
  partial?: PartialSink;
  /**
   * Tests of an earlier run kept as they are (`--resume`, `--retry-errors`): they are not run
   * again, they are in this run's results, and the earlier run's costs count in this run's.
   */
  carry?: { results: TestResult[]; costs: ModelCost[] };
  /** The model response cache, when this run uses it (run.ts decides: --cache, the suite's defaults.cache, models.yaml cache). */
  responses?: ResponseCache;
}

/** Where the run's progress goes (results-store's PartialWriter writes the _partial file). */
export interface PartialSink {
  start(header: PartialHeader): Promise<void>;
  append(result: TestResult, running: RunningCosts): Promise<void>;
}

/** The default judge model and the field that chose it. */
function judgeModelFor(options: PlanInput, modelsFile: string): ModelUse | undefined {
  const { config } = options.models;
  const suite = options.loaded.suite;
  if (options.judgeTier) {
    const tier = resolveTier(options.judgeTier, '--judge-tier');
    const ref = config.tiers[tier];
    if (!ref) throw new UserError(`--judge-tier ${options.judgeTier}: models.yaml has no tiers.${tier}`);
    return { ref, field: `--judge-tier (${modelsFile}: tiers.${tier})` };
  }
  const candidates: Array<[string | undefined, string]> = [
    [suite.defaults.judge, `${options.loaded.file}: defaults.judge`],
    [config.suites[suite.suite]?.judge, `${modelsFile}: suites.${suite.suite}.judge`],
    [config.judge, `${modelsFile}: judge`],
    [config.tiers.fast, `${modelsFile}: tiers.fast`],
  ];
  const found = candidates.find(([ref]) => ref);
  return found?.[0] ? { ref: found[0], field: found[1] } : undefined;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** What a run's plan depends on: the suite, models.yaml, the caller's overrides and the environment. */
export type PlanInput = Pick<RunOptions, 'loaded' | 'models' | 'override' | 'judgeTier' | 'env'>;

/**
 * Resolves the chain, the verifier and the judge and checks them all
 * (providers, API keys, a ladder that can verify): a config error is thrown
 * here, before any model call. `gstack eval run` plans every suite before
 * running the first.
 */
export function planRun(options: PlanInput) {
  const { loaded, models } = options;
  const suite = loaded.suite;
  const config = models.config;
  const modelsFile = options.models.file ?? 'models.yaml';
  const chain = resolveChain(config, { name: suite.suite, chain: suite.defaults.chain, file: loaded.file }, options.override, modelsFile);
  const judgeUse = judgeModelFor(options, modelsFile);
  const judgeModel = judgeUse?.ref;
  const needsDefaultJudge = suite.tests.some((t) =>
    t.expect.some((a) => a.type === 'judge' && (typeof a.value === 'string' || !a.value.model)),
  );
  if (needsDefaultJudge && !judgeModel) {
    throw new UserError(
      `${loaded.file}: judge assertions need a judge model; set judge: in models.yaml (or defaults.judge in the suite), or pass --judge-tier`,
    );
  }
  const verifier = chain.mode === 'ladder' && config.verifier !== 'none' ? config.verifier : undefined;
  const providers = new ProviderSet(config, models.dir, options.env);
  preflight({
    loaded,
    modelsFile,
    chain,
    verifier,
    verifierNone: config.verifier === 'none',
    judge: needsDefaultJudge ? judgeUse : undefined,
    embedding: config.embedding,
    providers,
  });
  return { chain, judgeModel, verifier, providers };
}

export async function runSuite(options: RunOptions): Promise<StandardEvalResult> {
  const { loaded, models } = options;
  const suite = loaded.suite;
  const config = models.config;
  const { chain, judgeModel, verifier, providers } = planRun(options);
  const auditRate = config.suites[suite.suite]?.verifier_audit_rate ?? config.verifier_audit_rate;

  const ledger = new CostLedger();
  if (options.carry) ledger.seed(options.carry.costs);
  const carried = options.carry?.results ?? [];
  const done = new Set(carried.map((r) => `${r.name}\u0000${r.trial}`));
  const grader: GraderContext = {
    providers,
    cache: options.cache,
    ledger,
    suite: suite.suite,
    sources: loaded.sources,
    pricing: config.pricing,
    timeoutMs: suite.defaults.timeout_ms,
    signal: options.signal,
  };
  const jobs: Array<{ test: SuiteTest; trial: number }> = suite.tests.flatMap((test) => {
    const trials = options.repeat ?? test.repeat ?? suite.defaults.repeat;
    return Array.from({ length: trials }, (_, i) => ({ test, trial: i + 1 })).filter((j) => !done.has(`${test.name}\u0000${j.trial}`));
  });
  const results: TestResult[] = [...carried];
  const started = new Date();
  const startedAt = performance.now();
  const runId = randomUUID();
  const progress: Progress = {
    done: carried.length,
    total: carried.length + jobs.length,
    passed: carried.filter((r) => r.passed).length,
    failed: carried.filter((r) => !r.passed).length,
    costUsd: ledger.total(),
    tier: null,
    cacheHits: 0,
  };

  async function runJob(test: SuiteTest, trial: number): Promise<TestResult> {
    const jobStart = performance.now();
    const messages = testMessages(test);
    const timeoutMs = test.timeout_ms ?? suite.defaults.timeout_ms;
    const ladder = await runLadder(chain, messages, test.expect, {
      providers,
      grader: { ...grader, timeoutMs },
      verifier,
      audit: (tier) => auditPicks(`${suite.suite}\u0000${test.name}\u0000${trial}\u0000${tier}\u0000${runId}`, auditRate),
      warmProbes: config.warm_probe,
      pricing: config.pricing,
      timeoutMs,
      options: test.options,
      signal: options.signal,
      test: { name: test.name, vars: test.vars ?? {} },
      responses: options.responses,
      onTier: (tier, model) => {
        progress.tier = `${tier} ${model}`;
        options.onProgress?.({ ...progress, cacheHits: options.cache.hits });
      },
    });
    const base = {
      name: test.name,
      category: test.category,
      trial,
      attempts: ladder.attempts,
      resolved_tier: ladder.accepted ? (ladder.final?.tier ?? null) : null,
      resolved_model: ladder.accepted ? (ladder.final?.model ?? null) : null,
      output: ladder.output,
      input: recordInput(messages, test.vars),
      expected: recordExpected(test.expect.map(describeAssertion)),
    };
    if (ladder.output === null) {
      return {
        ...base,
        passed: false,
        skipped: false,
        score: 0,
        duration_ms: Math.round(performance.now() - jobStart),
        cost_usd: ladder.systemCostUsd + ladder.verifierCostUsd,
        judge_cost_usd: ladder.verifierCostUsd,
        // Only calls that all failed make a test an error (and the run errored); empty replies are the model's failure.
        output: ladder.reached ? '' : null,
        error: `${ladder.reached ? 'every tier failed' : 'no model answered'}: ${ladder.reasons.join('; ')}`,
        assertions: [],
        judge: [],
      };
    }
    const judges: JudgeResult[] = [];
    // Every judge call's cost, unparseable verdicts included.
    let judgeCallsUsd = 0;
    const assertionResults = [];
    let scoreSum = 0;
    let weightSum = 0;
    const counted: boolean[] = [];
    for (const assertion of test.expect) {
      const latencyMs = ladder.final?.duration_ms ?? ladder.latencyMs;
      const outcome = await runAssertion(assertion, {
        output: ladder.output,
        latencyMs,
        costUsd: ladder.systemCostUsd,
        prompt: messages,
        codeContext: () => ({
          vars: test.vars ?? {},
          prompt: messages,
          test: test.name,
          latency_ms: latencyMs,
          cost_usd: ladder.systemCostUsd,
        }),
        embed: async (texts, model) => {
          const ref = model ?? config.embedding;
          if (!ref) return { error: 'no embeddings model: give similar a model, or set embedding: in models.yaml' };
          const result = await embedTexts(grader, ref, texts, timeoutMs);
          judgeCallsUsd += result.costUsd;
          return result.vectors ? { vectors: result.vectors } : { error: result.error };
        },
        judge: async (rubric, model) => {
          const ref = model ?? judgeModel;
          if (!ref) return { error: 'no judge model configured' };
          const verdict = await judge({ ...grader, timeoutMs }, ref, rubric, messages, ladder.output ?? '');
          judgeCallsUsd += verdict.cost_usd;
          if (!verdict.value) return { error: verdict.error ?? 'no verdict' };
          const result: JudgeResult = {
            rubric,
            model: ref,
            ...verdict.value,
            cached: verdict.cached,
            cost_usd: verdict.cost_usd,
            cost_exact: verdict.cost_exact,
            saved_usd: verdict.saved_usd ?? null,
          };
          judges.push(result);
          return result;
        },
      });
      assertionResults.push({ type: assertionName(assertion), passed: outcome.passed, message: outcome.message });
      const weight = assertion.weight ?? 1;
      counted.push(weight > 0);
      weightSum += weight;
      scoreSum += weight * (outcome.score ?? (outcome.passed ? 1 : 0));
    }
    // This test's own verifier and judge calls (the ledger also holds concurrent tests' calls).
    const judgeCost = ladder.verifierCostUsd + judgeCallsUsd;
    // The weighted score; with a `threshold` the test passes on it, else every counted (weight > 0) assertion must pass.
    const score = weightSum > 0 ? scoreSum / weightSum : ladder.accepted ? 1 : 0;
    const assertionsPass =
      test.threshold !== undefined ? score >= test.threshold : assertionResults.every((a, i) => a.passed || !counted[i]);
    const errors = [
      ...(ladder.accepted ? [] : [`every tier was rejected: ${ladder.reasons.join('; ')}`]),
      ...(assertionsPass
        ? []
        : [
            ...(test.threshold !== undefined ? [`score ${round2(score)}, below the test's threshold ${test.threshold}`] : []),
            ...assertionResults.filter((a, i) => !a.passed && counted[i]).map((a) => a.message ?? a.type),
          ]),
    ];
    return {
      ...base,
      passed: ladder.accepted && assertionsPass,
      skipped: false,
      score: round2(score),
      duration_ms: Math.round(performance.now() - jobStart),
      cost_usd: ladder.systemCostUsd + judgeCost,
      judge_cost_usd: judgeCost,
      error: errors.length ? errors.join('; ') : null,
      assertions: assertionResults,
      judge: judges,
    };
  }

  /** The costs so far: small (one row per model), so it goes with every partial line. */
  function runningCosts(): RunningCosts {
    const costs: ModelCost[] = ledger.costs();
    const whatIf: Record<string, number> = {};
    for (const [tier, ref] of Object.entries(config.tiers)) {
      if (!ref) continue;
      const price = lookupPrice(ref, { overrides: config.pricing }).price;
      whatIf[tier] = roundUsd(costs.filter((c) => c.purpose === 'system').reduce((sum, c) => sum + priceUsage(c, price), 0));
    }
    return {
      duration_ms: Math.round(performance.now() - startedAt),
      cost_usd: roundUsd(ledger.total()),
      judge_cost_usd: roundUsd(ledger.total('judge')),
      cost_exact: costs.every((c) => c.exact),
      what_if: whatIf,
      costs,
      cache: { hits: options.cache.hits, misses: options.cache.misses },
    };
  }

  function header(): PartialHeader {
    return {
      schema_version: SCHEMA_VERSION,
      version: options.version,
      run_id: runId,
      suite: suite.suite,
      label: options.label ?? null,
      tier: chain.mode,
      repo_slug: options.git.repoSlug,
      git: { branch: options.git.branch, sha: options.git.sha },
      hostname: options.hostname,
      timestamp: started.toISOString(),
      prompt_sha: loaded.sha,
      planned_tests: carried.length + jobs.length,
    };
  }

  function buildDocument(interrupted: boolean): StandardEvalResultInput {
    // Suite order, then trial; positions looked up once (not per comparison).
    const position = new Map(suite.tests.map((t, i) => [t.name, i]));
    const ordered = [...results].sort((a, b) => (position.get(a.name) ?? 0) - (position.get(b.name) ?? 0) || a.trial - b.trial);
    return { ...header(), ...runningCosts(), ...resultTotals(ordered), interrupted, all_results: ordered };
  }

  let partialWrites: Promise<void> = options.partial ? options.partial.start(header()) : Promise.resolve();
  // Carried tests go into the partial file first, so a crash now loses none of them either.
  for (const result of carried) {
    const sink = options.partial;
    if (sink) partialWrites = partialWrites.then(() => sink.append(result, runningCosts()));
  }
  let next = 0;
  const concurrency = Math.max(1, options.concurrency ?? suite.defaults.concurrency);
  async function worker(): Promise<void> {
    while (next < jobs.length && !options.signal?.aborted) {
      const job = jobs[next++];
      if (!job) break;
      // Assertions saw the whole answer; what is stored fits the team store's limits (cut with a marker).
      const result = fitResultForPush(await runJob(job.test, job.trial));
      // A test cut short by an abort did not finish: it is not reported.
      if (options.signal?.aborted) break;
      results.push(result);
      progress.done += 1;
      if (result.passed) progress.passed += 1;
      else progress.failed += 1;
      progress.costUsd = ledger.total();
      options.onProgress?.({ ...progress, cacheHits: options.cache.hits });
      const sink = options.partial;
      if (sink) {
        const running = runningCosts();
        partialWrites = partialWrites.then(() => sink.append(result, running));
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, worker));
  await partialWrites;
  return standardEvalResultSchema.parse(buildDocument(Boolean(options.signal?.aborted)));
}
