/** `gstack-sync push [FILE...]` and `gstack-sync drain`: flags in, lines out; the push itself is sync/push. */
import { type Command, Option } from 'commander';
import { recordPushFailures, resolvePushFailures } from '../../cli/push-failures.ts';
import { printJson } from '../../cli/run.ts';
import { countOf } from '../../cli/term.ts';
import { gitInfo } from '../../runner/git.ts';
import { statePaths } from '../../state-dir.ts';
import { requireConfig } from '../../sync/config.ts';
import { syncState } from '../../sync/local-state.ts';
import { drainQueue, drainReport } from '../../sync/push/index.ts';
import { loadResultFiles, unsyncedResults, withoutErroredRuns } from '../../sync/push/results.ts';
import { type PushFlags, print, pushAndReport, stderrLine } from './common.ts';

export function registerPush(program: Command): void {
  program
    .command('push')
    .description(
      "Push eval results (default: this repository's local results not yet synced, except runs made with --no-push); unreachable → queued, never lost",
    )
    .argument('[files...]', 'result files')
    .option('--json', 'print JSON')
    .option('--quiet', 'print only refusals')
    .option('--push-errors', 'also push runs in which no model answered some test (skipped by default)')
    .addOption(new Option('--event <event>', 'what the heartbeat records').choices(['push', 'eval_run']).default('push').hideHelp())
    .action(async (files: string[], flags: PushFlags & { event: 'push' | 'eval_run' }) => {
      // The push `gstack eval run` starts in the background: what fails is recorded for the next command to show.
      const background = flags.event === 'eval_run';
      try {
        const config = requireConfig(process.cwd(), process.env);
        const chosen = files.length
          ? { results: loadResultFiles(files), skipped: [] }
          : await unsyncedResults(statePaths(process.env).root, syncState(process.env, stderrLine).synced, {
              url: config.supabaseUrl.value,
              team: config.team.value,
              repo: gitInfo(process.cwd()).repoSlug,
            });
        for (const line of chosen.skipped) stderrLine(`skipped: ${line}`);
        const { results, skipped } = withoutErroredRuns(chosen.results, flags.pushErrors);
        for (const line of skipped) stderrLine(`skipped: ${line}`);
        const items = results.map((r) => r.item);
        const outcome = await pushAndReport(items, flags, flags.event, results[0]?.doc.repo_slug ?? '', 'run', config);
        const fileOf = new Map(results.map((r) => [r.item.label, r.file]));
        resolvePushFailures(
          process.env,
          outcome.pushed.flatMap((p) => fileOf.get(p.label) ?? []),
        );
        if (background)
          recordPushFailures(
            process.env,
            outcome.refused.map((r) => ({ file: fileOf.get(r.label) ?? r.label, reason: `refused: ${r.reason}` })),
          );
        // Runs that cannot be pushed (unreadable, over the store's limits) are a failure, never "pushed 0 runs" and exit 0.
        if (chosen.skipped.length) {
          stderrLine(`not pushed: ${countOf(chosen.skipped.length, 'run')} (see the lines above)`);
          process.exitCode = 1;
        }
      } catch (error) {
        if (background)
          recordPushFailures(
            process.env,
            files.map((file) => ({ file, reason: (error as Error).message })),
          );
        throw error;
      }
    });

  program
    .command('drain')
    .description('Send everything in the offline queue now (oldest first)')
    .option('--json', 'print JSON')
    .action(async (flags: PushFlags) => {
      const config = requireConfig(process.cwd(), process.env);
      const { data, error } = await drainQueue({ config, env: process.env, cwd: process.cwd(), log: stderrLine });
      if (error) throw error;
      const { outcome, remaining, reachable } = data;
      process.exitCode = outcome.dead_lettered.length ? 1 : 0;
      if (flags.json) return printJson({ ...outcome, remaining, reachable });
      print(drainReport(data));
    });
}
