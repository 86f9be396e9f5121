import { describe, expect, it } from 'vitest';
import { syncConfigFileSchema, teamSlugSchema } from './sync-config.ts';
import { describeProblems } from './validation.ts';

const anonJwt = `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from('{"role":"anon"}').toString('base64url')}.sig`;
const serviceJwt = `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from('{"role":"service_role"}').toString('base64url')}.sig`;

describe('team slugs', () => {
  it.each([
    ['ab', true],
    ['acme-evals', true],
    ['team42', true],
    ['a'.repeat(50), true],
    ['a'.repeat(51), false],
    ['a', false],
    ['Acme', false],
    ['-acme', false],
    ['acme-', false],
    ['ac me', false],
    ['acme_evals', false],
  ])('%j valid: %s', (slug, valid) => {
    expect(teamSlugSchema.safeParse(slug).success).toBe(valid);
  });
});

describe('.gstack-sync.json', () => {
  it('accepts a publishable or anon key and trims the URL', () => {
    for (const key of ['sb_publishable_xyz', anonJwt]) {
      const parsed = syncConfigFileSchema.parse({ supabase_url: 'https://abc.supabase.co/', anon_key: key, team_slug: 'acme' });
      expect(parsed).toEqual({ supabase_url: 'https://abc.supabase.co', anon_key: key, team_slug: 'acme' });
    }
  });

  it('refuses secret keys, bad URLs and unknown fields, naming each field', () => {
    const result = syncConfigFileSchema.safeParse({ supabase_url: 'ftp://x', anon_key: serviceJwt, team_slug: 'acme', extra: 1 });
    expect(result.success).toBe(false);
    if (result.success) return;
    const message = describeProblems('/repo/.gstack-sync.json', result.error);
    expect(message).toContain('/repo/.gstack-sync.json: supabase_url: an http(s) URL');
    expect(message).toContain('/repo/.gstack-sync.json: anon_key: a secret or service-role key must never be stored here');
    expect(message).toMatch(/\/repo\/\.gstack-sync\.json: Unrecognized key.*extra/);
  });

  it('refuses sb_secret keys too', () => {
    const result = syncConfigFileSchema.safeParse({ supabase_url: 'http://127.0.0.1:54321', anon_key: 'sb_secret_abc', team_slug: 'acme' });
    expect(result.success).toBe(false);
  });
});
