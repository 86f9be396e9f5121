/**
 * What a push sends, one item at a time: an eval run is one RPC call (the run,
 * its results, attempts and costs in one transaction, keyed by run_id, so a
 * re-send is a no-op); an activity record is one upsert on its kind's table.
 * The run goes through the body RPC (push_eval_run_body / ingest_eval_run_body,
 * rpc.ts); a store without it (PGRST202: it has not run that migration) gets the
 * named-argument RPC, and the connection remembers that for its later items.
 * Returns `{ data, error }`: errors are classified (unreachable or refused), never thrown.
 */
import { ACTIVITY_KINDS, type ActivityKind, type RunPayload, redactDeep } from '@gstack/core';
import { type Connection, resolveTeamId } from '../connection.ts';
import { RemoteError, remoteError } from '../remote-error.ts';
import { callPushRpc, type PushAs, type PushRpcStyle, UNKNOWN_FUNCTION } from './rpc.ts';
import type { PushItem, Result } from './types.ts';

/** A supabase-js response, or what a thrown fetch error means, as one value. */
async function settle<T>(
  request: PromiseLike<{ data: T; error: { message: string; code?: string } | null; status: number }>,
): Promise<Result<T>> {
  try {
    const response = await request;
    return response.error ? { data: null, error: remoteError(response.error, response.status) } : { data: response.data, error: null };
  } catch (error) {
    return { data: null, error: remoteError(error as Error) };
  }
}

/** Connections to stores that answered that they have no body RPC: they get the named-argument one. */
const namedOnly = new WeakSet<Connection>();

/** The push RPC style for this connection's store: the body RPC until the store says it has none. */
function pushStyle(connection: Connection): PushRpcStyle {
  return namedOnly.has(connection) ? 'named' : 'body';
}

/** Sends one item to the connection's store and team. */
export async function sendItem(connection: Connection, item: Pick<PushItem, 'kind' | 'payload'>): Promise<Result<{ created: boolean }>> {
  if (item.kind !== 'eval_run') return sendActivity(connection, item.kind, item.payload);
  // The payload is a RunPayload built and checked by core (toRunPayload, pushProblems).
  const payload = item.payload as RunPayload;
  let as: PushAs;
  if (connection.mode === 'token') as = { token: connection.token };
  else {
    const team = await resolveTeamId(connection);
    if (team.error) return team;
    as = { teamId: team.data };
  }
  const style = pushStyle(connection);
  let sent = await settle(callPushRpc(connection.client, as, payload, style));
  if (style === 'body' && sent.error?.code === UNKNOWN_FUNCTION) {
    namedOnly.add(connection);
    sent = await settle(callPushRpc(connection.client, as, payload, 'named'));
  }
  if (sent.error) return sent;
  const answer = sent.data;
  return {
    data: { created: typeof answer === 'object' && answer !== null && !Array.isArray(answer) && answer.created === true },
    error: null,
  };
}

async function sendActivity(connection: Connection, kind: ActivityKind, record: unknown): Promise<Result<{ created: boolean }>> {
  if (connection.mode !== 'user')
    return {
      data: null,
      error: new RemoteError('refused', `pushing ${kind} records needs a signed-in person; the CI token only pushes eval runs`),
    };
  const team = await resolveTeamId(connection);
  if (team.error) return team;
  const spec = ACTIVITY_KINDS[kind];
  const row = { ...redactDeep(record as Record<string, unknown>), team_id: team.data, user_id: connection.user.id };
  const sent = await settle(
    connection.client
      .from(spec.table)
      // The record was checked by its kind's schema in core (ACTIVITY_KINDS); the table is that kind's, a union TS cannot pair up.
      .upsert(row as never, { onConflict: spec.conflict, ignoreDuplicates: !spec.update })
      .select('team_id'),
  );
  if (sent.error) return sent;
  return { data: { created: (sent.data?.length ?? 0) > 0 }, error: null };
}
