/**
 * What a push sends, one item at a time: an eval run is one RPC call (the run,
 * its results, attempts and costs in one transaction, keyed by run_id, so a
 * re-send is a no-op); an activity record is one upsert on its kind's table.
 * Returns `{ data, error }`: errors are classified (unreachable or refused), never thrown.
 */
import { ACTIVITY_KINDS, type ActivityKind, type Json, redactDeep } from '@gstack/core';
import { type Connection, resolveTeamId } from '../connection.ts';
import { RemoteError, remoteError } from '../remote-error.ts';
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

/** Sends one item to the connection's store and team. */
export async function sendItem(connection: Connection, item: Pick<PushItem, 'kind' | 'payload'>): Promise<Result<{ created: boolean }>> {
  if (item.kind !== 'eval_run') return sendActivity(connection, item.kind, item.payload);
  // The payload is a RunPayload built and checked by core (toRunPayload, pushProblems): JSON by construction.
  const payload = item.payload as Json;
  let sent: Result<Json>;
  if (connection.mode === 'token')
    sent = await settle(connection.client.rpc('ingest_eval_run', { p_token: connection.token, p_payload: payload }));
  else {
    const team = await resolveTeamId(connection);
    if (team.error) return team;
    sent = await settle(connection.client.rpc('push_eval_run', { p_team_id: team.data, p_payload: payload }));
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
