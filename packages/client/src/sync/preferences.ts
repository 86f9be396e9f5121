/**
 * Per-user preferences, `~/.gstack/preferences.json`:
 *   sync_enabled       push results automatically after `gstack eval run` (default true when sync is configured)
 *   sync_transcripts   push Claude Code session summaries (default false: opt-in)
 *   share_judge_cache  reuse and share judge verdicts with the team (default true)
 * `GSTACK_SYNC=0` turns automatic pushes off for one command.
 */
import { z } from 'zod';
import { loadJsonFile, writeJsonAtomic } from '../files/json.ts';
import { type Env, statePaths } from '../state-dir.ts';

export const preferencesSchema = z.strictObject({
  sync_enabled: z.boolean().default(true),
  sync_transcripts: z.boolean().default(false),
  share_judge_cache: z.boolean().default(true),
});
export type Preferences = z.infer<typeof preferencesSchema>;
export const PREFERENCE_KEYS = Object.keys(preferencesSchema.shape) as Array<keyof Preferences>;

export function loadPreferences(env: Env): Preferences {
  const prefs = loadJsonFile(statePaths(env).preferences, preferencesSchema, { whenMissing: {} });
  if (env.GSTACK_SYNC === '0') prefs.sync_enabled = false;
  return prefs;
}

export async function setPreference(env: Env, key: keyof Preferences, value: boolean): Promise<Preferences> {
  const current = loadPreferences({ ...env, GSTACK_SYNC: undefined });
  const next = { ...current, [key]: value };
  await writeJsonAtomic(statePaths(env).preferences, next, { dirMode: 0o700 });
  return next;
}
