import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isUserError } from '../errors.ts';
import { findRepoRoot, isSyncConfigured, loadSyncConfig } from './config.ts';

function repo(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'gstack-config-'));
  mkdirSync(path.join(root, '.git'));
  mkdirSync(path.join(root, 'src', 'deep'), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(root, name), text);
  return root;
}

const file = JSON.stringify({ supabase_url: 'https://abc.supabase.co', anon_key: 'sb_publishable_abc', team_slug: 'acme' });

describe('loadSyncConfig', () => {
  it('finds .gstack-sync.json at the repository root from a subfolder', () => {
    const root = repo({ '.gstack-sync.json': file });
    expect(findRepoRoot(path.join(root, 'src', 'deep'))).toBe(root);
    const config = loadSyncConfig(path.join(root, 'src', 'deep'), {});
    expect(isSyncConfigured(config)).toBe(true);
    expect(config.supabaseUrl).toEqual({ value: 'https://abc.supabase.co', source: '.gstack-sync.json' });
    expect(config.team).toEqual({ value: 'acme', source: '.gstack-sync.json' });
  });

  it('lets the environment override the file, value by value', () => {
    const root = repo({ '.gstack-sync.json': file });
    const config = loadSyncConfig(root, { GSTACK_TEAM: 'other-team', GSTACK_SYNC_TOKEN: 'gst_ci_token' });
    expect(config.team).toEqual({ value: 'other-team', source: '$GSTACK_TEAM' });
    expect(config.anonKey?.source).toBe('.gstack-sync.json');
    expect(config.syncToken?.source).toBe('$GSTACK_SYNC_TOKEN');
  });

  it('works from the environment alone', () => {
    const root = repo({});
    const config = loadSyncConfig(root, {
      GSTACK_SUPABASE_URL: 'http://127.0.0.1:54321',
      GSTACK_SUPABASE_ANON_KEY: 'sb_publishable_x',
      GSTACK_TEAM: 'acme',
    });
    expect(config.fileExists).toBe(false);
    expect(isSyncConfigured(config)).toBe(true);
  });

  it.each([
    ['{ not json', /\.gstack-sync\.json: not valid JSON/],
    [
      JSON.stringify({ supabase_url: 'https://abc.supabase.co', anon_key: 'sb_secret_x', team_slug: 'acme' }),
      /\.gstack-sync\.json: anon_key: a secret or service-role key/,
    ],
    [
      JSON.stringify({ supabase_url: 'https://abc.supabase.co', anon_key: 'sb_publishable_x', team_slug: 'Acme Inc' }),
      /\.gstack-sync\.json: team_slug: a team slug/,
    ],
  ])('names the file and field for %s', (text, message) => {
    const root = repo({ '.gstack-sync.json': text });
    let caught: unknown;
    try {
      loadSyncConfig(root, {});
    } catch (error) {
      caught = error;
    }
    expect(isUserError(caught)).toBe(true);
    expect((caught as Error).message).toMatch(message);
    expect((caught as Error).message).toContain(path.join(root, '.gstack-sync.json'));
  });
});
