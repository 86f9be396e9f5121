/** `gstack-sync push [FILE...]` and `gstack-sync drain`. */
import type { RunPayload } from '@gstack/core';
import { type Command, Option } from 'commander';
import { printJson } from '../../cli/run.ts';
import { countOf } from '../../cli/term.ts';
import { gitInfo } from '../../runner/git.ts';
import { type Connection, connect, requireConfig } from '../../sync/connection.ts';
import { sendHeartbeat } from '../../sync/heartbeat.ts';
import { syncState } from '../../sync/local-state.ts';
import { Pusher, type PushItem, type PushOutcome } from '../../sync/push.ts';
import { RemoteError } from '../../sync/remote-error.ts';
import { erroredRunReason, type LoadedResult, loadResultFiles, pendingResults } from '../../sync/results.ts';
import { syncedKey } from '../../sync/synced.ts';

interface PushFlags {
  json?: boolean;
  quiet?: boolean;
  pushErrors?: boolean;
}

/** Drops errored runs (no model answered) unless --push-errors, saying so on stderr. */
function withoutErroredRuns(results: LoadedResult[], flags: PushFlags): LoadedResult[] {
  if (flags.pushErrors) return results;
  return results.filter((r) => {
    const reason = erroredRunReason(r.doc);
    if (reason) process.stderr.write(`skipped: ${r.file}: ${reason}\n`);
    return !reason;
  });
}

function report(outcome: PushOutcome, flags: PushFlags, noun: string): void {
  if (flags.json) {
    printJson(outcome);
    return;
  }
  if (flags.quiet && !outcome.refused.length && !outcome.dead_lettered.length) return;
  const fresh = outcome.pushed.filter((p) => p.created).length;
  const already = outcome.pushed.length - fresh;
  const fromQueue = outcome.pushed.filter((p) => p.from_queue).length;
  // "pushed 18 runs, 42 already there": the first number is what this push added.
  const parts = [
    `pushed ${countOf(fresh, noun)}${already ? `, ${already} already there` : ''}${fromQueue ? ` (${fromQueue} from the queue)` : ''}`,
  ];
  if (outcome.queued.length)
    parts.push(`queued ${outcome.queued.length} for later: ${outcome.queued[0]?.reason}; \`gstack-sync drain\` retries`);
  process.stdout.write(`${parts.join('; ')}\n`);
  for (const r of outcome.refused) process.stderr.write(`refused: ${r.label}: ${r.reason}\n`);
  for (const d of outcome.dead_lettered) process.stderr.write(`dead letter: ${d.label}: ${d.reason} (see gstack-sync status)\n`);
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
): Promise<PushOutcome> {
  const config = requireConfig(process.cwd(), process.env);
  const { queue, synced } = syncState(process.env);
  const connection = await connectOrUnreachable();
  let outcome: PushOutcome;
  if (connection instanceof RemoteError) {
    outcome = { pushed: [], queued: [], refused: [], dead_lettered: [] };
    await queue.enqueue(
      items.map((item) => ({
        kind: item.kind,
        url: config.supabaseUrl.value,
        team: config.team.value,
        label: item.label,
        key: item.key,
        payload: item.payload,
        error: connection.message,
      })),
    );
    for (const item of items) outcome.queued.push({ label: item.label, reason: connection.message });
  } else {
    outcome = await new Pusher(connection, queue, synced).push(items);
    if (!outcome.queued.length) await sendHeartbeat(connection, event, repoSlug);
  }
  report(outcome, flags, noun);
  process.exitCode = outcome.refused.length ? 1 : 0;
  return outcome;
}

/** Connects, or returns the reason the store cannot be reached (the push then queues). */
async function connectOrUnreachable(): Promise<Connection | RemoteError> {
  try {
    return await connect({ cwd: process.cwd(), env: process.env });
  } catch (error) {
    if (error instanceof RemoteError && error.kind === 'unreachable') return error;
    throw error;
  }
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
      const { paths, synced } = syncState(process.env);
      let items: PushItem[];
      if (files.length) items = withoutErroredRuns(loadResultFiles(files), flags).map((r) => r.item);
      else {
        // Only this repository's runs go to this repository's team; runs made with --no-push
        // wait until named. Other repos' runs are pushed from their own checkout (see status).
        const done = await synced.load();
        const repo = gitInfo(process.cwd()).repoSlug;
        const loaded: LoadedResult[] = [];
        for (const p of pendingResults(paths.root, (runId) => done.has(syncedKey(config.supabaseUrl.value, config.team.value, runId)))) {
          if (p.repoSlug !== repo || p.held) continue;
          if (p.result) loaded.push(p.result);
          else process.stderr.write(`skipped: ${p.problems.join('; ')}\n`);
        }
        items = withoutErroredRuns(loaded, flags).map((r) => r.item);
      }
      await pushAndReport(items, flags, flags.event, (items[0]?.payload as RunPayload | undefined)?.run.repo_slug ?? '');
    });

  program
    .command('drain')
    .description('Send everything in the offline queue now (oldest first)')
    .option('--json', 'print JSON')
    .action(async (flags: PushFlags) => {
      const config = requireConfig(process.cwd(), process.env);
      const { queue, synced } = syncState(process.env);
      const connection = await connectOrUnreachable();
      const outcome: PushOutcome = { pushed: [], queued: [], refused: [], dead_lettered: [] };
      // Like push: an unreachable store is not a failure, the queue simply waits (exit 0, and it says so).
      const reachable =
        connection instanceof RemoteError ? false : (await new Pusher(connection, queue, synced).drain(outcome, true)).reachable;
      const url = config.supabaseUrl.value;
      const left = (await queue.entries()).filter((e) => e.url === url && e.team === config.team.value).length;
      process.exitCode = outcome.dead_lettered.length ? 1 : 0;
      if (flags.json) return printJson({ ...outcome, remaining: left, reachable });
      const why = connection instanceof RemoteError ? connection.message : 'the team store is unreachable';
      process.stdout.write(
        `sent ${countOf(outcome.pushed.length, 'queued item')}; ${left} left in the queue${reachable ? '' : ` (${why}; they stay queued for the next push or drain)`}\n`,
      );
      for (const d of outcome.dead_lettered) process.stderr.write(`dead letter: ${d.label}: ${d.reason}\n`);
    });
}
