/** `gstack`: run LLM eval suites locally and read their results. */
import { Command } from 'commander';
import { runCli } from './run.ts';
import { VERSION } from './version.ts';

export function buildGstackProgram(): Command {
  return new Command('gstack')
    .description('Run LLM eval suites on your machine: model escalation ladder, cached judges, exact costs.')
    .version(VERSION, '-v, --version')
    .addHelpText(
      'after',
      `
Environment:
  GSTACK_STATE_DIR   where results, the judge cache and sessions live (default ~/.gstack)

Team sync (push results, log in, manage the team) is the separate gstack-sync command.`,
    );
}

await runCli(buildGstackProgram());
