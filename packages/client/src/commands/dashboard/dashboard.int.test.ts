/**
 * `gstack dashboard` as a process: serves the dashboard against the stack the
 * environment names and stops on SIGTERM; without a configured project it
 * exits 2 naming what to set.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually, stackInfo } from '@gstack/local-stack/testing';
import { describe, expect, it } from 'vitest';
import { baseEnv, binDir, run } from '../../testing/people.ts';

describe('gstack dashboard', () => {
  it('serves the sign-in page against the configured project and stops on SIGTERM', async () => {
    const state = mkdtempSync(path.join(os.tmpdir(), 'gstack-dash-cli-'));
    const child = spawn(process.execPath, [path.join(binDir, 'gstack.js'), 'dashboard', '--port', '0'], {
      cwd: state,
      env: baseEnv(state, 'any-team'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const url = await eventually('the dashboard URL', async () => /Dashboard {2}(http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1], 20_000);
    expect(stdout).toContain(`Supabase ${stackInfo().apiUrl}, from $GSTACK_SUPABASE_URL`);
    const page = await fetch(`${url}/login`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post" action="/login">');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('exits 2 and says what to configure when no project is set', async () => {
    const state = mkdtempSync(path.join(os.tmpdir(), 'gstack-dash-cli-'));
    const result = await run('gstack', ['dashboard'], { PATH: process.env.PATH ?? '', HOME: state, GSTACK_STATE_DIR: state }, state);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no Supabase project configured');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a bad port with exit code 2', async () => {
    const state = mkdtempSync(path.join(os.tmpdir(), 'gstack-dash-cli-'));
    const result = await run('gstack', ['dashboard', '--port', 'eighty'], baseEnv(state, 'any-team'), state);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--port must be an integer');
  });
});
