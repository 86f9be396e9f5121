/**
 * Child-process supervision. Every service runs in its own process group so
 * the stack can stop it together with anything it spawned, in a chosen order.
 * Output goes to `<data dir>/logs/<name>.log`; the pids go to
 * `<data dir>/pids.json` so a stack that was killed with SIGKILL can clean up
 * after itself on the next start.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface ServiceProcess {
  name: string;
  pid: number;
  child: ChildProcess;
  /** Resolves with the exit code (or signal) once the process has exited. */
  exited: Promise<string>;
  /** Last lines of the service's output, for error messages. */
  tail(): string;
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  uid?: number;
  gid?: number;
  logDir: string;
  /** Called with each chunk of output (already written to the log). */
  onOutput?: (text: string) => void;
}

/** Every service this process started that has not exited yet (see killLeftoverServices). */
const live = new Set<ServiceProcess>();

/**
 * SIGKILLs the process group of every service still running: the last step of a
 * shutdown that ran out of time or was interrupted mid-start, so no Postgres,
 * PostgREST or Deno outlives the stack. Returns what it killed.
 */
export function killLeftoverServices(): string[] {
  const killed: string[] = [];
  for (const service of live) {
    signalGroup(service.pid, 'SIGKILL');
    killed.push(`${service.name} (pid ${service.pid})`);
  }
  live.clear();
  return killed;
}

export function spawnService(name: string, command: string, args: string[], options: SpawnOptions): ServiceProcess {
  const logStream = createWriteStream(path.join(options.logDir, `${name}.log`), { flags: 'a' });
  const child = spawn(command, args, {
    env: options.env ?? process.env,
    cwd: options.cwd,
    uid: options.uid,
    gid: options.gid,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const recent: string[] = [];
  const onData = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    logStream.write(text);
    recent.push(text);
    if (recent.length > 40) recent.shift();
    options.onOutput?.(text);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      logStream.end();
      resolve(signal ? `signal ${signal}` : `code ${code}`);
    });
    child.once('error', (error) => {
      logStream.end();
      resolve(`error ${error.message}`);
    });
  });
  const pid = child.pid ?? -1;
  let done = false;
  const service: ServiceProcess = {
    name,
    pid,
    child,
    exited,
    tail: () => recent.join('').split('\n').slice(-15).join('\n'),
    async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000) {
      if (done || pid < 0) return;
      signalGroup(pid, signal);
      const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      // Anything the service left behind in its group goes too.
      signalGroup(pid, 'SIGKILL');
    },
  };
  if (pid > 0) live.add(service);
  void exited.then(() => {
    done = true;
    live.delete(service);
  });
  return service;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The command line of a live process, or '' when it is gone. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** Records which pids belong to this stack, keyed by service. */
export class PidFile {
  constructor(private readonly file: string) {}

  async write(entries: Record<string, { pid: number; command: string }>): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    await writeFile(this.file, `${JSON.stringify(entries, null, 2)}\n`);
  }

  /**
   * Stops processes a previous, uncleanly ended run left behind. A pid only
   * counts if it is alive and still runs the command we recorded for it, so a
   * recycled pid of somebody else's process is never touched.
   */
  async reapStale(): Promise<string[]> {
    if (!existsSync(this.file)) return [];
    let entries: Record<string, { pid: number; command: string }>;
    try {
      entries = JSON.parse(await readFile(this.file, 'utf8'));
    } catch {
      return [];
    }
    const reaped: string[] = [];
    for (const [name, { pid, command }] of Object.entries(entries)) {
      if (isAlive(pid) && commandLine(pid).startsWith(command)) {
        signalGroup(pid, 'SIGKILL');
        reaped.push(`${name} (pid ${pid})`);
      }
    }
    await writeFile(this.file, '{}\n');
    return reaped;
  }
}

/** What `<data dir>/stack.lock.json` records about the stack that uses the data dir. */
export interface StackLockRecord {
  pid: number;
  /** The supervisor's command line when it started ('' where /proc is missing). */
  command: string;
  portBase: number;
  apiUrl: string;
}

/**
 * One stack per data dir. The running stack records its own pid and ports;
 * a second start finds it alive (same pid, same command line) and refuses
 * instead of treating its Postgres and PostgREST as leftovers of a crash.
 */
export class StackLock {
  constructor(readonly file: string) {}

  /** The stack that holds the data dir now, if it is alive (and not this process). */
  holder(): StackLockRecord | undefined {
    let record: StackLockRecord;
    try {
      record = JSON.parse(readFileSync(this.file, 'utf8')) as StackLockRecord;
    } catch {
      return undefined;
    }
    if (typeof record?.pid !== 'number' || record.pid === process.pid || !isAlive(record.pid)) return undefined;
    // A recycled pid runs something else: only the recorded command line counts.
    const now = commandLine(record.pid);
    if (record.command && now && now !== record.command) return undefined;
    return record;
  }

  async take(portBase: number, apiUrl: string): Promise<void> {
    const record: StackLockRecord = { pid: process.pid, command: commandLine(process.pid), portBase, apiUrl };
    await mkdir(path.dirname(this.file), { recursive: true });
    await writeFile(this.file, `${JSON.stringify(record, null, 2)}\n`);
  }

  async release(): Promise<void> {
    await rm(this.file, { force: true });
  }
}
