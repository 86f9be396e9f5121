/** `gstack eval`: the eval command group, each subcommand's modules loaded only when it runs. */
import type { Command } from 'commander';
import { registerLazily } from '../../cli/lazy.ts';

/** Adds `eval` and the subcommands `args` (the arguments after `eval`) needs; all of them when omitted. */
export async function registerEval(program: Command, args: string[] = []): Promise<void> {
  const evalCommand = program.command('eval').description('Run eval suites and read their results');
  await registerLazily(evalCommand, args, [
    { names: ['run'], load: async () => (await import('./run.ts')).registerEvalRun },
    { names: ['list'], load: async () => (await import('./list.ts')).registerEvalList },
    { names: ['show'], load: async () => (await import('./show.ts')).registerEvalShow },
    { names: ['compare'], load: async () => (await import('./compare.ts')).registerEvalCompare },
    { names: ['summary'], load: async () => (await import('./summary.ts')).registerEvalSummary },
    { names: ['trend'], load: async () => (await import('./trend.ts')).registerEvalTrend },
    { names: ['cost'], load: async () => (await import('./cost.ts')).registerEvalCost },
    { names: ['watch'], load: async () => (await import('./watch.ts')).registerEvalWatch },
    { names: ['leaderboard'], load: async () => (await import('./leaderboard.ts')).registerEvalLeaderboard },
    { names: ['cache'], load: async () => (await import('./cache.ts')).registerEvalCache },
    { names: ['view'], load: async () => (await import('./view.ts')).registerEvalView },
  ]);
}
