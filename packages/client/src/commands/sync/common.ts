/** What the sync commands that push share: pushing items and printing the outcome (push, push-session, push-ship, …). */
import { printJson } from '../../cli/run.ts';
import { requireConfig } from '../../sync/config.ts';
import { type PushItem, type PushOutcome, push, pushReport, type ReportLines } from '../../sync/push/index.ts';

export interface PushFlags {
  json?: boolean;
  quiet?: boolean;
  pushErrors?: boolean;
}

export const stderrLine = (line: string) => process.stderr.write(`${line}\n`);

export function print(lines: ReportLines): void {
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
