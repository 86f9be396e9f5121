/**
 * Team-sync configuration from its layers, later ones winning:
 * `.gstack-sync.json` at the repository root, then the environment
 * (`GSTACK_SUPABASE_URL`, `GSTACK_SUPABASE_ANON_KEY`, `GSTACK_TEAM`,
 * `GSTACK_SYNC_TOKEN`). Every value remembers where it came from, so
 * `gstack-sync status` can say so, and every error names its source.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  describeProblems,
  publicApiKeySchema,
  SYNC_CONFIG_FILE,
  supabaseUrlSchema,
  syncConfigFileSchema,
  teamSlugSchema,
} from '@gstack/core';
import type { z } from 'zod';
import { UserError } from '../errors.ts';
import { loadJsonFile } from '../files/json.ts';
import type { Env } from '../state-dir.ts';

export interface Sourced<T> {
  value: T;
  source: string;
}

export interface SyncConfig {
  /** The repository root the file was looked for in (nearest folder with .git or the file). */
  repoRoot: string;
  file: string;
  fileExists: boolean;
  supabaseUrl?: Sourced<string>;
  anonKey?: Sourced<string>;
  team?: Sourced<string>;
  /** CI ingest token (push only); never printed. */
  syncToken?: Sourced<string>;
}

/** The nearest ancestor of `cwd` holding `.gstack-sync.json` or `.git`; `cwd` itself if none. */
export function findRepoRoot(cwd: string): string {
  let dir = path.resolve(cwd);
  for (;;) {
    if (existsSync(path.join(dir, SYNC_CONFIG_FILE)) || existsSync(path.join(dir, '.git'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(cwd);
    dir = parent;
  }
}

function fromEnv<T>(env: Env, name: string, schema: z.ZodType<T>): Sourced<T> | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new UserError(describeProblems(`environment variable ${name}`, parsed.error));
  return { value: parsed.data, source: `$${name}` };
}

export function loadSyncConfig(cwd: string, env: Env): SyncConfig {
  const repoRoot = findRepoRoot(cwd);
  const file = path.join(repoRoot, SYNC_CONFIG_FILE);
  const config: SyncConfig = { repoRoot, file, fileExists: existsSync(file) };
  if (config.fileExists) {
    const saved = loadJsonFile(file, syncConfigFileSchema);
    config.supabaseUrl = { value: saved.supabase_url, source: SYNC_CONFIG_FILE };
    config.anonKey = { value: saved.anon_key, source: SYNC_CONFIG_FILE };
    config.team = { value: saved.team_slug, source: SYNC_CONFIG_FILE };
  }
  config.supabaseUrl = fromEnv(env, 'GSTACK_SUPABASE_URL', supabaseUrlSchema) ?? config.supabaseUrl;
  config.anonKey = fromEnv(env, 'GSTACK_SUPABASE_ANON_KEY', publicApiKeySchema) ?? config.anonKey;
  config.team = fromEnv(env, 'GSTACK_TEAM', teamSlugSchema) ?? config.team;
  const token = env.GSTACK_SYNC_TOKEN?.trim();
  if (token) config.syncToken = { value: token, source: '$GSTACK_SYNC_TOKEN' };
  return config;
}

/** True when enough is configured to talk to a team store. */
export function isSyncConfigured(config: SyncConfig): boolean {
  return Boolean(config.supabaseUrl && config.anonKey && config.team);
}

/** A sync config with everything a connection needs. */
export type RequiredSyncConfig = SyncConfig & { supabaseUrl: Sourced<string>; anonKey: Sourced<string>; team: Sourced<string> };

/** The configuration, or a UserError (exit 2) saying how to configure sync. */
export function requireConfig(cwd: string, env: Env): RequiredSyncConfig {
  const config = loadSyncConfig(cwd, env);
  if (!isSyncConfigured(config)) {
    throw new UserError(
      `team sync is not configured: run \`gstack-sync setup --url URL --anon-key KEY --team SLUG\` (writes ${config.file}) or set GSTACK_SUPABASE_URL, GSTACK_SUPABASE_ANON_KEY and GSTACK_TEAM`,
    );
  }
  return config as RequiredSyncConfig;
}
