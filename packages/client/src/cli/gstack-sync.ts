/** `gstack-sync`: connect this machine to the team's Supabase store. */
import { Command } from 'commander';
import { registerActivity } from '../commands/sync/activity.ts';
import { registerLogin } from '../commands/sync/login.ts';
import { registerPreferences } from '../commands/sync/preferences.ts';
import { registerPush } from '../commands/sync/push.ts';
import { registerSetup } from '../commands/sync/setup.ts';
import { registerShow } from '../commands/sync/show.ts';
import { registerSignup } from '../commands/sync/signup.ts';
import { registerStatus } from '../commands/sync/status.ts';
import { runCli } from './run.ts';
import { VERSION } from './version.ts';

export function buildSyncProgram(): Command {
  const program = new Command('gstack-sync')
    .description("Sync eval results and activity with your team's Supabase store.")
    .version(VERSION, '-v, --version')
    .addHelpText(
      'after',
      `
Configuration (later layers win):
  .gstack-sync.json at the repository root   { "supabase_url", "anon_key", "team_slug" }
  GSTACK_SUPABASE_URL, GSTACK_SUPABASE_ANON_KEY, GSTACK_TEAM, GSTACK_SYNC_TOKEN (CI ingest token)
  GSTACK_STATE_DIR                           local state (default ~/.gstack)`,
    );
  registerSetup(program);
  registerSignup(program);
  registerLogin(program);
  registerStatus(program);
  registerPush(program);
  registerShow(program);
  registerPreferences(program);
  registerActivity(program);
  return program;
}

await runCli(buildSyncProgram());
