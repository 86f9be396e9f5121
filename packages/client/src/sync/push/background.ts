/**
 * After an eval run: push its results in a detached `gstack-sync push`, so the
 * run's exit never waits on the network. Output goes to ~/.gstack/sync.log.
 * Never throws: sync problems must not fail an eval run.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { SYNC_BIN } from '../../cli/bin.ts';
import { type Env, statePaths } from '../../state-dir.ts';
import { isSyncConfigured, loadSyncConfig, type SyncConfig } from '../config.ts';
import { loadPreferences } from '../preferences.ts';

/** True when sync is configured and switched on, so an eval run pushes its results. */
export function backgroundPushEnabled(cwd: string, env: Env): boolean {
  try {
    return enabledTeam(loadSyncConfig(cwd, env), env) !== undefined;
  } catch {
    return false;
  }
}

/** The team an eval run would push to, or undefined when sync is off or not configured. */
function enabledTeam(config: SyncConfig, env: Env): string | undefined {
  return isSyncConfigured(config) && loadPreferences(env).sync_enabled ? config.team?.value : undefined;
}

/**
 * Starts the background push; returns a line for the user, or undefined when
 * sync is off. `pushErrors` passes --push-errors on (errored runs are otherwise skipped by the push).
 */
export function pushInBackground(files: string[], cwd: string, env: Env, pushErrors = false): string | undefined {
  try {
    const team = enabledTeam(loadSyncConfig(cwd, env), env);
    if (team === undefined || !files.length) return undefined;
    const root = statePaths(env).root;
    mkdirSync(root, { recursive: true, mode: 0o700 });
    const log = path.join(root, 'sync.log');
    const fd = openSync(log, 'a', 0o600);
    const child = spawn(
      process.execPath,
      [SYNC_BIN, 'push', ...files, '--quiet', '--event', 'eval_run', ...(pushErrors ? ['--push-errors'] : [])],
      {
        cwd,
        env: env as NodeJS.ProcessEnv,
        detached: true,
        stdio: ['ignore', fd, fd],
      },
    );
    child.on('error', () => {});
    child.unref();
    closeSync(fd);
    return `pushing to team ${team} in the background (log: ${log})`;
  } catch (error) {
    return `not pushed: ${(error as Error).message}`;
  }
}
