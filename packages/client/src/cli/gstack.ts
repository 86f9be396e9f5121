/** `gstack`: run LLM eval suites locally and read their results. */
import { Command } from 'commander';
import { registerEval } from '../commands/eval/index.ts';
import { registerInit } from '../commands/init/index.ts';
import { registerTeam } from '../commands/team/index.ts';
import { runCli } from './run.ts';
import { VERSION } from './version.ts';

export function buildGstackProgram(): Command {
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
  registerInit(program);
  registerEval(program);
  registerTeam(program);
  return program;
}

await runCli(buildGstackProgram());
