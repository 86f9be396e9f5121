import { describe, expect, it } from 'vitest';
import { classifyApiKey, decodeJwtClaims, isJwtApiKey, isPublicApiKey } from './api-keys.ts';

/** An unsigned JWT-shaped string with the given claims (the signature is irrelevant here). */
function fakeJwt(claims: Record<string, unknown>): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`;
}

describe('classifyApiKey', () => {
  it.each([
    ['sb_publishable_abc123', 'publishable', true, false],
    ['sb_secret_abc123', 'secret', false, false],
    [fakeJwt({ role: 'anon', iss: 'supabase' }), 'legacy-anon', true, true],
    [fakeJwt({ role: 'service_role' }), 'legacy-service-role', false, true],
    [fakeJwt({ role: 'authenticated', sub: 'u1' }), 'legacy-jwt', false, true],
    ['not-a-key', 'unknown', false, false],
    ['a.b.c', 'unknown', false, false],
    ['', 'unknown', false, false],
  ])('%s is %s', (key, kind, isPublic, isJwt) => {
    expect(classifyApiKey(key)).toBe(kind);
    expect(isPublicApiKey(key)).toBe(isPublic);
    expect(isJwtApiKey(key)).toBe(isJwt);
  });

  it('decodes claims with base64url characters', () => {
    const claims = { role: 'anon', note: '??>>~~' };
    expect(decodeJwtClaims(fakeJwt(claims))).toEqual(claims);
  });
});
