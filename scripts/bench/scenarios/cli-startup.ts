/**
 * Scenario 6, CLI start-up: `gstack --version`, `gstack eval list` over 1,000 local runs and
 * `gstack-sync status`, each through the TypeScript sources (tsx, what the bins ran before)
 * and through the JavaScript compiled at install time, in the same run, next to a bare
 * `node -e 0` (the floor no CLI can go under on this machine at this moment).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { resultsDir } from '../../../packages/client/src/results/layout.ts';
import { writeResultFile } from '../../../packages/client/src/runner/results-store.ts';
import type { BenchContext } from '../context.ts';
import { resultDocument } from '../fixtures.ts';
import type { Metric } from '../report.ts';
import { type Summary, summarize, timed } from '../stats.ts';
import type { Scenario, ScenarioOutput } from './index.ts';

const RUNS = 1000;

/** Wall time of one process from spawn to exit; throws unless it exits 0. */
function spawnTimed(args: string[], env: Record<string, string>, cwd: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('close', (code) =>
      code === 0 ? resolve(performance.now() - started) : reject(new Error(`${args.join(' ')}: exit ${code}: ${stderr}`)),
    );
  });
}

export const cliStartupScenario: Scenario = {
  id: 'cli',
  title: '6. CLI start-up',
  async run(context: BenchContext): Promise<ScenarioOutput> {
    const repeats = context.scale.quick ? 3 : 15;
    const build = await timed(async () =>
      execFileSync(process.execPath, [path.join(context.root, 'packages/client/scripts/build.mjs')], { stdio: 'pipe' }),
    );
    const state = mkdtempSync(path.join(os.tmpdir(), 'gstack-bench-list-'));
    const dir = resultsDir(state, 'acme-bench');
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < RUNS; i++) {
      const doc = resultDocument(20, { timestamp: new Date(Date.now() - i * 60_000).toISOString(), suite: `suite-${i % 5}` });
      await writeResultFile(path.join(dir, `${String(i).padStart(4, '0')}-${doc.suite}.json`), doc);
    }
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: state,
      GSTACK_STATE_DIR: state,
      GSTACK_SUPABASE_URL: context.stack.apiUrl,
      GSTACK_SUPABASE_ANON_KEY: context.stack.publishableKey,
      GSTACK_TEAM: 'bench',
      NO_COLOR: '1',
    };
    const bin = (name: string) => path.join(context.root, 'packages/client/bin', `${name}.js`);
    const commands: Array<{ name: string; args: string[]; target: number }> = [
      { name: 'gstack --version', args: [bin('gstack'), '--version'], target: 200 },
      { name: `gstack eval list (${RUNS} local runs)`, args: [bin('gstack'), 'eval', 'list', '--repo', 'acme-bench'], target: 400 },
      { name: 'gstack-sync status', args: [bin('gstack-sync'), 'status'], target: 400 },
    ];
    // Interleaved (bare node, then each command from source and compiled), so load changes hit all alike.
    const samples = new Map<string, number[]>();
    const add = (key: string, ms: number) => samples.set(key, [...(samples.get(key) ?? []), ms]);
    for (let i = 0; i < repeats; i++) {
      add('node', await spawnTimed(['-e', '0'], env, state));
      for (const c of commands) {
        add(`${c.name}|source`, await spawnTimed(c.args, { ...env, GSTACK_FROM_SOURCE: '1' }, state));
        add(`${c.name}|compiled`, await spawnTimed(c.args, env, state));
      }
    }
    const s = (key: string): Summary => summarize(samples.get(key) ?? []);
    const node = s('node');
    const metrics: Metric[] = [{ name: 'bare node -e 0 (the floor)', unit: 'ms', p50: node.p50, p95: node.p95 }];
    for (const c of commands) {
      const source = s(`${c.name}|source`);
      const compiled = s(`${c.name}|compiled`);
      metrics.push(
        { name: `${c.name}, TypeScript via tsx (before)`, unit: 'ms', p50: source.p50, p95: source.p95 },
        {
          name: `${c.name}, compiled + lazy (after)`,
          unit: 'ms',
          p50: compiled.p50,
          p95: compiled.p95,
          target: `p50 ≤ ${c.target} ms`,
          met: compiled.p50 <= c.target,
        },
        { name: `${c.name}: before / after (p50)`, unit: '×', value: source.p50 / compiled.p50 },
        { name: `${c.name}: after, over bare node (p50)`, unit: 'ms', value: compiled.p50 - node.p50 },
      );
    }
    return {
      metrics,
      notes: [
        `Compiled with esbuild in ${(build.ms / 1000).toFixed(1)} s (what \`npm install\` runs through the root prepare script); "before" runs the same bins with GSTACK_FROM_SOURCE=1, i.e. the TypeScript sources through tsx, which is what every start did before. Both paths load commands lazily, so "before" here is already faster than the old bins.`,
        `${repeats} runs of each, interleaved with a bare \`node -e 0\` so that load on the machine hits every figure alike; absolute targets are judged on the p50, and "over bare node" is what the CLI itself adds.`,
        `eval list reads ${RUNS} result files of 20 tests each; gstack-sync status runs without a session (it reports the configuration, queue and dead letters).`,
      ],
    };
  },
};
