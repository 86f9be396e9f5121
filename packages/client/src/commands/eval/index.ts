/** `gstack eval`: the eval command group. */
import type { Command } from 'commander';
import { registerEvalCache } from './cache.ts';
import { registerEvalCompare } from './compare.ts';
import { registerEvalCost } from './cost.ts';
import { registerEvalLeaderboard } from './leaderboard.ts';
import { registerEvalList } from './list.ts';
import { registerEvalRun } from './run.ts';
import { registerEvalShow } from './show.ts';
import { registerEvalSummary } from './summary.ts';
import { registerEvalTrend } from './trend.ts';
import { registerEvalWatch } from './watch.ts';

export function registerEval(program: Command): void {
  const evalCommand = program.command('eval').description('Run eval suites and read their results');
  registerEvalRun(evalCommand);
  registerEvalList(evalCommand);
  registerEvalShow(evalCommand);
  registerEvalCompare(evalCommand);
  registerEvalSummary(evalCommand);
  registerEvalTrend(evalCommand);
  registerEvalCost(evalCommand);
  registerEvalWatch(evalCommand);
  registerEvalLeaderboard(evalCommand);
  registerEvalCache(evalCommand);
}
