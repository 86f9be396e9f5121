/**
 * Runs that could not reach the team store must say so: a 2,000,000-character
 * answer is stored cut with a marker (so the run pushes); a background push
 * that fails is shown by every later command until resolved; a bare
 * `gstack-sync push` that could not push a run exits 1, not "pushed 0 runs"
 * and 0. Through the real CLIs; the store is a closed port (these failures
 * happen before any connection matters).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PUSH_LIMITS, pushProblems, standardEvalResultSchema } from '@gstack/core';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { allResultsDirs, resultFilesIn } from '../../results/layout.ts';
import { run } from '../../testing/cli.ts';
import { FakeLlmServer } from '../../testing/fake-llm.ts';

function workspace(server?: FakeLlmServer) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gstack-push-failures-'));
  mkdirSync(path.join(dir, '.git'));
  const state = path.join(dir, 'state');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    GSTACK_STATE_DIR: state,
    GSTACK_SUPABASE_URL: 'http://127.0.0.1:9',
    GSTACK_SUPABASE_ANON_KEY: 'sb_publishable_abc',
    GSTACK_TEAM: 'acme',
    ...(server ? { OPENAI_BASE_URL: `${server.url}/v1` } : {}),
  };
  return { dir, state, env };
}

const resultFiles = (state: string) => allResultsDirs(state).flatMap(resultFilesIn);

/** Waits for a file the detached background push writes (bounded by the test's timeout). */
async function fileAppears(file: string): Promise<void> {
  while (!existsSync(file)) await new Promise((r) => setTimeout(r, 50));
}

describe('large answers and failed pushes', () => {
  it('stores a 2,000,000-character answer cut to the push limit with a marker; assertions saw all of it', async () => {
    const server = await new FakeLlmServer('openai', () => ({ text: 'x'.repeat(2_000_000) })).start();
    try {
      const w = workspace(server);
      writeFileSync(
        path.join(w.dir, 'suite.yaml'),
        stringify({ suite: 'big', tests: [{ name: 't', prompt: 'p', expect: [{ regex: '^x{2000000}$' }] }] }),
      );
      const out = await run('gstack', ['eval', 'run', 'suite.yaml', '--model', 'openai/m', '--no-push'], w.env, w.dir);
      expect(out.code).toBe(0);
      const [file] = resultFiles(w.state);
      const text = readFileSync(file ?? '', 'utf8');
      const doc = standardEvalResultSchema.parse(JSON.parse(text));
      const output = doc.all_results[0]?.output ?? '';
      expect(output.length).toBe(PUSH_LIMITS.stringChars);
      expect(output).toMatch(/^x+\n…\[truncated by gstack: 2000000 characters, the first \d+ kept\]$/);
      expect(pushProblems(doc, Buffer.byteLength(text))).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('shows a failed background push on every later command until the file is gone', async () => {
    const server = await new FakeLlmServer('openai', () => ({ text: 'ok' })).start();
    try {
      const w = workspace(server);
      // A test name longer than the store takes (500 characters): the push refuses the file before connecting.
      writeFileSync(path.join(w.dir, 'suite.yaml'), stringify({ suite: 'named', tests: [{ name: 'n'.repeat(600), prompt: 'p' }] }));
      const out = await run('gstack', ['eval', 'run', 'suite.yaml', '--model', 'openai/m'], w.env, w.dir);
      expect(out.code).toBe(0);
      expect(out.stdout).toContain('pushing to team acme in the background');
      const failures = path.join(w.state, 'sync-push-failures.json');
      await fileAppears(failures);
      const [file] = resultFiles(w.state);
      const list = await run('gstack', ['eval', 'list'], w.env, w.dir);
      expect(list.code).toBe(0);
      expect(list.stderr).toContain(
        `warning: the background push of ${file} failed: ${file}: all_results[0].name: 600 characters; at most 500`,
      );
      expect(list.stderr).toContain(`\`gstack-sync push ${file}\` retries; this note shows until it lands`);
      // gstack-sync shows it too.
      expect((await run('gstack-sync', ['status'], w.env, w.dir)).stderr).toContain('warning: the background push of');
      rmSync(file ?? '');
      const after = await run('gstack', ['eval', 'list'], w.env, w.dir);
      expect(after.stderr).not.toContain('background push');
    } finally {
      await server.close();
    }
  });

  it('a bare gstack-sync push that could not push a run exits 1 and says so', async () => {
    const w = workspace();
    const dir = path.join(w.state, 'projects', path.basename(w.dir).toLowerCase(), 'evals');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, '2026-12-01T00-00-00-000Z-broken.json'), '{"schema_version": 1, "suite": ');
    // With the CI token nothing needs signing in: the push gets as far as reporting.
    const out = await run('gstack-sync', ['push'], { ...w.env, GSTACK_SYNC_TOKEN: 'gst_test' }, w.dir);
    expect(out.stderr).toMatch(/skipped: .*broken\.json: not valid JSON/);
    expect(out.stderr).toContain('not pushed: 1 run (see the lines above)');
    expect(out.code).toBe(1);
    expect(readdirSync(dir)).toContain('2026-12-01T00-00-00-000Z-broken.json');
  });
});
