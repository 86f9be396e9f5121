/** Heartbeats: "who is active now" comes from these, sent on every eval run and push. */
import os from 'node:os';
import { VERSION } from '../cli/version.ts';
import { type Connection, teamId } from './connection.ts';
import { remoteError } from './remote-error.ts';

/**
 * Records that this person is active on this machine (`hostname`, default this
 * one); returns an error message instead of throwing.
 */
export async function sendHeartbeat(
  connection: Connection,
  event: 'eval_run' | 'push',
  repoSlug = '',
  hostname = os.hostname(),
): Promise<string | undefined> {
  if (connection.mode !== 'user' || !connection.user) return undefined; // a CI token has no person to be active
  try {
    const { error, status } = await connection.client.from('sync_heartbeats').upsert(
      {
        team_id: await teamId(connection),
        user_id: connection.user.id,
        hostname,
        repo_slug: repoSlug,
        version: VERSION,
        event,
        last_seen_at: new Date().toISOString(),
      },
      { onConflict: 'team_id,user_id,hostname,repo_slug' },
    );
    return error ? remoteError(error, status).message : undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
