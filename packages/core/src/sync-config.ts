/**
 * `.gstack-sync.json`, committed at a repository's root: where the team store
 * is and which team results belong to. Only public values belong here (the
 * URL, a publishable or anon key, the team's slug); the schema refuses secret
 * keys so nobody commits one by accident.
 */
import { z } from 'zod';
import { classifyApiKey, isPublicApiKey } from './api-keys.ts';

/** Team slugs: lowercase letters, digits and hyphens, 2–50 characters (the database checks the same). */
export const TEAM_SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,48}[a-z0-9]$/;

export const teamSlugSchema = z
  .string()
  .regex(TEAM_SLUG_PATTERN, 'a team slug: 2–50 lowercase letters, digits or hyphens, not starting or ending with a hyphen');

export const supabaseUrlSchema = z
  .string()
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'https:' || url.protocol === 'http:';
    } catch {
      return false;
    }
  }, 'an http(s) URL such as https://<project>.supabase.co')
  .transform((value) => value.replace(/\/+$/, ''));

export const publicApiKeySchema = z
  .string()
  .min(1, 'a publishable key (sb_publishable_…) or a legacy anon key')
  .refine((key) => classifyApiKey(key) !== 'secret' && classifyApiKey(key) !== 'legacy-service-role', {
    message: 'a secret or service-role key must never be stored here; use the publishable (sb_publishable_…) or anon key',
  })
  .refine((key) => isPublicApiKey(key), 'a publishable key (sb_publishable_…) or a legacy anon JWT');

export const syncConfigFileSchema = z.strictObject({
  supabase_url: supabaseUrlSchema,
  anon_key: publicApiKeySchema,
  team_slug: teamSlugSchema,
});
export type SyncConfigFile = z.infer<typeof syncConfigFileSchema>;

export const SYNC_CONFIG_FILE = '.gstack-sync.json';
