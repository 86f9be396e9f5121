/**
 * Background pushes that failed. A push detached from `gstack eval run` can
 * only write to sync.log, which nobody reads; so it also records each file it
 * could not push in `~/.gstack/sync-push-failures.json`, and every gstack and
 * gstack-sync command prints them on stderr until they are resolved: a later
 * push of the file lands, or the file is gone. An unreachable store is not a
 * failure (the run is queued, and `gstack-sync status` shows the queue).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { PRIVATE_FILE, readJsonSync, writeJsonAtomicSync } from '../files/json.ts';
import { type Env, statePaths } from '../state-dir.ts';

const failuresSchema = z.object({
  failures: z.array(z.object({ file: z.string(), reason: z.string(), at: z.string() })),
});
type Failure = z.infer<typeof failuresSchema>['failures'][number];

function read(env: Env): Failure[] {
  return readJsonSync(statePaths(env).pushFailures, failuresSchema)?.failures ?? [];
}

function write(env: Env, failures: Failure[]): void {
  writeJsonAtomicSync(statePaths(env).pushFailures, { failures }, { mode: PRIVATE_FILE.mode });
}

/** Records files a background push could not push, with why (the first line of the reason). */
export function recordPushFailures(env: Env, failed: Array<{ file: string; reason: string }>): void {
  if (!failed.length) return;
  const at = new Date().toISOString();
  const named = new Set(failed.map((f) => f.file));
  const reasons = failed.map((f) => ({ file: f.file, reason: f.reason.split('\n')[0] ?? '', at }));
  write(env, [...read(env).filter((f) => !named.has(f.file)), ...reasons]);
}

/** Files that a push has now delivered are resolved. */
export function resolvePushFailures(env: Env, pushed: string[]): void {
  if (!existsSync(statePaths(env).pushFailures)) return;
  const done = new Set(pushed.map((f) => path.resolve(f)));
  const left = read(env).filter((f) => !done.has(path.resolve(f.file)) && existsSync(f.file));
  write(env, left);
}

/** The lines every command prints while some background push is unresolved (files since deleted are dropped). */
export function pushFailureNotice(env: Env): string[] {
  const failures = read(env);
  const left = failures.filter((f) => existsSync(f.file));
  if (left.length !== failures.length) write(env, left);
  const log = path.join(statePaths(env).root, 'sync.log');
  return left.map(
    (f) =>
      `warning: the background push of ${f.file} failed: ${f.reason} (${log}); \`gstack-sync push ${f.file}\` retries; this note shows until it lands`,
  );
}
