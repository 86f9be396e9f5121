/** `gstack eval`: the eval command group. */
import type { Command } from 'commander';
import { registerEvalCache } from './cache.ts';
import { registerEvalRun } from './run.ts';

export function registerEval(program: Command): void {
  const evalCommand = program.command('eval').description('Run eval suites and manage their judge cache');
  registerEvalRun(evalCommand);
  registerEvalCache(evalCommand);
}
