/**
 * The stack as a user runs it: `npm run stack` in its own process. Checks
 * that SIGTERM and Ctrl-C leave no process behind, that a restart keeps the
 * data, that --reset does not, and that a taken port is a clear error.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePortBase } from '../src/index.ts';
import { eventually } from './harness.ts';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

interface StackProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

function launch(args: string[]): StackProcess {
  // No demo team: these tests are about the processes (scripts/demo/seed.int.test.ts covers the seed).
  const child = spawn(process.execPath, ['--import', 'tsx', cli, '--no-demo', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

/** Resolves once the stack printed its banner; rejects if it exits first. */
async function ready(stack: StackProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const onData = () => {
      if (stack.stdout().includes('Press Ctrl-C to stop.')) {
        stack.child.stdout?.off('data', onData);
        resolve(stack.stdout());
      }
    };
    stack.child.stdout?.on('data', onData);
    onData();
    void stack.exit.then((code) => reject(new Error(`stack exited with ${code}:\n${stack.stderr()}`)));
  });
}

/** Every live descendant of `pid`, from /proc. */
function descendants(pid: number): Array<{ pid: number; command: string }> {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited while we looked
    }
  }
  const out: Array<{ pid: number; command: string }> = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      let command = '';
      try {
        command = readFileSync(`/proc/${c}/cmdline`, 'utf8').replaceAll('\0', ' ');
      } catch {}
      out.push({ pid: c, command });
      walk(c);
    }
  };
  walk(pid);
  return out;
}

/**
 * Waits (bounded) until none of `processes` is alive; returns the survivors.
 * Helpers such as tsx's esbuild service end on their own once their parent's
 * pipe closes, a moment after the parent exits.
 */
async function survivors(processes: Array<{ pid: number; command: string }>): Promise<Array<{ pid: number; command: string }>> {
  try {
    await eventually('children to exit', async () => (processes.some((c) => alive(c.pid)) ? undefined : true), 5000);
  } catch {
    // report whoever is left
  }
  return processes.filter((c) => alive(c.pid));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function envValue(dataDir: string, name: string): string {
  const line = readFileSync(path.join(dataDir, 'stack.env'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}=`));
  return line?.slice(name.length + 1) ?? '';
}

async function query(url: string, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

let dataDir: string;
let portBase: number;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'gstack-lifecycle-'));
  await chmod(dataDir, 0o755);
  portBase = await findFreePortBase();
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('the stack as a process', () => {
  it('starts, serves, and stops every child on SIGTERM', async () => {
    const stack = launch(['--port-base', String(portBase), '--data-dir', dataDir]);
    const banner = await ready(stack);
    expect(banner).toContain(`http://127.0.0.1:${portBase}`);
    expect(banner).toContain('new database');
    expect(statSync(path.join(dataDir, 'stack.env')).mode & 0o777).toBe(0o600);

    // Wake a function so a Deno process exists too.
    const health = await fetch(`http://127.0.0.1:${portBase}/functions/v1/health`, {
      headers: { apikey: envValue(dataDir, 'SUPABASE_ANON_KEY') },
    });
    expect(health.status).toBe(200);
    // The dashboard runs beside the stack, on base + 5, and says where.
    const dashboardUrl = envValue(dataDir, 'DASHBOARD_URL');
    expect(dashboardUrl).toBe(`http://127.0.0.1:${portBase + 5}`);
    expect(banner).toMatch(new RegExp(`Dashboard\\s+${dashboardUrl}`));
    expect((await fetch(`${dashboardUrl}/login`)).status).toBe(200);
    await query(envValue(dataDir, 'SUPABASE_DB_URL'), "create table public.kept (v text); insert into public.kept values ('still here')");

    const children = descendants(stack.child.pid ?? -1);
    const commands = children.map((c) => c.command).join('\n');
    expect(commands).toMatch(/bin\/postgres -D/);
    expect(commands).toMatch(/postgrest/);
    expect(commands).toMatch(/deno run/);

    stack.child.kill('SIGTERM');
    expect(await stack.exit).toBe(0);
    expect(await survivors(children)).toEqual([]);
  });

  it('keeps the data on a second start, refuses a taken port, and stops on Ctrl-C', async () => {
    const stack = launch(['--port-base', String(portBase), '--data-dir', dataDir]);
    const banner = await ready(stack);
    expect(banner).toContain('existing database kept');
    const rows = await query(envValue(dataDir, 'SUPABASE_DB_URL'), 'select v from public.kept');
    expect(rows.rows).toEqual([{ v: 'still here' }]);

    const otherDir = await mkdtemp(path.join(os.tmpdir(), 'gstack-clash-'));
    const clash = launch(['--port-base', String(portBase), '--data-dir', otherDir]);
    expect(await clash.exit).toBe(1);
    expect(clash.stderr()).toContain(`Port ${portBase} (API gateway) is already in use.`);
    expect(clash.stderr()).toContain('--port-base');
    expect(clash.stderr()).not.toMatch(/\n\s+at /); // no stack trace
    await rm(otherDir, { recursive: true, force: true });

    const children = descendants(stack.child.pid ?? -1);
    stack.child.kill('SIGINT');
    expect(await stack.exit).toBe(0);
    expect(await survivors(children)).toEqual([]);
  });

  it('refuses a second start on the same data dir, leaving the running stack alone', async () => {
    const stack = launch(['--port-base', String(portBase), '--data-dir', dataDir]);
    await ready(stack);
    // A second start on the same data dir: the running stack is found and left alone.
    const twin = launch(['--port-base', String(portBase + 50), '--data-dir', dataDir]);
    expect(await twin.exit).toBe(1);
    expect(twin.stderr()).toContain(`A stack is already running on ${dataDir} (pid ${stack.child.pid}, API http://127.0.0.1:${portBase}).`);
    expect(twin.stderr()).toMatch(/--port-base \d+ \(free right now\)/);
    expect(twin.stdout()).not.toContain('Stopped processes left over');
    expect((await query(envValue(dataDir, 'SUPABASE_DB_URL'), 'select v from public.kept')).rows).toEqual([{ v: 'still here' }]);
    expect(
      (await fetch(`http://127.0.0.1:${portBase}/rest/v1/`, { headers: { apikey: envValue(dataDir, 'SUPABASE_ANON_KEY') } })).status,
    ).toBeLessThan(500);

    stack.child.kill('SIGTERM');
    expect(await stack.exit).toBe(0);
  });

  it('starts from an empty database with --reset, and cleans up after a SIGKILLed run', async () => {
    const stack = launch(['--port-base', String(portBase), '--data-dir', dataDir, '--reset']);
    const banner = await ready(stack);
    expect(banner).toContain('new database');
    const tables = await query(envValue(dataDir, 'SUPABASE_DB_URL'), "select count(*)::int as n from pg_tables where tablename = 'kept'");
    expect(tables.rows).toEqual([{ n: 0 }]);

    // A crash: the stack gets no chance to stop its children, which keep the ports.
    const orphans = descendants(stack.child.pid ?? -1).filter((c) => /postgres -D|postgrest/.test(c.command));
    expect(orphans.length).toBeGreaterThanOrEqual(2);
    stack.child.kill('SIGKILL');
    await stack.exit;
    expect(orphans.every((c) => alive(c.pid))).toBe(true);

    const next = launch(['--port-base', String(portBase), '--data-dir', dataDir]);
    await ready(next);
    expect(next.stdout()).toContain('Stopped processes left over from an earlier run: postgrest');
    expect(await survivors(orphans)).toEqual([]);
    next.child.kill('SIGTERM');
    expect(await next.exit).toBe(0);
  });

  it('rejects a bad flag with usage and exit code 2', async () => {
    const stack = launch(['--port-base', 'eleven']);
    expect(await stack.exit).toBe(2);
    expect(stack.stderr()).toContain('--port-base must be an integer');
  });
});
