/**
 * The client as a team installs it in its own repository: `npm pack` of the
 * compiled CLIs (scripts/pack.mjs) installed into an empty directory, then
 * `npx gstack --version`, `gstack init --offline`, `gstack eval run` and
 * `gstack-sync push` there, against the test stack. Nothing of this checkout
 * may be needed at run time: no tsx, no TypeScript, no apps/.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { eventually, sql, unique } from '@gstack/local-stack/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { baseEnv, person, run } from '../src/testing/people.ts';

const exec = promisify(execFile);
const clientDir = fileURLToPath(new URL('..', import.meta.url));
const version = (JSON.parse(readFileSync(path.join(clientDir, 'package.json'), 'utf8')) as { version: string }).version;

let project: string;
let env: Record<string, string>;

/** `npx <bin> ...args` in the project, as a user types it. */
async function npx(args: string[], extraEnv: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await exec('npx', ['--no-install', ...args], { cwd: project, env: { ...env, ...extraEnv } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

beforeAll(async () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'gstack-pack-'));
  const { stdout } = await exec(process.execPath, [path.join(clientDir, 'scripts', 'pack.mjs'), '--out', out]);
  const tarball = stdout.trim().split('\n').at(-1) ?? '';
  expect(tarball).toBe(path.join(out, `gstack-client-${version}.tgz`));

  // A team member's repository: nothing but a package.json.
  project = mkdtempSync(path.join(os.tmpdir(), 'gstack-team-repo-'));
  const team = unique('packed').replace(/_/g, '-').toLowerCase();
  const admin = await person(team);
  expect((await run('gstack', ['team', 'create', team], admin.env)).code).toBe(0);
  const minted = await run('gstack', ['team', 'token', 'create', 'ci', '--json'], admin.env);
  // CI's environment: a push-only token, a state dir of its own.
  const state = mkdtempSync(path.join(os.tmpdir(), 'gstack-pack-state-'));
  env = { ...baseEnv(state, team), GSTACK_SYNC_TOKEN: JSON.parse(minted.stdout).token as string, NO_COLOR: '1' };
  await exec('npm', ['init', '-y'], { cwd: project });
  await exec('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], { cwd: project, env: process.env });
}, 180_000);

describe('the packed client, installed in an empty repository', () => {
  it('holds compiled JavaScript only, with bins that load it directly', () => {
    const installed = path.join(project, 'node_modules', '@gstack', 'client');
    const manifest = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(Object.keys(manifest.dependencies)).not.toContain('tsx');
    expect(Object.keys(manifest.dependencies).filter((d) => d.startsWith('@gstack/'))).toEqual([]);
    const files = readdirSync(path.join(installed, 'dist', 'cli'));
    expect(files.filter((f) => f.endsWith('.ts'))).toEqual([]);
    for (const file of files) {
      const code = readFileSync(path.join(installed, 'dist', 'cli', file), 'utf8');
      expect(code, file).not.toMatch(/from ["'](\.\.\/)+(apps|packages|scripts)\//);
      expect(code, file).not.toMatch(/["']tsx(\/[^"']*)?["']/);
    }
    expect(existsSync(path.join(project, 'node_modules', 'tsx'))).toBe(false);
  });

  it('npx gstack --version prints the version', async () => {
    const res = await npx(['gstack', '--version']);
    expect(res.stdout.trim()).toBe(version);
    expect(res.code).toBe(0);
  });

  it('init --offline, eval run and gstack-sync push work end to end', async () => {
    const init = await npx(['gstack', 'init', '--offline']);
    expect(init.code, init.stderr).toBe(0);
    expect(existsSync(path.join(project, 'evals', 'starter.yaml'))).toBe(true);

    const evalRun = await npx(['gstack', 'eval', 'run', 'evals/starter.yaml', '--json']);
    // The offline starter suite passes on its recorded answers (as quickstart.int.test.ts expects).
    expect(evalRun.code, evalRun.stderr).toBe(0);
    const summary = JSON.parse(evalRun.stdout) as { suite?: string };
    expect(summary.suite).toBe('starter');

    // The run was pushed in the background already, or this push sends it: either way it lands once.
    const push = await npx(['gstack-sync', 'push']);
    expect(push.code, push.stderr).toBe(0);
    const rows = await eventually('the run in the team store', async () => {
      const found = await sql<{ suite: string }>(
        `select r.suite from public.eval_runs r join public.teams t on t.id = r.team_id where t.slug = $1`,
        [env.GSTACK_TEAM],
      );
      return found.length ? found : undefined;
    });
    expect(rows.map((r) => r.suite)).toEqual(['starter']);
  });
});
