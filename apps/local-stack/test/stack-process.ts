/**
 * The stack as a user runs it, in its own process (`npm start`'s CLI), and the
 * process-tree checks the lifecycle and shutdown tests share.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { isAlive } from '../src/processes.ts';
import { eventually } from './harness.ts';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

export interface StackProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

/**
 * Starts `npm start`'s CLI. No demo team unless asked: most tests are about the processes
 * (scripts/demo/seed.int.test.ts covers the seed).
 */
export function launch(args: string[], options: { demo?: boolean; env?: NodeJS.ProcessEnv } = {}): StackProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, ...(options.demo ? [] : ['--no-demo']), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: options.env ?? process.env,
  });
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
export async function ready(stack: StackProcess): Promise<string> {
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
export function descendants(pid: number): Array<{ pid: number; command: string }> {
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
export async function survivors(processes: Array<{ pid: number; command: string }>): Promise<Array<{ pid: number; command: string }>> {
  try {
    await eventually('children to exit', async () => (processes.some((c) => isAlive(c.pid)) ? undefined : true), 5000);
  } catch {
    // report whoever is left
  }
  return processes.filter((c) => isAlive(c.pid));
}

export { isAlive as alive } from '../src/processes.ts';

export function envValue(dataDir: string, name: string): string {
  const line = readFileSync(path.join(dataDir, 'stack.env'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}=`));
  return line?.slice(name.length + 1) ?? '';
}

export async function query(url: string, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}
