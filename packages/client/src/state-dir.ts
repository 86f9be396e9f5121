/**
 * Where gstack keeps its local state: `$GSTACK_STATE_DIR`, else `~/.gstack`.
 * Results, the judge cache, auth sessions and the sync queue all live below it.
 */
import os from 'node:os';
import path from 'node:path';

export type Env = Readonly<Record<string, string | undefined>>;

export function stateDir(env: Env = process.env): string {
  const configured = env.GSTACK_STATE_DIR?.trim();
  return configured ? path.resolve(configured) : path.join(os.homedir(), '.gstack');
}

/** Well-known files and folders below the state dir. */
export function statePaths(env: Env = process.env) {
  const root = stateDir(env);
  return {
    root,
    auth: path.join(root, 'auth.json'),
    queue: path.join(root, 'sync-queue.jsonl'),
    deadLetters: path.join(root, 'sync-dead-letters.jsonl'),
    synced: path.join(root, 'sync-state.json'),
    /** Background pushes that failed, shown by every command until resolved (cli/push-failures.ts). */
    pushFailures: path.join(root, 'sync-push-failures.json'),
    preferences: path.join(root, 'preferences.json'),
    evalCache: path.join(root, 'eval-cache'),
    /** The opt-in model response cache (cache/responses.ts). */
    responseCache: path.join(root, 'response-cache'),
    projects: path.join(root, 'projects'),
  };
}
