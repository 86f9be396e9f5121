/** `gstack`: run LLM eval suites locally and read their results. */
import { Command } from 'commander';
import { registerLazily } from './lazy.ts';
import { runCli } from './run.ts';
import { VERSION } from './version.ts';

/** The program, with the commands `args` (argv after the binary) needs; every command when `args` is omitted. */
export async function buildGstackProgram(args: string[] = []): Promise<Command> {
  const program = new Command('gstack')
    .description('Run LLM eval suites on your machine: model escalation ladder, cached judges, exact costs.')
    .version(VERSION, '-v, --version')
    .addHelpText(
      'after',
      `
Environment:
  GSTACK_STATE_DIR   where results, the judge cache and sessions live (default ~/.gstack)

Team sync (push results, log in, manage the team) is the separate gstack-sync command.`,
    );
  await registerLazily(program, args, [
    { names: ['init'], load: async () => (await import('../commands/init/index.ts')).registerInit },
    { names: ['eval'], load: async () => (await import('../commands/eval/index.ts')).registerEval },
    { names: ['team'], load: async () => (await import('../commands/team/index.ts')).registerTeam },
    { names: ['ci'], load: async () => (await import('../commands/ci/index.ts')).registerCi },
    { names: ['dashboard'], load: async () => (await import('../commands/dashboard/index.ts')).registerDashboard },
    { names: ['import'], load: async () => (await import('../commands/import/index.ts')).registerImport },
  ]);
  return program;
}

await runCli(await buildGstackProgram(process.argv.slice(2)));
