/**
 * Runs each edge function (`<functions dir>/<name>/index.ts`) in its own Deno
 * process, started on its first request like the edge runtime's cold start,
 * and restarted on the next request after any of its files change. Deno's
 * `DENO_SERVE_ADDRESS` makes the function's own `Deno.serve(handler)` listen
 * on the port we chose, so the code runs unmodified.
 */
import { existsSync, type FSWatcher, readdirSync, readFileSync, watch } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { denoBinary } from '../binaries.ts';
import { StackError } from '../errors.ts';
import { type ServiceProcess, spawnService } from '../processes.ts';

export interface FunctionsOptions {
  /** Folders holding one folder per function; later ones win on a name clash. */
  dirs: string[];
  firstPort: number;
  lastPort: number;
  logDir: string;
  env: Record<string, string>;
  /** Prints a line about a function (boot errors, restarts). */
  log: (line: string) => void;
  /** Called when a function process starts, so the stack can record its pid. */
  onSpawn?: (name: string, pid: number) => void;
}

interface FunctionInstance {
  name: string;
  dir: string;
  port: number;
  process?: ServiceProcess;
  ready?: Promise<void>;
  stale: boolean;
}

export type FunctionTarget = { ok: true; port: number } | { ok: false; status: 404 | 503; code: string; message: string };

/** Lists function folders: every subfolder with an index.ts, skipping `_shared` and dotfiles. */
export function discoverFunctions(dirs: string[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith('_') || entry.name.startsWith('.')) continue;
      if (existsSync(path.join(dir, entry.name, 'index.ts'))) found.set(entry.name, path.join(dir, entry.name));
    }
  }
  return found;
}

/** KEY=value lines of supabase/functions/.env (the local stand-in for `supabase secrets`). */
function readDotEnv(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (match?.[1]) env[match[1]] = (match[2] ?? '').replace(/^(['"])(.*)\1$/, '$2');
  }
  return env;
}

export class FunctionsRunner {
  private readonly instances = new Map<string, FunctionInstance>();
  private readonly watchers: FSWatcher[] = [];
  private nextPort: number;
  private closed = false;

  constructor(private readonly options: FunctionsOptions) {
    this.nextPort = options.firstPort;
    denoBinary(); // fail at start-up, not on the first request, when Deno is missing
    for (const dir of options.dirs) {
      if (!existsSync(dir)) continue;
      try {
        this.watchers.push(watch(dir, { recursive: true }, (_event, file) => this.onChange(dir, String(file ?? ''))));
      } catch {
        // Watching is a convenience; without it functions restart only with the stack.
      }
    }
  }

  names(): string[] {
    return [...discoverFunctions(this.options.dirs).keys()].sort();
  }

  /** Starts the function if needed and returns the port it listens on. */
  async target(name: string): Promise<FunctionTarget> {
    if (this.closed) return { ok: false, status: 503, code: 'SHUTTING_DOWN', message: 'The stack is stopping' };
    let instance = this.instances.get(name);
    if (!instance || instance.stale) {
      const dir = discoverFunctions(this.options.dirs).get(name);
      if (!dir) return { ok: false, status: 404, code: 'NOT_FOUND', message: `Requested function ${name} was not found` };
      if (instance) await this.stopInstance(instance);
      instance = { name, dir, port: instance?.port ?? this.allocatePort(), stale: false };
      this.instances.set(name, instance);
    }
    if (!instance.process) this.boot(instance);
    try {
      await instance.ready;
      return { ok: true, port: instance.port };
    } catch (error) {
      return { ok: false, status: 503, code: 'BOOT_ERROR', message: `Function failed to start: ${(error as Error).message}` };
    }
  }

  private allocatePort(): number {
    if (this.nextPort > this.options.lastPort) {
      throw new StackError(
        'Too many edge functions for the port range.',
        'Use fewer functions or extend FUNCTION_PORT_SLOTS in apps/local-stack/src/ports.ts.',
      );
    }
    return this.nextPort++;
  }

  private boot(instance: FunctionInstance): void {
    const deno = denoBinary();
    const functionsRoot = path.dirname(instance.dir);
    const config = path.join(instance.dir, 'deno.json');
    const args = ['run', '--allow-net', '--allow-env', '--allow-read', '--allow-sys', '--no-prompt', '--no-lock'];
    if (existsSync(config)) args.push('--config', config);
    args.push(path.join(instance.dir, 'index.ts'));
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DENO_DIR: process.env.DENO_DIR,
      ...readDotEnv(path.join(functionsRoot, '.env')),
      ...this.options.env,
      SB_EXECUTION_ID: instance.name,
      DENO_SERVE_ADDRESS: `tcp:127.0.0.1:${instance.port}`,
      DENO_NO_UPDATE_CHECK: '1',
      NO_COLOR: '1',
    };
    const proc = spawnService(`function-${instance.name}`, deno, args, {
      env: Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)),
      cwd: instance.dir,
      logDir: this.options.logDir,
      onOutput: (text) => {
        for (const line of text.split('\n')) {
          if (line.trim() && !line.startsWith('Listening on')) this.options.log(`[functions/${instance.name}] ${line}`);
        }
      },
    });
    instance.process = proc;
    this.options.onSpawn?.(instance.name, proc.pid);
    instance.ready = waitForPort(instance.port, proc);
    void proc.exited.then((how) => {
      if (instance.process === proc) {
        instance.process = undefined;
        if (!this.closed && !instance.stale)
          this.options.log(`[functions/${instance.name}] exited (${how}); the next request starts it again`);
      }
    });
  }

  private onChange(root: string, file: string): void {
    const first = file.split(path.sep)[0] ?? '';
    for (const instance of this.instances.values()) {
      // _shared is imported by every function: restart them all.
      if (first === '_shared' || path.join(root, first) === instance.dir) {
        if (!instance.stale && instance.process) this.options.log(`[functions/${instance.name}] changed; restarting on the next request`);
        instance.stale = true;
      }
    }
  }

  private async stopInstance(instance: FunctionInstance): Promise<void> {
    const proc = instance.process;
    instance.process = undefined;
    await proc?.stop('SIGTERM', 3000);
  }

  /** Pids of the running function processes, for the stack's pid file. */
  pids(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const instance of this.instances.values()) if (instance.process) out[instance.name] = instance.process.pid;
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const watcher of this.watchers) watcher.close();
    await Promise.all([...this.instances.values()].map((i) => this.stopInstance(i)));
  }
}

function waitForPort(port: number, proc: ServiceProcess, timeoutMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const deadline = Date.now() + timeoutMs;
    void proc.exited.then((how) => {
      if (!settled) {
        settled = true;
        reject(new Error(`${how}\n${proc.tail()}`));
      }
    });
    const attempt = () => {
      if (settled) return;
      const socket = net.connect({ port, host: '127.0.0.1' });
      socket.once('connect', () => {
        socket.destroy();
        settled = true;
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) {
          settled = true;
          reject(new Error(`did not listen within ${timeoutMs / 1000} s`));
        } else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}
