/** The real gstack CLIs as child processes, pointed at the bench stack as one signed-in member. */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run } from '../../packages/client/src/testing/cli.ts';
import type { BenchContext, Member } from './context.ts';

export { run };

/** A private state dir and the environment that points the CLIs at the bench stack. */
export function cliEnv(context: BenchContext, member: Member, extra: Record<string, string> = {}): Record<string, string> {
  const state = mkdtempSync(path.join(os.tmpdir(), 'gstack-bench-cli-'));
  return {
    PATH: process.env.PATH ?? '',
    HOME: state,
    GSTACK_STATE_DIR: state,
    GSTACK_SUPABASE_URL: context.stack.apiUrl,
    GSTACK_SUPABASE_ANON_KEY: context.stack.publishableKey,
    GSTACK_TEAM: member.teamSlug,
    NO_COLOR: '1',
    ...extra,
  };
}

/** Signs `member` in through `gstack-sync login`, so later commands run as them. */
export async function cliLogin(env: Record<string, string>, member: Member): Promise<void> {
  const login = await run('gstack-sync', ['login', '--email', member.email, '--password', member.password], env);
  if (login.code !== 0) throw new Error(`gstack-sync login failed: ${login.stderr}`);
}

/** Runs a CLI and throws with its output unless it exits 0. */
export async function mustRun(bin: 'gstack' | 'gstack-sync', args: string[], env: Record<string, string>): Promise<string> {
  const result = await run(bin, args, env);
  if (result.code !== 0) throw new Error(`${bin} ${args.join(' ')} exited ${result.code}: ${result.stderr || result.stdout}`);
  return result.stdout;
}
