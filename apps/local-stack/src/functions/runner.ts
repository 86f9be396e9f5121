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
import { stripVTControlCharacters } from 'node:util';
import { denoBinary } from '../binaries.ts';
import { freePort } from '../ports.ts';
import { type ServiceProcess, spawnService } from '../processes.ts';

export interface FunctionsOptions {
  /** Folders holding one folder per function; later ones win on a name clash. */
  dirs: string[];
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
  port?: number;
  process?: ServiceProcess;
  ready?: Promise<void>;
  stale: boolean;
}

/**
 * What Deno needs from our environment besides PATH and HOME: where its cache is, and how to
 * reach a registry through a proxy or a private CA (for the rare download; see bootArgs).
 */
const PASSED_THROUGH = [
  'PATH',
  'HOME',
  'DENO_DIR',
  'HTTPS_PROXY',
  'HTTP_PROXY',
  'NO_PROXY',
  'https_proxy',
  'http_proxy',
  'no_proxy',
  'NODE_EXTRA_CA_CERTS',
  'DENO_CERT',
  'DENO_TLS_CA_STORE',
  'NPM_CONFIG_REGISTRY',
];

/** The environment a Deno process gets from ours (the variables in PASSED_THROUGH that are set). */
export function denoEnvironment(from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of PASSED_THROUGH) {
    const value = from[name];
    if (value !== undefined) env[name] = value;
  }
  // Deno reads a private CA from DENO_CERT; Node users set NODE_EXTRA_CA_CERTS.
  if (env.NODE_EXTRA_CA_CERTS && !env.DENO_CERT) env.DENO_CERT = env.NODE_EXTRA_CA_CERTS;
  return env;
}

/**
 * Flags that make Deno resolve the functions' `npm:` imports from the node_modules that
 * `npm install` filled (the versions deno.json names are the workspace's own dependencies),
 * so a function starts with no download: offline, behind a proxy, with an empty Deno cache.
 */
export const DENO_NPM_FLAGS = ['--node-modules-dir=manual', '--no-lock'];

/** The cause of a failed start in one line, and what fixes it. */
export function explainBootFailure(output: string): { cause: string; fix: string } {
  const lines = output.split('\n').map((l) => stripVTControlCharacters(l).trim());
  const error = lines.find((l) => /^error\b/i.test(l)) ?? lines.find((l) => l) ?? 'no output';
  if (
    /Failed loading|error sending request|registry\.npmjs|Could not find .*node_modules|not found in .*node_modules|npm package/i.test(
      output,
    )
  ) {
    return {
      cause: error,
      fix: 'its npm imports must be installed: run `npm install` in the repository (the functions load hono, zod and supabase-js from node_modules, never from the network)',
    };
  }
  return { cause: error, fix: "fix the error above in the function's code; it restarts on the next request after a change" };
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
  /** The last boot failure reported per function, so each is reported once. */
  private readonly reported = new Map<string, string>();
  private closed = false;

  constructor(private readonly options: FunctionsOptions) {
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
      instance = { name, dir, stale: false };
      this.instances.set(name, instance);
    }
    if (!instance.process) instance.ready = this.boot(instance);
    try {
      await instance.ready;
      this.reported.delete(name);
      return { ok: true, port: instance.port as number };
    } catch (error) {
      const { cause, fix } = explainBootFailure((error as Error).message);
      if (this.reported.get(name) !== cause) {
        this.reported.set(name, cause);
        this.options.log(`[functions/${name}] cannot start: ${cause}\n[functions/${name}] fix: ${fix}`);
      }
      return { ok: false, status: 503, code: 'BOOT_ERROR', message: `Function failed to start: ${cause}. Fix: ${fix}` };
    }
  }

  private async boot(instance: FunctionInstance): Promise<void> {
    const deno = denoBinary();
    const functionsRoot = path.dirname(instance.dir);
    const config = path.join(instance.dir, 'deno.json');
    const args = ['run', '--allow-net', '--allow-env', '--allow-read', '--allow-sys', '--no-prompt', ...DENO_NPM_FLAGS];
    if (existsSync(config)) args.push('--config', config);
    args.push(path.join(instance.dir, 'index.ts'));
    // A port the OS says is free, fresh for every start.
    instance.port = await freePort();
    const env = {
      ...denoEnvironment(),
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
        // Until it listens, the output is the boot error: reported once, with its fix, by target().
        if (!listening) return;
        for (const line of text.split('\n')) {
          if (line.trim() && !line.startsWith('Listening on')) this.options.log(`[functions/${instance.name}] ${line}`);
        }
      },
    });
    let listening = false;
    instance.process = proc;
    this.options.onSpawn?.(instance.name, proc.pid);
    void proc.exited.then((how) => {
      if (instance.process === proc) {
        instance.process = undefined;
        if (!this.closed && !instance.stale && listening)
          this.options.log(`[functions/${instance.name}] exited (${how}); the next request starts it again`);
      }
    });
    await waitForPort(instance.port, proc);
    listening = true;
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
