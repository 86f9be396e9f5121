/**
 * The stack as a user runs it: `npm run stack` in its own process. Checks
 * that SIGTERM and Ctrl-C leave no process behind, that a restart keeps the
 * data, that --reset does not, and that a taken port is a clear error.
 */
import { statSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePortBase } from '../src/index.ts';
import { alive, descendants, envValue, launch, query, ready, survivors } from './stack-process.ts';

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
