/**
 * People for tests against the local stack: a confirmed user, a private state
 * dir and the environment that points gstack at the stack, signed in through
 * the real CLI; plus a way to run the CLIs as child processes.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serviceClient, stackInfo, unique } from '@gstack/local-stack/testing';
import { run } from './cli.ts';

export { binDir, run } from './cli.ts';

export interface Person {
  email: string;
  password: string;
  state: string;
  env: Record<string, string>;
}

export function baseEnv(state: string, team: string, url = stackInfo().apiUrl): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: state,
    GSTACK_STATE_DIR: state,
    GSTACK_SUPABASE_URL: url,
    GSTACK_SUPABASE_ANON_KEY: stackInfo().publishableKey,
    GSTACK_TEAM: team,
  };
}

export async function person(team: string): Promise<Person> {
  const email = `${unique('sync')}@example.test`.toLowerCase();
  const password = 'password-123';
  const created = await serviceClient().auth.admin.createUser({ email, password, email_confirm: true });
  if (created.error) throw new Error(created.error.message);
  const state = mkdtempSync(path.join(os.tmpdir(), 'gstack-sync-'));
  const env = baseEnv(state, team);
  const login = await run('gstack-sync', ['login', '--email', email, '--password-stdin'], env, undefined, `${password}\n`);
  if (login.code !== 0) throw new Error(`login failed: ${login.stderr}`);
  return { email, password, state, env };
}
