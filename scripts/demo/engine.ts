/**
 * Runs the demo schedule through the real eval engine (suite files, models.yaml,
 * the ladder, the verifier, judge assertions, the judge cache, warm probes,
 * costs) against scripted model servers on loopback: an Ollama-style local
 * server and an Anthropic-style cloud server that answer as the schedule says.
 * Days run one after another (the servers answer for the current day); a
 * day's suites run concurrently.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type StandardEvalResult, standardEvalResultSchema } from '@gstack/core';
import { stringify } from 'yaml';
import { VERSION } from '../../packages/client/src/cli/version.ts';
import { type LoadedModels, type LoadedSuite, loadModelsConfig, loadSuite } from '../../packages/client/src/config/load.ts';
import { JudgeCache } from '../../packages/client/src/judge/cache.ts';
import { runSuite } from '../../packages/client/src/runner/run-suite.ts';
import { FakeLlmServer, type FakeRequest, lastUserText, type ScriptedReply } from '../../packages/client/src/testing/fake-llm.ts';
import { DEMO_REPOS, type DemoTest } from './model.ts';
import { streamFor } from './prng.ts';
import type { PlannedRun, TestPlan } from './schedule.ts';

const CLOUD_MODEL = 'claude-sonnet-4-6';
const GRADER_MODEL = 'claude-haiku-4-5';
const ENV = { DEMO_ANTHROPIC_KEY: 'demo-local-key' };

/** The wordings of a right answer; the variant picks one. */
function goodAnswer(test: DemoTest, variant: number): string {
  return (
    [`${test.expect}.`, `The answer is ${test.expect}.`, `Short answer: ${test.expect}. Let me know if you need more detail.`][variant] ??
    test.expect
  );
}

function localAnswer(test: DemoTest, plan: TestPlan): string {
  if (plan.local === 'good') return goodAnswer(test, plan.variant);
  if (plan.local === 'vague') return `It might be ${test.expect}, but I am not sure; you may want to check.`;
  return 'I could not find that in the material I was given.';
}

function cloudAnswer(test: DemoTest, plan: TestPlan): string {
  return plan.cloud === 'good'
    ? `${goodAnswer(test, plan.variant)} (checked against the source)`
    : 'Based on the context, this is not covered.';
}

/** The answer a grader request quotes (between its header and the JSON instructions). */
function quotedAnswer(text: string): string {
  const start = Math.max(text.lastIndexOf("The model's answer:\n"), text.lastIndexOf('The answer:\n'));
  const body = text.slice(text.indexOf('\n', start) + 1);
  return body.slice(0, body.lastIndexOf('\n\nReply with JSON only')).trim();
}

interface DayState {
  plans: Map<string, TestPlan>;
}

/** The scripted model servers and the workspace (suite files, models.yaml, judge cache) they serve. */
export class DemoEngine {
  private readonly dir = mkdtempSync(path.join(os.tmpdir(), 'gstack-demo-'));
  private readonly tests = new Map<string, DemoTest>();
  private readonly day: DayState = { plans: new Map() };
  private readonly local = new FakeLlmServer('openai', (req) => this.answerLocal(req));
  private readonly cloud = new FakeLlmServer('anthropic', (req, i) => this.answerCloud(req, i));
  private models?: LoadedModels;
  /** Suite files parsed once (a day's runs reuse them). */
  private readonly suites = new Map<string, Promise<LoadedSuite>>();

  constructor(private readonly seed: number) {
    for (const repo of DEMO_REPOS) for (const suite of repo.suites) for (const test of suite.tests) this.tests.set(test.prompt, test);
  }

  private testOf(request: FakeRequest): DemoTest | undefined {
    const text = lastUserText(request);
    for (const [prompt, test] of this.tests) if (text.includes(prompt)) return test;
    return undefined;
  }

  private planOf(test: DemoTest | undefined): TestPlan | undefined {
    return test && this.day.plans.get(test.prompt);
  }

  private answerLocal(request: FakeRequest): ScriptedReply {
    const test = this.testOf(request);
    const plan = this.planOf(test);
    if (!test || !plan) return { status: 500, error: 'the demo has no answer for this prompt' };
    const text = localAnswer(test, plan);
    return { text, usage: { input: 60 + Math.ceil(test.prompt.length / 4), output: Math.ceil(text.length / 4) } };
  }

  private answerCloud(request: FakeRequest, index: number): ScriptedReply {
    const text = lastUserText(request);
    const test = this.testOf(request);
    const plan = this.planOf(test);
    if (!test || !plan) return { status: 500, error: 'the demo has no answer for this prompt' };
    const grading = { input: 380 + (index % 7) * 11, output: 28 + (index % 5) };
    if (text.includes('"accept"')) {
      const answer = quotedAnswer(text);
      // Hedged answers are rejected; an answer that misses the point (seen only in the audit
      // sample: the assertions reject it first) slips through on about a third of the tests.
      const missed = !answer.includes(test.expect) || answer.includes('could not find');
      const accept = missed ? streamFor(this.seed, 'lenient', test.name)() < 0.35 : !answer.startsWith('It might be');
      const verdict = accept
        ? { accept: true, feedback: '' }
        : { accept: false, feedback: `Hedged answer: state "${test.expect}" plainly and drop the uncertainty.` };
      return { text: JSON.stringify(verdict), usage: grading };
    }
    if (text.includes('"pass"')) {
      const answer = quotedAnswer(text);
      const pass = answer.includes(test.expect) && !answer.includes('not covered');
      const verdict = pass
        ? { pass: true, score: 0.9, reason: 'Meets the rubric.' }
        : { pass: false, score: 0.2, reason: `Does not meet the rubric: ${test.rubric ?? 'the answer is wrong'}` };
      return { text: JSON.stringify(verdict), usage: grading };
    }
    // Generation after an escalation: the system prompt is cached, written on the first call of a batch.
    const answer = cloudAnswer(test, plan);
    const first = index % 9 === 0;
    return {
      text: answer,
      usage: {
        input: 120 + Math.ceil(text.length / 4),
        output: Math.ceil(answer.length / 4) + 20,
        cacheRead: first ? 0 : 1800,
        cacheWrite: first ? 1800 : 0,
      },
    };
  }

  async start(): Promise<void> {
    await Promise.all([this.local.start(), this.cloud.start()]);
    const chains: Record<string, { chain: string[] }> = {};
    for (const repo of DEMO_REPOS) {
      for (const suite of repo.suites) {
        chains[suite.name] = { chain: [`ollama/${suite.local}`, `anthropic/${CLOUD_MODEL}`] };
        const file = path.join(this.dir, repo.slug, `${suite.name}.yaml`);
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(
          file,
          stringify({
            suite: suite.name,
            description: `${repo.slug}: ${suite.name}`,
            defaults: { concurrency: 4, timeout_ms: 10_000 },
            tests: suite.tests.map((t) => ({
              name: t.name,
              category: t.category,
              prompt: t.prompt,
              expect: [{ contains: t.expect }, ...(t.rubric ? [{ judge: t.rubric }] : [])],
            })),
          }),
        );
      }
    }
    const modelsFile = path.join(this.dir, 'models.yaml');
    writeFileSync(
      modelsFile,
      stringify({
        providers: {
          ollama: { type: 'ollama', base_url: `${this.local.url}/v1`, max_retries: 0 },
          anthropic: { type: 'anthropic', base_url: this.cloud.url, api_key_env: 'DEMO_ANTHROPIC_KEY', max_retries: 0 },
        },
        warm_probe: { ollama: this.local.url },
        verifier: `anthropic/${GRADER_MODEL}`,
        // The audit sample: the verifier also sees a third of the answers that failed the assertions.
        verifier_audit_rate: 0.35,
        judge: `anthropic/${GRADER_MODEL}`,
        tiers: { fast: `anthropic/${GRADER_MODEL}`, standard: `anthropic/${CLOUD_MODEL}`, full: 'anthropic/claude-opus-4-6' },
        suites: chains,
      }),
    );
    this.models = loadModelsConfig(modelsFile, this.dir);
  }

  /** Runs one day's runs (all of the same day) through the engine; results in the order given. */
  async runDay(runs: PlannedRun[]): Promise<StandardEvalResult[]> {
    const models = this.models;
    if (!models) throw new Error('DemoEngine.start() first');
    this.day.plans = new Map();
    for (const run of runs)
      for (const test of run.suite.tests) {
        const plan = run.plans.get(test.name);
        if (plan) this.day.plans.set(test.prompt, plan);
      }
    // Which local models are loaded today: the warm probe sees it (warm vs cold attempts).
    const rnd = streamFor(this.seed, 'loaded', runs[0]?.day ?? 0);
    this.local.loaded = ['qwen2.5:7b', 'qwen2.5-coder:7b', 'llama3.1:8b'].filter(() => rnd() < 0.6);
    return Promise.all(
      runs.map(async (run) => {
        const file = path.join(this.dir, run.repo, `${run.suite.name}.yaml`);
        if (!this.suites.has(file)) this.suites.set(file, loadSuite(file));
        const doc = await runSuite({
          loaded: await (this.suites.get(file) as Promise<LoadedSuite>),
          models,
          override: {},
          cache: new JudgeCache(path.join(this.dir, 'eval-cache', run.repo)),
          env: ENV,
          git: { repoSlug: run.repo, branch: run.branch, sha: run.sha },
          hostname: run.hostname,
          version: VERSION,
          label: run.label,
        });
        // The run happened on its day: only its identity and time are rewritten.
        return standardEvalResultSchema.parse({ ...doc, run_id: run.runId, timestamp: run.timestamp });
      }),
    );
  }

  async close(): Promise<void> {
    await Promise.all([this.local.close(), this.cloud.close()]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
