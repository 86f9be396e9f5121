/**
 * Wires the team-shared judge cache (judge/team-cache.ts) to a sync connection: the
 * cache itself knows only a client and a team id, so the judge does not depend on sync.
 */
import { TeamVerdicts } from '../judge/team-cache.ts';
import type { Env } from '../state-dir.ts';
import { isSyncConfigured, loadSyncConfig } from './config.ts';
import { connect, teamId } from './connection.ts';
import { loadPreferences } from './preferences.ts';

/**
 * The team cache for an eval run, when sync is configured and sharing is on: signed in, it reads
 * and shares; with a CI token (GSTACK_SYNC_TOKEN) it only shares, as the token's verdicts.
 */
export async function teamVerdictsFor(cwd: string, env: Env): Promise<TeamVerdicts | undefined> {
  try {
    if (!isSyncConfigured(loadSyncConfig(cwd, env)) || !loadPreferences(env).share_judge_cache) return undefined;
    const connection = await connect({ cwd, env, timeoutMs: 3000 });
    if (connection.mode === 'token')
      return new TeamVerdicts({ client: connection.client, token: connection.token, teamId: async () => '' });
    return new TeamVerdicts({ client: connection.client, userId: connection.user.id, teamId: () => teamId(connection) });
  } catch {
    return undefined;
  }
}
