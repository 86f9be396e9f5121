/**
 * PostgREST 12, the same server hosted Supabase runs behind /rest/v1. It
 * connects as `authenticator` and switches to the role named in the JWT.
 */

import { postgrestBinary } from './binaries.ts';
import { StackError } from './errors.ts';
import { type ServiceProcess, spawnService } from './processes.ts';

export interface PostgrestOptions {
  dbPort: number;
  port: number;
  adminPort: number;
  jwtSecret: string;
  logDir: string;
  maxRows: number;
}

export async function startPostgrest(options: PostgrestOptions): Promise<ServiceProcess> {
  const env = {
    PATH: process.env.PATH,
    PGRST_DB_URI: `postgresql://authenticator:postgres@127.0.0.1:${options.dbPort}/postgres`,
    PGRST_DB_SCHEMAS: 'public',
    PGRST_DB_EXTRA_SEARCH_PATH: 'public,extensions',
    PGRST_DB_ANON_ROLE: 'anon',
    PGRST_DB_MAX_ROWS: String(options.maxRows),
    PGRST_DB_POOL: '10',
    PGRST_DB_CHANNEL_ENABLED: 'true',
    PGRST_JWT_SECRET: options.jwtSecret,
    PGRST_SERVER_HOST: '127.0.0.1',
    PGRST_SERVER_PORT: String(options.port),
    PGRST_ADMIN_SERVER_PORT: String(options.adminPort),
    PGRST_LOG_LEVEL: 'warn',
  };
  const proc = spawnService('postgrest', postgrestBinary(), [], { env, logDir: options.logDir });
  await waitForReady(`http://127.0.0.1:${options.adminPort}/ready`, proc);
  return proc;
}

/** Polls a readiness URL until it answers 200, failing fast if the process dies. */
export async function waitForReady(url: string, proc: ServiceProcess, timeoutMs = 20_000): Promise<void> {
  let exited: string | undefined;
  void proc.exited.then((r) => {
    exited = r;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited)
      throw new StackError(
        `${proc.name} exited during start-up (${exited}):\n${proc.tail()}`,
        `See logs/${proc.name}.log in the data dir.`,
      );
    const ok = await fetch(url)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new StackError(
    `${proc.name} was not ready within ${timeoutMs / 1000} s:\n${proc.tail()}`,
    `See logs/${proc.name}.log in the data dir.`,
  );
}
