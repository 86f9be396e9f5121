/**
 * Scenario 4, engine overhead: 1,000 tests (quick: 200) against a zero-latency scripted OpenAI-compatible
 * server at concurrency 8 through the real `gstack eval run` (progress persistence and all),
 * against the same 1,000 calls made by a bare loop at the same concurrency, in the same run.
 * The CLI's own start-up (`gstack eval run --help`, which loads the same modules) is
 * measured alongside and subtracted.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { FakeLlmServer } from '../../../packages/client/src/testing/fake-llm.ts';
import { mustRun } from '../cli.ts';
import type { BenchContext } from '../context.ts';
import { sample, summarize } from '../stats.ts';
import type { Scenario, ScenarioOutput } from './index.ts';

const CONCURRENCY = 8;

/** `count` chat completions with `concurrency` in flight, like the engine makes them. */
async function bareLoop(url: string, count: number, concurrency: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const response = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ model: 'small', messages: [{ role: 'user', content: `Question ${i}: say ok` }] }),
      });
      const body = (await response.json()) as { choices: Array<{ message: { content: string } }> };
      if (!body.choices[0]?.message.content.includes('ok')) throw new Error('the scripted server did not answer ok');
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

export const engineScenario: Scenario = {
  id: 'engine',
  title: '4. Engine overhead',
  async run(context: BenchContext): Promise<ScenarioOutput> {
    // Quick runs 200 tests: the progress persistence of today's CLI makes a 1,000-test run take a minute here.
    const TESTS = context.scale.quick ? 200 : 1000;
    const repeats = context.scale.quick ? 2 : 3;
    const server = await new FakeLlmServer('openai', () => ({ text: 'ok', usage: { input: 10, output: 2 } })).start();
    try {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'gstack-bench-engine-'));
      writeFileSync(
        path.join(dir, 'models.yaml'),
        stringify({
          providers: { local: { type: 'openai', base_url: `${server.url}/v1`, max_retries: 0 } },
          default_chain: ['local/small'],
        }),
      );
      const tests = Array.from({ length: TESTS }, (_, i) => ({
        name: `t${i}`,
        prompt: `Question ${i}: say ok`,
        expect: [{ contains: 'ok' }],
      }));
      writeFileSync(path.join(dir, 'suite.yaml'), stringify({ suite: 'overhead', tests }));
      // The same tests written the way a promptfoo user brings them: a CSV of vars, a prompt file,
      // and the newer assertions (negation, starts_with, javascript in its worker, levenshtein, rouge_n, weights, a threshold).
      writeFileSync(path.join(dir, 'prompt.txt'), 'Question {{i}}: say ok');
      writeFileSync(path.join(dir, 'cases.csv'), `name,i\n${Array.from({ length: TESTS }, (_, i) => `t${i},${i}`).join('\n')}\n`);
      writeFileSync(
        path.join(dir, 'features.yaml'),
        stringify({
          suite: 'overhead-features',
          defaults: {
            prompt: 'file://prompt.txt',
            expect: [
              { starts_with: 'ok' },
              { not_regex: 'error' },
              { javascript: "output.length < 10 && context.vars.i !== ''", weight: 2 },
              { levenshtein: { value: 'ok', threshold: 1 } },
              { rouge_n: 'ok' },
            ],
          },
          tests: 'file://cases.csv',
        }),
      );
      const env = { PATH: process.env.PATH ?? '', HOME: dir, GSTACK_STATE_DIR: path.join(dir, 'state'), NO_COLOR: '1' };
      const args = ['eval', 'run', path.join(dir, 'suite.yaml'), '--models', path.join(dir, 'models.yaml'), '--model', 'local/small'];
      const runArgs = [...args, '--concurrency', String(CONCURRENCY), '--no-push', '--out', path.join(dir, 'out')];

      const bare = summarize(await sample(repeats + 1, () => bareLoop(server.url, TESTS, CONCURRENCY)));
      const startup = summarize(await sample(repeats, () => mustRun('gstack', ['eval', 'run', '--help'], env)));
      const engine = summarize(await sample(repeats, () => mustRun('gstack', runArgs, env)));
      const engineOnly = engine.p50 - startup.p50;
      const perTest = (engineOnly - bare.p50) / TESTS;
      const featureArgs = runArgs.map((a) => (a === path.join(dir, 'suite.yaml') ? path.join(dir, 'features.yaml') : a));
      const features = summarize(await sample(repeats, () => mustRun('gstack', featureArgs, env)));
      const featuresPerTest = (features.p50 - startup.p50 - bare.p50) / TESTS;
      return {
        metrics: [
          { name: `bare loop: ${TESTS} calls at concurrency ${CONCURRENCY}`, unit: 'ms', p50: bare.p50, p95: bare.p95 },
          { name: `gstack eval run: ${TESTS} tests at concurrency ${CONCURRENCY}, wall`, unit: 'ms', p50: engine.p50, p95: engine.p95 },
          { name: 'CLI start-up (gstack eval run --help)', unit: 'ms', p50: startup.p50, p95: startup.p95 },
          { name: 'engine wall without start-up (p50)', unit: 'ms', value: engineOnly },
          { name: 'engine / bare loop (p50)', unit: '×', value: engineOnly / bare.p50 },
          { name: 'overhead per test vs bare loop (p50)', unit: 'ms/test', value: perTest, target: '≤ 2 ms', met: perTest <= 2 },
          {
            name: `with data files and 5 newer assertions (javascript, levenshtein, …): ${TESTS} tests, wall`,
            unit: 'ms',
            p50: features.p50,
            p95: features.p95,
          },
          {
            name: 'overhead per test with those features (p50)',
            unit: 'ms/test',
            value: featuresPerTest,
            target: '≤ 2 ms',
            met: featuresPerTest <= 2,
          },
        ],
        notes: [
          `The scripted server answers at once ("ok", 10+2 tokens); one model, no verifier (--model), one contains assertion per test; results written to a temp dir, no push.`,
          'The features run reads its tests from a CSV and its prompt from a file, and checks each answer with starts_with, not_regex, javascript (weight 2), levenshtein and rouge_n.',
          `Measured as the CLI behaves today, progress persistence (the _partial file rewritten as results arrive) included; ${repeats} runs of each.`,
        ],
      };
    } finally {
      await server.close();
    }
  },
};
