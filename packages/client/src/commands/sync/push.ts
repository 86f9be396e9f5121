/** `gstack-sync push [FILE...]` and `gstack-sync drain`: flags in, lines out; the push itself is sync/push. */
import { type Command, Option } from 'commander';
import { printJson } from '../../cli/run.ts';
import { gitInfo } from '../../runner/git.ts';
import { statePaths } from '../../state-dir.ts';
import { requireConfig } from '../../sync/config.ts';
import { syncState } from '../../sync/local-state.ts';
import { drainQueue, drainReport, type PushItem, type PushOutcome, push, pushReport, type ReportLines } from '../../sync/push/index.ts';
import { loadResultFiles, unsyncedResults, withoutErroredRuns } from '../../sync/push/results.ts';

interface PushFlags {
  json?: boolean;
  quiet?: boolean;
  pushErrors?: boolean;
}

const stderrLine = (line: string) => process.stderr.write(`${line}\n`);

function print(lines: ReportLines): void {
  for (const line of lines.out) process.stdout.write(`${line}\n`);
  for (const line of lines.err) stderrLine(line);
}

/**
 * Pushes items (queue first), or queues them all when the store cannot be
 * reached; prints the outcome and sets the exit code (1 when anything was refused).
 */
export async function pushAndReport(
  items: PushItem[],
  flags: PushFlags,
  event: 'push' | 'eval_run',
  repoSlug: string,
  noun = 'run',
  config = requireConfig(process.cwd(), process.env),
): Promise<PushOutcome> {
  const { data: outcome, error } = await push(items, { config, env: process.env, cwd: process.cwd(), log: stderrLine, event, repoSlug });
  if (error) throw error;
  if (flags.json) printJson(outcome);
  else print(pushReport(outcome, { noun, quiet: flags.quiet }));
  process.exitCode = outcome.refused.length ? 1 : 0;
  return outcome;
}

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
      await pushAndReport(items, flags, flags.event, results[0]?.doc.repo_slug ?? '', 'run', config);
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
