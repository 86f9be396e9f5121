/** How a push reports: its outcome as the lines a command prints (stdout for what happened, stderr for what needs you). */
import { countOf } from '../../cli/term.ts';
import type { PushOutcome } from './types.ts';

export interface ReportLines {
  out: string[];
  err: string[];
}

/**
 * "pushed 18 runs, 42 already there (3 from the queue); queued 2 for later: …",
 * then each refusal and dead letter. `quiet` prints nothing unless something was refused or dead-lettered.
 */
export function pushReport(outcome: PushOutcome, options: { noun: string; quiet?: boolean }): ReportLines {
  const err = [
    ...outcome.refused.map((r) => `refused: ${r.label}: ${r.reason}`),
    ...outcome.dead_lettered.map((d) => `dead letter: ${d.label}: ${d.reason} (see gstack-sync status)`),
  ];
  if (options.quiet && !err.length) return { out: [], err };
  const fresh = outcome.pushed.filter((p) => p.created).length;
  const already = outcome.pushed.length - fresh;
  const fromQueue = outcome.pushed.filter((p) => p.from_queue).length;
  // "pushed 18 runs, 42 already there": the first number is what this push added.
  const parts = [
    `pushed ${countOf(fresh, options.noun)}${already ? `, ${already} already there` : ''}${fromQueue ? ` (${fromQueue} from the queue)` : ''}`,
  ];
  if (outcome.queued.length)
    parts.push(`queued ${outcome.queued.length} for later: ${outcome.queued[0]?.reason}; \`gstack-sync drain\` retries`);
  return { out: [parts.join('; ')], err };
}

/** What `gstack-sync drain` did: sent, left, and why the rest waits when the store is down. */
export function drainReport(drained: { outcome: PushOutcome; remaining: number; reachable: boolean; reason?: string }): ReportLines {
  const why = drained.reason ?? 'the team store is unreachable';
  return {
    out: [
      `sent ${countOf(drained.outcome.pushed.length, 'queued item')}; ${drained.remaining} left in the queue${drained.reachable ? '' : ` (${why}; they stay queued for the next push or drain)`}`,
    ],
    err: drained.outcome.dead_lettered.map((d) => `dead letter: ${d.label}: ${d.reason}`),
  };
}
