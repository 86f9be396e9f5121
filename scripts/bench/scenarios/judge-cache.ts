/**
 * Scenario 5, judge cache: lookup time (key computation + read) with 100,000 entries
 * (quick: 10,000) in one suite's cache dir, hits and misses; and an unchanged re-run of a
 * judged suite through the real runner makes zero judge calls.
 */
import { randomInt } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cacheKey, JudgeCache } from '../../../packages/client/src/judge/cache.ts';
import { evalFixture } from '../../../packages/client/src/testing/eval-fixture.ts';
import { isJudgeCall, isVerifierCall } from '../../../packages/client/src/testing/fake-llm.ts';
import type { BenchContext } from '../context.ts';
import { sample, summarize, timed } from '../stats.ts';
import type { Scenario, ScenarioOutput } from './index.ts';

const RUBRIC = 'The answer names the capital and nothing else.';
const keyOf = (i: number) =>
  cacheKey({ judgeModel: 'cloud/judge', rubric: RUBRIC, input: { prompt: `question ${i}`, answer: `answer ${i}` } });

async function fill(cache: JudgeCache, entries: number): Promise<void> {
  const batch = 64;
  for (let start = 0; start < entries; start += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, entries - start) }, async (_, j) => {
        const i = start + j;
        await cache.set('bench', await keyOf(i), 'cloud/judge', { pass: true, score: 1, reason: `ok ${i}` }, 0.0001);
      }),
    );
  }
}

/** Judge calls made by a first run and an unchanged re-run of a suite of `tests` judged tests. */
async function rerunCalls(tests: number): Promise<{ first: number; second: number; cachedVerdicts: number }> {
  const fx = await evalFixture(
    () => ({ text: 'Paris' }),
    (req) =>
      isVerifierCall(req)
        ? { text: '{"accept": true, "feedback": ""}' }
        : isJudgeCall(req)
          ? { text: '{"pass": true, "score": 1, "reason": "ok"}' }
          : { text: 'Paris' },
  );
  try {
    fx.writeModels();
    const suite = fx.writeSuite({
      suite: 'judged',
      tests: Array.from({ length: tests }, (_, i) => ({
        name: `capital-${i}`,
        prompt: `Question ${i}: what is the capital of France?`,
        expect: [{ contains: 'Paris' }, { judge: 'Names Paris as the capital.' }],
      })),
    });
    const judgeCalls = () => fx.cloud.requests.filter(isJudgeCall).length;
    await fx.run(suite);
    const first = judgeCalls();
    const second = await fx.run(suite);
    return {
      first,
      second: judgeCalls() - first,
      cachedVerdicts: second.all_results.flatMap((r) => r.judge).filter((j) => j.cached).length,
    };
  } finally {
    await fx.close();
  }
}

export const judgeCacheScenario: Scenario = {
  id: 'judge-cache',
  title: '5. Judge cache',
  async run(context: BenchContext): Promise<ScenarioOutput> {
    const entries = context.scale.quick ? 10_000 : 100_000;
    const lookups = context.scale.quick ? 500 : 2000;
    const cache = new JudgeCache(mkdtempSync(path.join(os.tmpdir(), 'gstack-bench-cache-')));
    const filled = await timed(() => fill(cache, entries));
    const hit = summarize(
      await sample(lookups, async () => {
        if (!(await cache.get('bench', await keyOf(randomInt(entries))))) throw new Error('a stored verdict was a miss');
      }),
    );
    const miss = summarize(
      await sample(lookups, async (i) => {
        if (await cache.get('bench', await keyOf(entries + i))) throw new Error('an absent verdict was a hit');
      }),
    );
    const rerun = await rerunCalls(50);
    return {
      metrics: [
        {
          name: `lookup, hit (${entries.toLocaleString('en-US')} entries)`,
          unit: 'ms',
          p50: hit.p50,
          p95: hit.p95,
          target: 'p95 < 1 ms',
          met: hit.p95 < 1,
        },
        { name: 'lookup, miss', unit: 'ms', p50: miss.p50, p95: miss.p95, target: 'p95 < 1 ms', met: miss.p95 < 1 },
        { name: 'judge calls, first run of 50 judged tests', unit: 'calls', value: rerun.first },
        {
          name: 'judge calls, unchanged re-run',
          unit: 'calls',
          value: rerun.second,
          target: '0',
          met: rerun.second === 0 && rerun.cachedVerdicts === 50,
        },
      ],
      notes: [
        `${entries.toLocaleString('en-US')} entries written through JudgeCache.set (atomic writes) into one suite's folder in ${(filled.ms / 1000).toFixed(1)} s; ${lookups} lookups of random stored keys and of absent keys, each the SHA-256 key computation plus the read.`,
        `Re-run: the real runner against scripted servers, ${rerun.cachedVerdicts} of 50 verdicts marked cached.`,
      ],
    };
  },
};
