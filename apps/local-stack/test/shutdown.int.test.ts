/**
 * Ctrl-C (SIGINT) and SIGTERM end `npm start` within 5 s in every state it can
 * be in, leaving no process behind: while starting, while seeding the demo
 * team, and while a function cannot boot and the requests for it wait in the
 * pg_net queue. Those requests survive the stop and are delivered by the next
 * start.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findFreePortBase } from '../src/index.ts';
import { eventually } from './harness.ts';
import { descendants, envValue, launch, query, ready, type StackProcess, survivors } from './stack-process.ts';

/** What the issue promises: stopped within 5 s of the signal. */
const STOP_BOUND_MS = 5000;

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function freshDataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gstack-shutdown-'));
  await chmod(dir, 0o755);
  dirs.push(dir);
  return dir;
}

/** Records every process the stack ever had below it, so none can slip away unseen. */
function watchTree(stack: StackProcess): () => Array<{ pid: number; command: string }> {
  const seen = new Map<number, string>();
  const sample = () => {
    for (const c of descendants(stack.child.pid ?? -1)) seen.set(c.pid, c.command);
  };
  sample();
  const timer = setInterval(sample, 50);
  void stack.exit.then(() => clearInterval(timer));
  return () => {
    sample();
    return [...seen].map(([pid, command]) => ({ pid, command }));
  };
}

/** Sends `signal` and resolves with the exit code, or 'still running' after STOP_BOUND_MS. */
async function stopWith(stack: StackProcess, signal: NodeJS.Signals): Promise<number | null | 'still running'> {
  stack.child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<'still running'>((resolve) => {
    timer = setTimeout(() => resolve('still running'), STOP_BOUND_MS);
  });
  const result = await Promise.race([stack.exit, bound]);
  clearTimeout(timer);
  if (result === 'still running') stack.child.kill('SIGKILL');
  return result;
}

describe('stopping npm start', () => {
  it('while it starts: Ctrl-C once Postgres runs ends everything, Postgres included', async () => {
    const dataDir = await freshDataDir();
    const stack = launch(['--port-base', String(await findFreePortBase()), '--data-dir', dataDir]);
    const seen = watchTree(stack);
    await eventually('Postgres to start', async () => (seen().some((c) => /bin\/postgres -D/.test(c.command)) ? true : undefined), 30_000);
    expect(stack.stdout()).not.toContain('Press Ctrl-C to stop.');
    expect(await stopWith(stack, 'SIGINT')).toBe(0);
    const all = seen();
    expect(all.map((c) => c.command).join('\n')).toMatch(/bin\/postgres -D/);
    expect(await survivors(all)).toEqual([]);
    expect(stack.stderr()).not.toMatch(/\n\s+at /);
  });

  it('while it seeds the demo team: SIGTERM ends the stack and the seed', async () => {
    const dataDir = await freshDataDir();
    const stack = launch(['--port-base', String(await findFreePortBase()), '--data-dir', dataDir], { demo: true });
    const seen = watchTree(stack);
    await ready(stack);
    await eventually('the seed to start', async () => (stack.stdout().includes('Seeding the demo team') ? true : undefined));
    await eventually('the seed process', async () => (seen().some((c) => /demo\/cli\.ts/.test(c.command)) ? true : undefined));
    expect(await stopWith(stack, 'SIGTERM')).toBe(0);
    expect(await survivors(seen())).toEqual([]);
  });

  it('while a function cannot boot: reported once, Ctrl-C ends everything, and its waiting requests reach it on the next start', async () => {
    const dataDir = await freshDataDir();
    const portBase = await findFreePortBase();
    // A regression-alert that cannot start shadows the real one in this start only.
    const broken = path.join(dataDir, 'broken-functions', 'regression-alert');
    mkdirSync(broken, { recursive: true });
    writeFileSync(path.join(broken, 'index.ts'), 'this is not TypeScript (\n');
    const stack = launch(['--port-base', String(portBase), '--data-dir', dataDir, '--functions-dir', path.dirname(broken)]);
    const seen = watchTree(stack);
    await ready(stack);
    const dbUrl = envValue(dataDir, 'SUPABASE_DB_URL');
    // What the alert sweep job does, three times, as cron would.
    for (let i = 0; i < 3; i++) await query(dbUrl, `select private.invoke_function('regression-alert', '{"sweep": true}'::jsonb)`);
    await eventually('the worker to report the function', async () =>
      stack.stdout().includes('[pg_net] regression-alert cannot start') ? true : undefined,
    );
    const waiting = await query(dbUrl, `select count(*)::int as n from net.http_request_queue where url like '%/regression-alert'`);
    expect(waiting.rows).toEqual([{ n: 3 }]);
    const out = stack.stdout();
    expect(out.split('[pg_net] regression-alert cannot start').length - 1).toBe(1);
    expect(out.split('[functions/regression-alert] cannot start').length - 1).toBe(1);
    expect(out).toContain('[functions/regression-alert] fix:');
    expect(out).not.toMatch(/answered 503/);

    expect(await stopWith(stack, 'SIGINT')).toBe(0);
    expect(await survivors(seen())).toEqual([]);

    // Nothing was lost: the next start (with the real function) sends all three.
    const next = launch(['--port-base', String(portBase), '--data-dir', dataDir]);
    await ready(next);
    const answered = await eventually(
      'the waiting requests to be answered',
      async () => {
        const { rows } = await query(
          dbUrl,
          `select (select count(*)::int from net.http_request_queue) as queued, (select count(*)::int from net._http_response where status_code = 200) as ok`,
        );
        return rows[0]?.queued === 0 && rows[0]?.ok >= 3 ? rows[0] : undefined;
      },
      30_000,
    );
    expect(answered).toEqual({ queued: 0, ok: 3 });
    expect(await stopWith(next, 'SIGTERM')).toBe(0);
  });
});
