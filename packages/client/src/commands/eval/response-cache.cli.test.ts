/**
 * The opt-in model response cache through the real CLI: a warm 1,000-test
 * re-run makes no model call and costs $0; --no-cache reads nothing; `gstack
 * eval cache clear` empties it; a suite without the opt-in never uses it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { run } from '../../testing/cli.ts';
import { FakeLlmServer } from '../../testing/fake-llm.ts';

let server: FakeLlmServer;
beforeAll(async () => {
  server = await new FakeLlmServer('openai', () => ({ text: 'ok', usage: { input: 10, output: 2 }, cost: 0.001 })).start();
});
afterAll(async () => {
  await server.close();
});

describe('the model response cache', () => {
  it('answers a warm 1,000-test re-run with 0 model calls and $0; --no-cache reads nothing; cache clear empties it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gstack-response-cache-'));
    const env = { PATH: process.env.PATH ?? '', HOME: dir, GSTACK_STATE_DIR: path.join(dir, 'state') };
    writeFileSync(path.join(dir, 'models.yaml'), stringify({ providers: { box: { type: 'openai', base_url: `${server.url}/v1` } } }));
    const tests = Array.from({ length: 1000 }, (_, i) => ({ name: `t${i}`, prompt: `Question ${i}`, expect: [{ contains: 'ok' }] }));
    writeFileSync(path.join(dir, 'suite.yaml'), stringify({ suite: 'cached', defaults: { cache: true, concurrency: 16 }, tests }));
    const evalRun = (...extra: string[]) => run('gstack', ['eval', 'run', 'suite.yaml', '--model', 'box/m', ...extra], env, dir);

    const cold = await evalRun('--json');
    expect(cold.code).toBe(0);
    expect(server.requests.length).toBe(1000);
    expect(JSON.parse(cold.stdout).cost_usd).toBeCloseTo(1, 8);

    const warm = await evalRun('--json');
    expect(warm.code).toBe(0);
    expect(server.requests.length).toBe(1000);
    const doc = JSON.parse(warm.stdout);
    expect(doc.cost_usd).toBe(0);
    expect(doc.costs).toEqual([expect.objectContaining({ model: 'box/m', calls: 0, cached_calls: 1000, cost_usd: 0 })]);
    expect(doc.all_results.every((r: { attempts: Array<{ cached: boolean }> }) => r.attempts[0]?.cached === true)).toBe(true);

    const text = await evalRun('--filter', 't99*');
    expect(text.stdout).toContain('response cache 11 answers from the cache ($0), 0 model calls');
    expect(text.stdout).toMatch(/✓ t99 .* cached/);

    // --no-cache: no reads (the answers are written again).
    await evalRun('--filter', 't99*', '--no-cache');
    expect(server.requests.length).toBe(1011);

    const cleared = await run('gstack', ['eval', 'cache', 'clear'], env, dir);
    expect(cleared.stdout).toBe('removed 0 cached verdicts and 1000 cached responses\n');
    await evalRun('--filter', 't99*');
    expect(server.requests.length).toBe(1022);
  });

  it('is not used without the opt-in (suite, models.yaml or --cache)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gstack-response-cache-'));
    const env = { PATH: process.env.PATH ?? '', HOME: dir, GSTACK_STATE_DIR: path.join(dir, 'state') };
    writeFileSync(path.join(dir, 'models.yaml'), stringify({ providers: { box: { type: 'openai', base_url: `${server.url}/v1` } } }));
    writeFileSync(path.join(dir, 'suite.yaml'), stringify({ suite: 'plain', tests: [{ name: 't', prompt: 'not cached' }] }));
    const before = server.requests.length;
    await run('gstack', ['eval', 'run', 'suite.yaml', '--model', 'box/m'], env, dir);
    await run('gstack', ['eval', 'run', 'suite.yaml', '--model', 'box/m'], env, dir);
    expect(server.requests.length - before).toBe(2);
    await run('gstack', ['eval', 'run', 'suite.yaml', '--model', 'box/m', '--cache'], env, dir);
    await run('gstack', ['eval', 'run', 'suite.yaml', '--model', 'box/m', '--cache'], env, dir);
    expect(server.requests.length - before).toBe(3);
  });
});
