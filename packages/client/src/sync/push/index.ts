/**
 * Pushing to the team store, as one module: what a push sends (send.ts,
 * results.ts), how it is queued and retried (deliver.ts, queue.ts), and how it
 * reports (report.ts). Callers read the config once and pass it in; every
 * entry point returns `{ data, error }` (supabase-js style): `error` is the
 * store refusing the connection (not signed in, not a member), which the user
 * must act on. An unreachable store is not an error: the items are queued.
 */
import type { Env } from '../../state-dir.ts';
import { connect, type RequiredSyncConfig } from '../connection.ts';
import { sendHeartbeat } from '../heartbeat.ts';
import { syncState } from '../local-state.ts';
import { RemoteError } from '../remote-error.ts';
import { deliver, drain, enqueue } from './deliver.ts';
import { emptyOutcome, type PushItem, type PushOutcome, type Result } from './types.ts';

export { drainReport, pushReport, type ReportLines } from './report.ts';
export type { PushItem, PushKind, PushOutcome, Result } from './types.ts';

/** The store, team and machine a push works with; `config` is read once by the caller. */
export interface PushContext {
  config: RequiredSyncConfig;
  env: Env;
  cwd: string;
  /** Where the queue reports what it moved aside (unreadable lines). */
  log?: (line: string) => void;
}

/** Connects; an unreachable store is `{ data: null, error }` with kind `unreachable`, never thrown. */
async function connectTo(context: PushContext) {
  try {
    return { data: await connect({ cwd: context.cwd, env: context.env, config: context.config }), error: null } as const;
  } catch (error) {
    if (error instanceof RemoteError) return { data: null, error } as const;
    throw error;
  }
}

/**
 * Drains the queue, then pushes `items`; whatever cannot reach the store is
 * queued. Records a heartbeat (`event`, `repoSlug`) when nothing had to wait.
 */
export async function push(
  items: PushItem[],
  context: PushContext & { event: 'push' | 'eval_run'; repoSlug: string },
): Promise<Result<PushOutcome>> {
  const state = syncState(context.env, context.log);
  const outcome = emptyOutcome();
  const connection = await connectTo(context);
  if (connection.error?.kind === 'refused') return { data: null, error: connection.error };
  if (connection.error) {
    const target = { url: context.config.supabaseUrl.value, team: context.config.team.value };
    await enqueue(
      state.queue,
      target,
      items.map((item) => ({ ...item, error: connection.error.message })),
      outcome,
    );
    return { data: outcome, error: null };
  }
  await deliver(connection.data, state, items, {}, outcome);
  if (!outcome.queued.length) await sendHeartbeat(connection.data, context.event, context.repoSlug);
  return { data: outcome, error: null };
}

/** What `drain` did, and how many of this store's and team's entries are still queued. */
export interface Drained {
  outcome: PushOutcome;
  remaining: number;
  reachable: boolean;
  /** Why the store could not be reached at all, when it could not. */
  reason?: string;
}

/** Sends everything queued for the configured store and team now (due or not). */
export async function drainQueue(context: PushContext): Promise<Result<Drained>> {
  const state = syncState(context.env, context.log);
  const outcome = emptyOutcome();
  const connection = await connectTo(context);
  if (connection.error?.kind === 'refused') return { data: null, error: connection.error };
  // Like push: an unreachable store is not a failure, the queue simply waits.
  const reachable = connection.data ? (await drain(connection.data, state, outcome, true)).reachable : false;
  const url = context.config.supabaseUrl.value;
  const remaining = (await state.queue.entries()).filter((e) => e.url === url && e.team === context.config.team.value).length;
  return { data: { outcome, remaining, reachable, ...(connection.error ? { reason: connection.error.message } : {}) }, error: null };
}
