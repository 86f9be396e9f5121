/**
 * `gstack eval watch` as a child process: started before the run, it waits
 * for the run's partial file, follows it (--json: one line per refresh) and
 * stops when the run finishes. (A --file that is not there: analytics.cli.test.ts.)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually } from '@gstack/local-stack/testing';
import { describe, expect, it } from 'vitest';
import { binDir } from '../../testing/cli.ts';
import { makeRun } from '../../testing/history.ts';

/** Starts `gstack eval watch ARGS` for acme-app in a fresh state dir, collecting its output while it runs. */
function watch(args: string[]) {
  const state = mkdtempSync(path.join(os.tmpdir(), 'gstack-watch-'));
  const dir = path.join(state, 'projects', 'acme-app', 'evals');
  mkdirSync(dir, { recursive: true });
  const env = { PATH: process.env.PATH ?? '', HOME: state, GSTACK_STATE_DIR: state, NO_COLOR: '1' };
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(binDir, 'gstack.js'), 'eval', 'watch', '--repo', 'acme-app', '--interval', '50', ...args],
    { env, cwd: os.tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const out = { stdout: '', stderr: '' };
  child.stdout?.on('data', (d: Buffer) => {
    out.stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out.stderr += d.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
  const shows = (stream: 'stdout' | 'stderr', text: string) =>
    eventually(`watch to print ${JSON.stringify(text)} on ${stream}`, async () => (out[stream].includes(text) ? true : undefined));
  return { dir, out, exit, shows };
}

/** A run in progress: one of two tests done, written by a live process (this one). */
function startRun(dir: string) {
  const doc = { ...makeRun({ hoursAgo: 0, tests: { a: true } }), interrupted: true, planned_tests: 2 };
  const partial = path.join(dir, 'run_partial.json');
  writeFileSync(`${partial}.owner`, JSON.stringify({ pid: process.pid, hostname: os.hostname() }));
  writeFileSync(partial, JSON.stringify(doc));
  return { doc, partial };
}

describe('gstack eval watch', () => {
  it('--json waits for a run that has not started, prints a line per refresh, and ends when it finishes', async () => {
    const w = watch(['--json']);
    await w.shows('stderr', 'waiting for an eval run in acme-app to start (Ctrl-C to stop)');
    expect(w.out.stdout).toBe('');
    const { doc, partial } = startRun(w.dir);
    await w.shows('stdout', '"state":"running"');
    // The run finishes: its partial file goes away.
    rmSync(partial);
    rmSync(`${partial}.owner`);
    expect(await w.exit).toBe(0);
    const lines = w.out.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const running = {
      suite: 'smoke',
      run_id: doc.run_id,
      started_at: doc.timestamp,
      done: 1,
      planned: 2,
      passed: 1,
      failed: 0,
      cost_usd: 0.001,
    };
    expect(lines[0]).toEqual({ state: 'running', ...running });
    expect(lines.at(-1)).toEqual({ state: 'finished', ...running });
  });

  it('without --json, waits, shows the progress frame and says where the result is', async () => {
    const w = watch([]);
    await w.shows('stderr', 'waiting for an eval run in acme-app to start');
    const { partial } = startRun(w.dir);
    await w.shows('stdout', 'smoke  ██████████░░░░░░░░░░ 1/2 done  ✓1 ✗0  $0.0010\n  ✓ a  t1 local/t1\n');
    rmSync(partial);
    rmSync(`${partial}.owner`);
    expect(await w.exit).toBe(0);
    expect(w.out.stdout.endsWith('finished: gstack eval list shows the result\n')).toBe(true);
  });
});
