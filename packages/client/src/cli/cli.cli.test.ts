import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = (name: string) => fileURLToPath(new URL(`../../bin/${name}.js`, import.meta.url));

function run(name: string, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const result = spawnSync(process.execPath, [bin(name), ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH, HOME: os.tmpdir(), ...options.env },
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('gstack and gstack-sync entry points', () => {
  it('print help and exit 0', () => {
    const gstack = run('gstack', ['--help']);
    expect(gstack.code).toBe(0);
    expect(gstack.stdout).toContain('Usage: gstack');
    const sync = run('gstack-sync', ['--help']);
    expect(sync.code).toBe(0);
    expect(sync.stdout).toContain('Usage: gstack-sync');
    expect(sync.stdout).toContain('status');
  });

  const bare = (groups: Array<readonly ['gstack' | 'gstack-sync', readonly string[]]>) => {
    for (const [name, args] of groups) {
      const result = run(name, [...args]);
      expect([name, args, result.code, result.stdout]).toEqual([name, args, 2, '']);
      expect(result.stderr).toContain('Usage:');
    }
  };

  it('exit 2 with the help on stderr for a bare gstack or gstack eval', () => {
    bare([
      ['gstack', []],
      ['gstack', ['eval']],
    ]);
  });

  it('exit 2 for a bare gstack team or team token, but 0 for help team', () => {
    bare([
      ['gstack', ['team']],
      ['gstack', ['team', 'token']],
    ]);
    expect(run('gstack', ['help', 'team']).code).toBe(0);
  });

  it('exit 2 for a bare gstack-sync', () => {
    bare([['gstack-sync', []]]);
  });

  it('exit 2 on an unknown option, without a stack trace', () => {
    const result = run('gstack-sync', ['--no-such-flag']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--no-such-flag'");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('status --json reports the configuration and its sources', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'gstack-cli-'));
    mkdirSync(path.join(root, '.git'));
    writeFileSync(
      path.join(root, '.gstack-sync.json'),
      JSON.stringify({ supabase_url: 'http://127.0.0.1:54321', anon_key: 'sb_publishable_abc', team_slug: 'acme' }),
    );
    const result = run('gstack-sync', ['status', '--json'], { cwd: root, env: { GSTACK_STATE_DIR: path.join(root, 'state') } });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      configured: true,
      config_file: path.join(root, '.gstack-sync.json'),
      supabase_url: { value: 'http://127.0.0.1:54321', source: '.gstack-sync.json' },
      anon_key: { kind: 'publishable', source: '.gstack-sync.json' },
      team: { value: 'acme', source: '.gstack-sync.json' },
      ci_token: null,
      signed_in: false,
      signed_in_as: null,
      queue: { entries: 0, oldest_queued_at: null, last_error: null },
      dead_letters: [],
      current_repo: path.basename(root).toLowerCase(),
      pending: [],
      state_dir: path.join(root, 'state'),
    });
  });

  it.each([
    ['gstack', ['--help']],
    ['gstack-sync', ['--help']],
    ['gstack', ['eval', 'list', '--help']],
  ] as const)('%s %j into a reader that has gone (| head -1) exits without an EPIPE stack trace', async (name, args) => {
    // The reading end is closed before the child writes: every write fails with EPIPE.
    const child = spawn(process.execPath, [bin(name), ...args], {
      env: { PATH: process.env.PATH, HOME: os.tmpdir() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('setup says what is next: login when not signed in, nothing to do when signed in already', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'gstack-cli-'));
    mkdirSync(path.join(root, '.git'));
    const state = path.join(root, 'state');
    const args = ['setup', '--url', 'http://127.0.0.1:54321', '--anon-key', 'sb_publishable_abc', '--team', 'acme'];
    const fresh = run('gstack-sync', args, { cwd: root, env: { GSTACK_STATE_DIR: state } });
    expect([fresh.code, fresh.stdout]).toEqual([0, `wrote ${path.join(root, '.gstack-sync.json')}\nnext: gstack-sync login\n`]);
    mkdirSync(state);
    const session = JSON.stringify({ access_token: 'x', user: { email: 'ada@example.com' } });
    writeFileSync(
      path.join(state, 'auth.json'),
      JSON.stringify({ version: 1, sessions: { 'http://127.0.0.1:54321': { 'sb-127-auth-token': session } } }),
    );
    const again = run('gstack-sync', args, { cwd: root, env: { GSTACK_STATE_DIR: state } });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('signed in as ada@example.com; next: gstack-sync status checks the connection\n');
    expect(again.stdout).not.toContain('gstack-sync login');
  });

  it('status exits 2 naming the file and field of a bad config', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'gstack-cli-'));
    mkdirSync(path.join(root, '.git'));
    writeFileSync(
      path.join(root, '.gstack-sync.json'),
      JSON.stringify({ supabase_url: 'nope', anon_key: 'sb_publishable_abc', team_slug: 'acme' }),
    );
    const result = run('gstack-sync', ['status'], { cwd: root });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `error: ${path.join(root, '.gstack-sync.json')}: supabase_url: an http(s) URL such as https://<project>.supabase.co\n`,
    );
  });
});
