/**
 * The push RPC calls, in one place (the CLI's push and the benchmark both call them).
 *
 * - `body`: push_eval_run_body / ingest_eval_run_body (20261208100000_push_body.sql) take the
 *   request body `{team_id | token, payload}` as their one unnamed jsonb argument, which
 *   PostgREST hands over as it is: the body is parsed once.
 * - `named`: push_eval_run(p_team_id, p_payload) / ingest_eval_run(p_token, p_payload), which
 *   every store has: PostgREST builds the arguments from the body (json_to_recordset), parsing it
 *   twice. A store that has not run the migration above only has these.
 *
 * Both write the same rows and answer the same errors; the body RPCs call the named ones.
 */
import type { Json, RunPayload } from '@gstack/core';
import type { StoreClient } from '../supabase.ts';

/** Who pushes: a signed-in member into a team, or a CI ingest token. */
export type PushAs = { teamId: string; token?: undefined } | { token: string; teamId?: undefined };

export type PushRpcStyle = 'body' | 'named';

/** PostgREST's code for a function it does not know: a store without the body RPCs (or not yet reloaded). */
export const UNKNOWN_FUNCTION = 'PGRST202';

/** One push RPC call in `style` (a supabase-js request: sent when awaited; `{ data, error, status }`). */
export function callPushRpc(client: StoreClient, as: PushAs, run: RunPayload, style: PushRpcStyle) {
  // A RunPayload is JSON by construction (toRunPayload); its interfaces only lack Json's index signature.
  const payload = run as unknown as Json;
  if (style === 'named') {
    return as.token !== undefined
      ? client.rpc('ingest_eval_run', { p_token: as.token, p_payload: payload })
      : client.rpc('push_eval_run', { p_team_id: as.teamId, p_payload: payload });
  }
  // The generated types spell a single unnamed parameter `{ '': Json }`; PostgREST passes the
  // whole request body as that argument, so the body goes as it is.
  if (as.token !== undefined) return client.rpc('ingest_eval_run_body', { token: as.token, payload } as unknown as { '': Json });
  return client.rpc('push_eval_run_body', { team_id: as.teamId, payload } as unknown as { '': Json });
}
