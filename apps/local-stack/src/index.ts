/**
 * The Docker-less local Supabase stack: embedded Postgres 17 (bootstrapped
 * like the Supabase image, then migrated with the supabase CLI), PostgREST 12,
 * the auth API, Deno edge functions, one gateway port, database webhooks,
 * cron and a Slack sink. `startStack` brings it all up and returns the
 * connection details and a `stop` that takes every process down.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOOPBACK_ADDRESSES } from '@gstack/core';
import pg from 'pg';
import { createAuthApp } from './auth/app.ts';
import { denoBinary } from './binaries.ts';
import { startCronRunner } from './cron.ts';
import { StackError } from './errors.ts';
import { FunctionsRunner } from './functions/runner.ts';
import { gatewayHandler, startingHandler } from './gateway/app.ts';
import { closeServer, listen } from './http-server.ts';
import { loadOrCreateKeys } from './keys.ts';
import { startNetWorker } from './pg-net.ts';
import { assertPortsFree, DEFAULT_PORT_BASE, type PortLayout, portBaseAdvice, portLayout } from './ports.ts';
import { removeCluster, startCluster, stopLeftoverPostmaster } from './postgres/cluster.ts';
import { allowWebhookOrigin, bootstrap, pushMigrations, reloadSchema, setVaultSecrets } from './postgres/migrate.ts';
import { startPostgrest } from './postgrest.ts';
import { PidFile, type ServiceProcess, StackLock } from './processes.ts';
import { loadProjectConfig, type ProjectConfig } from './project-config.ts';
import { createSlackSink } from './slack-sink.ts';

export { isStackError, StackError } from './errors.ts';
export { DEFAULT_PORT_BASE, findFreePortBase, portLayout } from './ports.ts';
export { DATABASE_TYPES_FILE, generateDatabaseTypes } from './postgres/types.ts';
export { killLeftoverServices } from './processes.ts';

export interface StackOptions {
  /** Folder holding supabase/ (default: this repository). */
  projectRoot?: string;
  /** Default `<projectRoot>/.gstack-local`. */
  dataDir?: string;
  portBase?: number;
  /** Delete the data dir (database included) before starting. */
  reset?: boolean;
  /** Faster, non-durable Postgres settings for throwaway test stacks. */
  ephemeral?: boolean;
  /** More folders of functions, served next to supabase/functions (tests use this). */
  extraFunctionDirs?: string[];
  /** Extra environment for every function. */
  functionEnv?: Record<string, string>;
  /**
   * Overrides config.toml's [auth.rate_limit] (per 5 minutes). Test stacks sign up
   * hundreds of users from 127.0.0.1 and pass higher limits here explicitly.
   */
  authRateLimits?: Partial<ProjectConfig['auth']['rateLimit']>;
  /**
   * Peers whose `Sb-Forwarded-For` the auth believes (the dashboard passes its client's address so
   * sign-in limits count per client, not per dashboard). Default: loopback, where the stack's own
   * dashboard and edge functions run; the stack listens on 127.0.0.1 only, so every caller is local.
   */
  authTrustedProxies?: string[];
  log?: (line: string) => void;
  /** Aborting stops whatever has started so far; startStack then rejects. */
  signal?: AbortSignal;
}

export interface StackInfo {
  apiUrl: string;
  restUrl: string;
  authUrl: string;
  functionsUrl: string;
  dbUrl: string;
  anonKey: string;
  serviceRoleKey: string;
  publishableKey: string;
  secretKey: string;
  jwtSecret: string;
  slackSinkUrl: string;
  dataDir: string;
  envFile: string;
  ports: PortLayout;
  functions: string[];
}

export interface RunningStack {
  info: StackInfo;
  /** True when this start created the database (first start or --reset). */
  created: boolean;
  /** Pids of every process the stack runs right now. */
  pids(): number[];
  stop(): Promise<void>;
}

export function defaultProjectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'supabase', 'config.toml'))) {
    const parent = path.dirname(dir);
    if (parent === dir)
      throw new StackError('Could not find supabase/config.toml above the local stack.', 'Run from a checkout of the repository.', 2);
    dir = parent;
  }
  return dir;
}

/** The lines of `<data dir>/stack.env`. */
export function stackEnv(info: StackInfo): string {
  const vars: Record<string, string> = {
    SUPABASE_URL: info.apiUrl,
    SUPABASE_ANON_KEY: info.anonKey,
    SUPABASE_SERVICE_ROLE_KEY: info.serviceRoleKey,
    SUPABASE_PUBLISHABLE_KEY: info.publishableKey,
    SUPABASE_SECRET_KEY: info.secretKey,
    SUPABASE_DB_URL: info.dbUrl,
    SUPABASE_JWT_SECRET: info.jwtSecret,
    SLACK_SINK_URL: info.slackSinkUrl,
  };
  return `${Object.entries(vars)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')}\n`;
}

export async function startStack(options: StackOptions = {}): Promise<RunningStack> {
  const log = options.log ?? ((line: string) => console.log(line));
  const projectRoot = options.projectRoot ?? defaultProjectRoot();
  const dataDir = path.resolve(options.dataDir ?? path.join(projectRoot, '.gstack-local'));
  const portBase = options.portBase ?? DEFAULT_PORT_BASE;
  const ports = portLayout(portBase);
  const logDir = path.join(dataDir, 'logs');

  // A stack that is running on this data dir is not a leftover: refuse, and leave it alone.
  const lock = new StackLock(path.join(dataDir, 'stack.lock.json'));
  const holder = lock.holder();
  if (holder) {
    throw new StackError(
      `A stack is already running on ${dataDir} (pid ${holder.pid}, API ${holder.apiUrl}).`,
      `Use that one (its keys are in ${path.join(dataDir, 'stack.env')}), stop it (Ctrl-C in its terminal, or kill ${holder.pid}), or start a second one with --data-dir OTHER_DIR and ${await portBaseAdvice(holder.portBase)}.`,
    );
  }
  // Leftovers of a run that was killed go first: they hold the ports and the data dir.
  const pidFile = new PidFile(path.join(dataDir, 'pids.json'));
  const reaped = await pidFile.reapStale();
  const postmaster = await stopLeftoverPostmaster(dataDir);
  if (postmaster) reaped.push(`postgres (pid ${postmaster})`);
  if (reaped.length) log(`Stopped processes left over from an earlier run: ${reaped.join(', ')}`);
  if (options.reset) {
    await removeCluster(dataDir);
    await rm(dataDir, { recursive: true, force: true });
  }
  await mkdir(logDir, { recursive: true });
  await assertPortsFree(ports, portBase);

  const config = await loadProjectConfig(projectRoot);
  const keys = await loadOrCreateKeys(dataDir);
  const apiUrl = `http://127.0.0.1:${ports.api}`;
  const cleanups: Array<() => Promise<unknown>> = [];
  const services: ServiceProcess[] = [];
  const functionPids = new Map<string, number>();
  const recordPids = () =>
    pidFile.write(
      Object.fromEntries([
        // Postgres is not listed: a leftover postmaster gets a clean shutdown from startCluster.
        ...services.filter((s) => s.name !== 'postgres').map((s) => [s.name, { pid: s.pid, command: s.child.spawnargs[0] ?? '' }]),
        ...[...functionPids].map(([name, pid]) => [`function-${name}`, { pid, command: denoBinary() }]),
      ]),
    );
  // Each call stops what has been started until then, newest first. A step that was under way
  // when an abort stopped the stack registers its cleanup late; the next call stops that too.
  let stopping: Promise<void> = Promise.resolve();
  let stopRequested = false;
  const stop = (): Promise<void> => {
    stopRequested = true;
    stopping = stopping.then(async () => {
      for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) {
        await cleanup().catch((e: Error) => log(`[stack] while stopping: ${e.message}`));
      }
      await pidFile.write({}).catch(() => {});
      await lock.release().catch(() => {});
    });
    return stopping;
  };
  const signal = options.signal;
  const onAbort = () => void stop();
  signal?.addEventListener('abort', onAbort, { once: true });
  const checkpoint = () => signal?.throwIfAborted();

  try {
    // Take the in-process ports at once: a port found free can otherwise go to any
    // outgoing socket while Postgres starts. The gateway answers 503 until it is ready.
    const gateway = http.createServer(startingHandler());
    await listen(gateway, ports.api);
    cleanups.push(() => closeServer(gateway));
    await lock.take(portBase, apiUrl);
    const sink = createSlackSink({ dataDir, log });
    await listen(sink, ports.slackSink);
    cleanups.push(() => closeServer(sink));

    checkpoint();
    const cluster = await startCluster({ dataDir, logDir, port: ports.db, ephemeral: options.ephemeral });
    services.push(cluster.process);
    cleanups.push(() => cluster.stop());
    checkpoint();
    await bootstrap(cluster.url);
    checkpoint();
    await pushMigrations(cluster.url, projectRoot);
    checkpoint();
    await allowWebhookOrigin(cluster.url, `http://127.0.0.1:${ports.slackSink}`, 'the local stack Slack sink');
    // What a hosted project's admin sets once (docs/alerts.md): where pg_net reaches the functions.
    await setVaultSecrets(cluster.url, { project_url: apiUrl, service_role_key: keys.serviceRoleKey });

    const postgrest = await startPostgrest({
      dbPort: ports.db,
      port: ports.postgrest,
      adminPort: ports.postgrestAdmin,
      jwtSecret: keys.jwtSecret,
      logDir,
      maxRows: config.maxRows,
    });
    services.push(postgrest);
    cleanups.push(() => postgrest.stop('SIGTERM', 3000));
    checkpoint();
    await reloadSchema(cluster.url);

    const pool = new pg.Pool({ connectionString: cluster.url, max: 5, application_name: 'gstack auth' });
    // An idle connection Postgres ends (as it does when it stops) must not crash the stack.
    pool.on('error', (error) => {
      if (!stopRequested) log(`[auth] database connection lost: ${error.message}`);
    });
    cleanups.push(() => pool.end());
    const auth = createAuthApp({
      pool,
      jwtSecret: keys.jwtSecret,
      issuer: `${apiUrl}/auth/v1`,
      config: { ...config.auth, rateLimit: { ...config.auth.rateLimit, ...options.authRateLimits } },
      trustedProxies: options.authTrustedProxies ?? LOOPBACK_ADDRESSES,
      log,
    });

    const functionDirs = [path.join(projectRoot, 'supabase', 'functions'), ...(options.extraFunctionDirs ?? [])];
    const functions = new FunctionsRunner({
      dirs: functionDirs,
      logDir,
      log,
      env: {
        SUPABASE_URL: apiUrl,
        SUPABASE_ANON_KEY: keys.anonKey,
        SUPABASE_SERVICE_ROLE_KEY: keys.serviceRoleKey,
        SUPABASE_PUBLISHABLE_KEYS: JSON.stringify({ default: keys.publishableKey }),
        SUPABASE_SECRET_KEYS: JSON.stringify({ default: keys.secretKey }),
        SUPABASE_DB_URL: cluster.url,
        // The alert functions may post to the stack's own Slack sink (and, besides Slack, only there).
        SLACK_SINK_URL: `http://127.0.0.1:${ports.slackSink}`,
        ...options.functionEnv,
      },
      onSpawn: (name, pid) => {
        functionPids.set(name, pid);
        void recordPids();
      },
    });
    cleanups.push(() => functions.close());

    const handler = gatewayHandler({
      postgrestPort: ports.postgrest,
      keys,
      auth,
      functions,
      functionsWithoutJwt: new Set(
        Object.entries(config.functions)
          .filter(([, f]) => !f.verifyJwt)
          .map(([name]) => name),
      ),
      log,
    });
    gateway.removeAllListeners('request');
    gateway.on('request', handler);

    checkpoint();
    const net = await startNetWorker({ dbUrl: cluster.url, log });
    cleanups.push(() => net.close());
    const cron = await startCronRunner({ dbUrl: cluster.url, log });
    cleanups.push(() => cron.close());
    checkpoint();

    await recordPids();
    const info: StackInfo = {
      apiUrl,
      restUrl: `${apiUrl}/rest/v1`,
      authUrl: `${apiUrl}/auth/v1`,
      functionsUrl: `${apiUrl}/functions/v1`,
      dbUrl: cluster.url,
      anonKey: keys.anonKey,
      serviceRoleKey: keys.serviceRoleKey,
      publishableKey: keys.publishableKey,
      secretKey: keys.secretKey,
      jwtSecret: keys.jwtSecret,
      slackSinkUrl: `http://127.0.0.1:${ports.slackSink}`,
      dataDir,
      envFile: path.join(dataDir, 'stack.env'),
      ports,
      functions: functions.names(),
    };
    await writeFile(info.envFile, stackEnv(info), { mode: 0o600 });
    return {
      info,
      created: cluster.created,
      pids: () => [...services.map((s) => s.pid), ...Object.values(functions.pids())],
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
