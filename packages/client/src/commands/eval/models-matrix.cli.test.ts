/**
 * One suite on several models in one command: a repeated --model (or the
 * suite's models: list, where a list is a chain) stores one ordinary run per
 * model and prints a tests × models matrix; compare reads them like any runs.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { allResultsDirs, resultFilesIn } from '../../results/layout.ts';
import { run } from '../../testing/cli.ts';
import { FakeLlmServer, lastUserText } from '../../testing/fake-llm.ts';

let server: FakeLlmServer;
beforeAll(async () => {
  // "good" knows both capitals, "bad" only France's.
  server = await new FakeLlmServer('openai', (req) => ({
    text: req.body.model === 'good' || lastUserText(req).includes('France') ? 'Paris or Tokyo' : 'Lyon',
    usage: { input: 1000, output: 0 },
  })).start();
});
afterAll(async () => {
  await server.close();
});

function workspace(suiteExtra: Record<string, unknown> = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gstack-matrix-'));
  const env = { PATH: process.env.PATH ?? '', HOME: dir, GSTACK_STATE_DIR: path.join(dir, 'state'), NO_COLOR: '1' };
  writeFileSync(
    path.join(dir, 'models.yaml'),
    stringify({
      providers: { box: { type: 'openai', base_url: `${server.url}/v1` } },
      pricing: { 'box/good': { input: 2, output: 0 }, 'box/bad': { input: 1, output: 0 } },
    }),
  );
  writeFileSync(
    path.join(dir, 'suite.yaml'),
    stringify({
      suite: 'capitals',
      ...suiteExtra,
      tests: [
        { name: 'france', prompt: 'Capital of France?', expect: [{ contains: 'Paris' }] },
        { name: 'japan', prompt: 'Capital of Japan?', expect: [{ contains: 'Tokyo' }] },
      ],
    }),
  );
  return { dir, env, files: () => allResultsDirs(env.GSTACK_STATE_DIR).flatMap(resultFilesIn) };
}

describe('comparing models in one run', () => {
  it('runs the suite once per --model, stores each as a run, and prints the matrix', async () => {
    const w = workspace();
    const out = await run('gstack', ['eval', 'run', 'suite.yaml', '--model', 'box/good', '--model', 'box/bad'], w.env, w.dir);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(1);
    expect(w.files()).toHaveLength(2);
    // 2 tests × 1,000 input tokens at $2/M (good) and $1/M (bad).
    const matrix = out.stdout.slice(out.stdout.indexOf('capitals     box/good'));
    expect(matrix.split('\n').slice(0, 6)).toEqual([
      'capitals     box/good  box/bad',
      'france       ✓         ✓',
      'japan        ✓         ✗',
      'pass rate    100.0%    50.0%',
      'cost         $0.0040   $0.0020',
      expect.stringMatching(/^latency p50 {2}\d+ ms +\d+ ms$/),
    ]);
    const json = await run('gstack', ['eval', 'run', 'suite.yaml', '--model', 'box/good', '--model', 'box/bad', '--json'], w.env, w.dir);
    const docs = JSON.parse(json.stdout);
    expect(docs.map((d: { tier: string; pass_rate: number }) => [d.tier, d.pass_rate])).toEqual([
      ['model', 100],
      ['model', 50],
    ]);
    // compare reads them as ordinary runs.
    const compare = await run('gstack', ['eval', 'compare', docs[0].run_id, docs[1].run_id], w.env, w.dir);
    expect(compare.code).toBe(0);
    expect(compare.stdout).toContain('newly failing\n  ✗ japan');
  });

  it("runs the suite's models: list, where a list is a chain", async () => {
    const w = workspace({ models: ['box/bad', ['box/bad', 'box/good']] });
    const out = await run('gstack', ['eval', 'run', 'suite.yaml', '--json'], w.env, w.dir);
    expect(out.stderr).toBe('');
    const docs = JSON.parse(out.stdout);
    expect(docs.map((d: { tier: string; pass_rate: number }) => [d.tier, d.pass_rate])).toEqual([
      ['model', 50],
      ['ladder', 100],
    ]);
    expect(docs[1].all_results[1].resolved_model).toBe('box/good');
    const text = await run('gstack', ['eval', 'run', 'suite.yaml'], w.env, w.dir);
    expect(text.stdout).toContain('capitals     box/bad  box/bad → box/good');
  });

  it('refuses --resume with several models, and a malformed --model, before any call', async () => {
    const w = workspace();
    const before = server.requests.length;
    const resume = await run(
      'gstack',
      ['eval', 'run', 'suite.yaml', '--model', 'box/good', '--model', 'box/bad', '--resume'],
      w.env,
      w.dir,
    );
    expect([resume.code, resume.stderr]).toEqual([2, 'error: --resume continues one run: give one --model (or none)\n']);
    const bad = await run('gstack', ['eval', 'run', 'suite.yaml', '--model', 'box/good,nothing'], w.env, w.dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--model must be provider/model (a,b for a chain), not "box/good,nothing"');
    expect(server.requests.length).toBe(before);
  });
});
