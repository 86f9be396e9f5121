/** `gstack-sync`: connect this machine to the team's Supabase store. */
import { Command } from 'commander';
import { registerLazily } from './lazy.ts';
import { runCli } from './run.ts';
import { VERSION } from './version.ts';

/** The program, with the commands `args` (argv after the binary) needs; every command when `args` is omitted. */
export async function buildSyncProgram(args: string[] = []): Promise<Command> {
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
  await registerLazily(program, args, [
    { names: ['setup'], load: async () => (await import('../commands/sync/setup.ts')).registerSetup },
    { names: ['signup'], load: async () => (await import('../commands/sync/signup.ts')).registerSignup },
    { names: ['login', 'logout'], load: async () => (await import('../commands/sync/login.ts')).registerLogin },
    { names: ['status', 'whoami'], load: async () => (await import('../commands/sync/status.ts')).registerStatus },
    { names: ['push', 'drain'], load: async () => (await import('../commands/sync/push.ts')).registerPush },
    { names: ['show', 'pull'], load: async () => (await import('../commands/sync/show.ts')).registerShow },
    { names: ['prefs'], load: async () => (await import('../commands/sync/preferences.ts')).registerPreferences },
    { names: ['push-*'], load: async () => (await import('../commands/sync/activity.ts')).registerActivity },
  ]);
  return program;
}

await runCli(await buildSyncProgram(process.argv.slice(2)));
