/**
 * `gstack eval run` as a user runs it: the real binary in a child process,
 * with its exit codes, stdout/stderr split, result files and error messages.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { standardEvalResultSchema } from '@gstack/core';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { allResultsDirs, resultFilesIn } from '../../results/layout.ts';
import { run } from '../../testing/cli.ts';
import { FakeLlmServer, lastUserText } from '../../testing/fake-llm.ts';

const repoRoot = fileURLToPath(new URL('../../../../../', import.meta.url));
const bin = path.join(repoRoot, 'packages/client/bin/gstack.js');

function workspace() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gstack-cli-eval-'));
  return { dir, env: { PATH: process.env.PATH, HOME: dir, GSTACK_STATE_DIR: path.join(dir, 'state') } as Record<string, string> };
}

function gstack(args: string[], options: { cwd: string; env: Record<string, string> }) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: options.cwd, env: options.env, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Every file under `dir` (recursively), relative to it; [] when it does not exist. */
function allFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
  } catch {
    return [];
  }
}

/** The result files (not their summaries, partials or markers) under the state dir. */
function evalFiles(_dir: string, state: string): string[] {
  return allResultsDirs(state).flatMap(resultFilesIn);
}

describe('gstack eval run', () => {
  it('runs the offline example from the repository, then re-runs it from the cache', () => {
    const { dir, env } = workspace();
    const first = gstack(['eval', 'run', path.join(repoRoot, 'docs/examples/capitals.yaml')], { cwd: dir, env });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('capitals  ✓ 4 passed  ✗ 0 failed  (100.0%)');
    expect(first.stdout).toContain('escalation     t1 3 · t2 1');
    expect(first.stdout.includes(String.fromCharCode(27))).toBe(false); // no colour when not on a TTY

    const second = gstack(['eval', 'run', path.join(repoRoot, 'docs/examples/capitals.yaml')], { cwd: dir, env });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/✓ canada-explained .* cached/);
    expect(second.stdout).toContain('judge cache    4 hits, 0 misses');
    const files = evalFiles(dir, env.GSTACK_STATE_DIR ?? '');
    expect(files).toHaveLength(2);
    expect(files.every((f) => !f.includes('_partial'))).toBe(true);
    const doc = standardEvalResultSchema.parse(JSON.parse(readFileSync(files[1] ?? '', 'utf8')));
    expect(doc.judge_cost_usd).toBe(0);
  });

  it('runs only the tests --filter names (name or category) and writes JUnit XML with --junit', () => {
    const { dir, env } = workspace();
    const suite = path.join(repoRoot, 'docs/examples/capitals.yaml');
    const junit = path.join(dir, 'junit.xml');
    const run = gstack(['eval', 'run', suite, '--filter', 'OCEANIA', '--junit', junit], { cwd: dir, env });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('capitals  ✓ 1 passed  ✗ 0 failed');
    expect(run.stdout).toMatch(/cloud\/claude-sonnet-4-6\s+system\s+1 call\s/);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/<testsuite name="capitals" tests="1" failures="0" errors="0" skipped="0" time="[\d.]+" timestamp="[^"]+">/);
    expect(xml).toMatch(/<testcase classname="capitals.oceania" name="australia" time="[\d.]+"\/>/);
    expect(xml.match(/<testcase/g)).toHaveLength(1);
    const none = gstack(['eval', 'run', suite, '--filter', 'nothing-*'], { cwd: dir, env });
    expect([none.code, none.stderr]).toEqual([2, `error: --filter "nothing-*" matches no test by name or category in ${suite}\n`]);
  });

  it('prints only the result document on stdout with --json', () => {
    const { dir, env } = workspace();
    const run = gstack(['eval', 'run', path.join(repoRoot, 'docs/examples/capitals.yaml'), '--json', '--label', 'nightly'], {
      cwd: dir,
      env,
    });
    expect(run.code).toBe(0);
    const doc = standardEvalResultSchema.parse(JSON.parse(run.stdout));
    expect(doc).toMatchObject({ suite: 'capitals', label: 'nightly', tier: 'ladder', totals: { tests: 4, passed: 4 } });
  });

  it('exits 1 when a test fails, and honours --fail-under', async () => {
    const server = await new FakeLlmServer('openai', (req) => ({
      text: JSON.stringify(req.body.messages).includes('one') ? '1' : 'wrong',
    })).start();
    try {
      const { dir, env } = workspace();
      const suite = path.join(dir, 'numbers.yaml');
      writeFileSync(
        suite,
        stringify({
          suite: 'numbers',
          tests: [
            { name: 'one', prompt: 'one', expect: [{ equals: '1' }] },
            { name: 'two', prompt: 'two', expect: [{ equals: '2' }] },
          ],
        }),
      );
      const env2 = { ...env, OPENAI_BASE_URL: `${server.url}/v1` };
      const failing = await run('gstack', ['eval', 'run', suite, '--model', 'openai/tiny'], env2, dir);
      expect(failing.code).toBe(1);
      expect(failing.stdout).toContain('✗ two');
      expect(failing.stdout).toContain('expected the output to equal "2", got "wrong"');
      expect((await run('gstack', ['eval', 'run', suite, '--model', 'openai/tiny', '--fail-under', '50'], env2, dir)).code).toBe(0);
      expect((await run('gstack', ['eval', 'run', suite, '--model', 'openai/tiny', '--fail-under', '51'], env2, dir)).code).toBe(1);
    } finally {
      await server.close();
    }
  });

  it.each([
    [
      'an unknown assertion',
      { suite: 's', tests: [{ name: 't', prompt: 'p', expect: [{ contain: 'x' }] }] },
      /suite\.yaml: tests\[0\]\.expect\[0\]: unknown assertion "contain"/,
    ],
    ['a test without a prompt', { suite: 's', tests: [{ name: 't' }] }, /suite\.yaml: tests\[0\]: give `prompt` or `messages`/],
    [
      'a bad regex',
      { suite: 's', tests: [{ name: 't', prompt: 'p', expect: [{ regex: '([a-z' }] }] },
      /tests\[0\]\.expect\[0\]\.regex: a valid regular expression/,
    ],
  ])('exits 2 on a malformed suite: %s', (_what, suite, message) => {
    const { dir, env } = workspace();
    writeFileSync(path.join(dir, 'suite.yaml'), stringify(suite));
    const run = gstack(['eval', 'run', 'suite.yaml', '--model', 'openai/x'], { cwd: dir, env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(evalFiles(dir, env.GSTACK_STATE_DIR ?? '')).toEqual([]);
  });

  it('exits 2 on invalid YAML, naming the line', () => {
    const { dir, env } = workspace();
    writeFileSync(path.join(dir, 'suite.yaml'), 'suite: s\ntests:\n  - name: t\n    prompt: [unclosed\n');
    const run = gstack(['eval', 'run', 'suite.yaml', '--model', 'openai/x'], { cwd: dir, env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: suite\.yaml:\d+:\d+: invalid YAML/);
  });

  it('exits 2 on a malformed models.yaml, naming the field', () => {
    const { dir, env } = workspace();
    writeFileSync(path.join(dir, 'suite.yaml'), stringify({ suite: 's', tests: [{ name: 't', prompt: 'p' }] }));
    writeFileSync(
      path.join(dir, 'models.yaml'),
      stringify({ providers: { local: { type: 'openia', base_url: 'http://x' } }, default_chain: ['local'] }),
    );
    const run = gstack(['eval', 'run', 'suite.yaml'], { cwd: dir, env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'models.yaml: providers.local.type: Invalid option: expected one of "openai"|"ollama"|"anthropic"|"command"|"replay"',
    );
    expect(run.stderr).toContain('models.yaml: default_chain[0]: a model as provider/model');
  });

  it('exits 2 on a chain naming an unknown provider, before any call', () => {
    const { dir, env } = workspace();
    writeFileSync(path.join(dir, 'suite.yaml'), stringify({ suite: 's', tests: [{ name: 't', prompt: 'p' }] }));
    writeFileSync(path.join(dir, 'models.yaml'), stringify({ default_chain: ['nowhere/model'] }));
    const run = gstack(['eval', 'run', 'suite.yaml'], { cwd: dir, env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('model nowhere/model: no provider named "nowhere"');
    // No stray `_partial.json.owner` (nor anything else) is left in the results folder.
    expect(allFiles(env.GSTACK_STATE_DIR ?? '')).toEqual([]);
  });

  it('says "no model answered" and exits 3 (errored, not failed) when the model server is down', async () => {
    const { dir, env } = workspace();
    writeFileSync(path.join(dir, 'suite.yaml'), stringify({ suite: 's', tests: [{ name: 't', prompt: 'p' }] }));
    writeFileSync(
      path.join(dir, 'models.yaml'),
      stringify({ providers: { local: { type: 'openai', base_url: 'http://127.0.0.1:9/v1', max_retries: 0 } } }),
    );
    const down = await run('gstack', ['eval', 'run', 'suite.yaml', '--model', 'local/m'], env, dir);
    expect(down.code).toBe(3);
    expect(down.stdout).toContain('errored        no model answered 1 of 1 test');
    expect(down.stdout).toContain('✗ t: no model answered: t1 local/m: error:');
    const [file] = evalFiles(dir, env.GSTACK_STATE_DIR ?? '');
    expect(JSON.parse(readFileSync(file ?? '', 'utf8'))).toMatchObject({ errored: true, totals: { errors: 1 } });
  });

  it('labels prices set by pricing: in models.yaml "configured", in the summary and in eval cost', async () => {
    const server = await new FakeLlmServer('openai', () => ({ text: 'ok', usage: { input: 1000, output: 500 } })).start();
    try {
      const { dir, env } = workspace();
      writeFileSync(path.join(dir, 'suite.yaml'), stringify({ suite: 's', tests: [{ name: 't', prompt: 'p' }] }));
      writeFileSync(
        path.join(dir, 'models.yaml'),
        stringify({ providers: { box: { type: 'openai', base_url: `${server.url}/v1` } }, pricing: { 'box/m': { input: 1, output: 2 } } }),
      );
      const out = await run('gstack', ['eval', 'run', 'suite.yaml', '--model', 'box/m'], env, dir);
      expect(out.code).toBe(0);
      // 1,000 input tokens at $1/M + 500 output at $2/M = $0.0020
      expect(out.stdout).toMatch(/box\/m\s+system\s+1 call\s+\$0\.0020\s+configured \(models\.yaml pricing\)/);
      expect(out.stdout).not.toContain('price table');
      const [file] = evalFiles(dir, env.GSTACK_STATE_DIR ?? '');
      const cost = await run('gstack', ['eval', 'cost', file ?? ''], env, dir);
      expect(cost.stdout).toMatch(/box\/m .*\$0\.0020\s+configured \(models\.yaml pricing\)/);
      expect(cost.stdout).toContain('(partly priced by models.yaml pricing)');
      expect(cost.stdout).not.toContain('price table');
    } finally {
      await server.close();
    }
  });

  it('lets --model win over an exported EVAL_TIER', async () => {
    const server = await new FakeLlmServer('openai', () => ({ text: 'Paris' })).start();
    try {
      const { dir, env } = workspace();
      writeFileSync(
        path.join(dir, 'suite.yaml'),
        stringify({ suite: 's', tests: [{ name: 't', prompt: 'p', expect: [{ contains: 'Paris' }] }] }),
      );
      writeFileSync(path.join(dir, 'models.yaml'), stringify({ tiers: { fast: 'openai/tier-model' } }));
      const withEnv = { ...env, EVAL_TIER: 'fast', OPENAI_BASE_URL: `${server.url}/v1` };
      const flagged = await run('gstack', ['eval', 'run', 'suite.yaml', '--model', 'openai/flag-model', '--json'], withEnv, dir);
      expect(flagged.stderr).toBe('');
      expect(flagged.code).toBe(0);
      expect(JSON.parse(flagged.stdout)).toMatchObject({ tier: 'model' });
      expect(server.requests.map((r) => r.body.model)).toEqual(['flag-model']);
      // Both as flags is still a usage error.
      const both = await run('gstack', ['eval', 'run', 'suite.yaml', '--model', 'openai/x', '--tier', 'fast'], withEnv, dir);
      expect(both.code).toBe(2);
    } finally {
      await server.close();
    }
  });

  it.each([
    ['SIGINT', 'interrupted with Ctrl-C'],
    ['SIGTERM', 'stopped with SIGTERM, as CI cancels a job'],
  ] as const)('keeps what finished when %s: %s', async (signal, _why) => {
    let calls = 0;
    const server = await new FakeLlmServer('openai', () => {
      calls += 1;
      return calls === 1 ? { text: 'fast' } : { text: 'slow', delayMs: 20_000 };
    }).start();
    const { dir, env } = workspace();
    writeFileSync(
      path.join(dir, 'suite.yaml'),
      stringify({
        suite: 'long',
        defaults: { concurrency: 1 },
        tests: [
          { name: 'first', prompt: 'a' },
          { name: 'second', prompt: 'b' },
          { name: 'third', prompt: 'c' },
        ],
      }),
    );
    const child: ChildProcess = spawn(process.execPath, [bin, 'eval', 'run', 'suite.yaml', '--model', 'openai/m'], {
      cwd: dir,
      env: { ...env, OPENAI_BASE_URL: `${server.url}/v1` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      // The first test's line appears once its result is in the partial file.
      await new Promise<void>((resolve) => {
        const check = () => (stdout.includes('first') ? resolve() : setTimeout(check, 20));
        check();
      });
      child.kill(signal);
      expect(await exited).toBe(1);
      const [file] = evalFiles(dir, env.GSTACK_STATE_DIR ?? '');
      const doc = standardEvalResultSchema.parse(JSON.parse(readFileSync(file ?? '', 'utf8')));
      expect(doc.interrupted).toBe(true);
      expect(doc.all_results.map((r) => r.name)).toEqual(['first']);
      expect(stdout).toContain('interrupted');
      expect(readdirSync(path.dirname(file ?? '')).filter((f) => f.includes('_partial'))).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      await server.close();
    }
  });
});

describe('gstack eval run: continuing a run', () => {
  function suite(dir: string) {
    writeFileSync(
      path.join(dir, 'suite.yaml'),
      stringify({
        suite: 'long',
        defaults: { concurrency: 1 },
        tests: ['first', 'second', 'third'].map((name) => ({ name, prompt: name, expect: [{ contains: 'ok' }] })),
      }),
    );
  }

  it('--resume continues a killed run from its partial file: only the unfinished tests are called', async () => {
    let slow = true;
    const server = await new FakeLlmServer('openai', (req) =>
      lastUserText(req) === 'first' || !slow ? { text: 'ok' } : { text: 'ok', delayMs: 20_000 },
    ).start();
    const { dir, env } = workspace();
    suite(dir);
    const env2 = { ...env, OPENAI_BASE_URL: `${server.url}/v1` };
    const child = spawn(process.execPath, [bin, 'eval', 'run', 'suite.yaml', '--model', 'openai/m'], {
      cwd: dir,
      env: env2,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await new Promise<void>((resolve) => {
        const check = () => (stdout.includes('first') ? resolve() : setTimeout(check, 20));
        check();
      });
      child.kill('SIGKILL');
      await exited;
      slow = false;
      const before = server.requests.length;
      const resumed = await run('gstack', ['eval', 'run', 'suite.yaml', '--model', 'openai/m', '--resume', '--json'], env2, dir);
      expect(resumed.stderr).toBe('');
      expect(resumed.code).toBe(0);
      expect(server.requests.slice(before).map(lastUserText).sort()).toEqual(['second', 'third']);
      const doc = JSON.parse(resumed.stdout);
      expect(doc).toMatchObject({ interrupted: false, planned_tests: 3, totals: { tests: 3, passed: 3 } });
      expect(doc.all_results.map((r: { name: string }) => r.name)).toEqual(['first', 'second', 'third']);
      // The killed run is kept (as interrupted), held back from a bare push; the resumed run is a run of its own.
      const files = evalFiles(dir, env.GSTACK_STATE_DIR ?? '').sort();
      expect(files).toHaveLength(2);
      const old = JSON.parse(readFileSync(files[0] ?? '', 'utf8'));
      expect(old).toMatchObject({ interrupted: true, totals: { tests: 1 } });
      expect(old.run_id).not.toBe(doc.run_id);
      expect(allFiles(env.GSTACK_STATE_DIR ?? '').filter((f) => f.endsWith('.no-push'))).toHaveLength(1);
      // The newest run finished: nothing to resume.
      const again = await run('gstack', ['eval', 'run', 'suite.yaml', '--model', 'openai/m', '--resume'], env2, dir);
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/^error: --resume: the newest run of suite long \(\w{8}\) finished; there is nothing to resume\n$/);
    } finally {
      child.kill('SIGKILL');
      await server.close();
    }
  });

  it('--retry-errors RUN runs again only the tests no model answered', async () => {
    let down = true;
    const server = await new FakeLlmServer('openai', (req) =>
      down && lastUserText(req) === 'second' ? { status: 500, error: 'overloaded' } : { text: 'ok' },
    ).start();
    try {
      const { dir, env } = workspace();
      suite(dir);
      writeFileSync(
        path.join(dir, 'models.yaml'),
        stringify({ providers: { box: { type: 'openai', base_url: `${server.url}/v1`, max_retries: 0 } } }),
      );
      const first = await run('gstack', ['eval', 'run', 'suite.yaml', '--model', 'box/m', '--json'], env, dir);
      expect(first.code).toBe(3);
      const errored = JSON.parse(first.stdout);
      expect(errored).toMatchObject({ errored: true, totals: { tests: 3, passed: 2, errors: 1 } });
      down = false;
      const before = server.requests.length;
      const retried = await run(
        'gstack',
        ['eval', 'run', 'suite.yaml', '--model', 'box/m', '--retry-errors', errored.run_id.slice(0, 8), '--json'],
        env,
        dir,
      );
      expect(retried.stderr).toBe('');
      expect(retried.code).toBe(0);
      expect(server.requests.slice(before).map(lastUserText)).toEqual(['second']);
      expect(JSON.parse(retried.stdout)).toMatchObject({ errored: false, totals: { tests: 3, passed: 3, errors: 0 } });
      const none = await run(
        'gstack',
        ['eval', 'run', 'suite.yaml', '--model', 'box/m', '--retry-errors', JSON.parse(retried.stdout).run_id],
        env,
        dir,
      );
      expect(none.code).toBe(2);
      expect(none.stderr).toContain('has no errored test');
    } finally {
      await server.close();
    }
  });
});
