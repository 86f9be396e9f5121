/**
 * Supabase API keys come in two shapes: legacy JWTs (anon, service_role) and
 * the newer opaque keys (`sb_publishable_…`, `sb_secret_…`), which are not JWTs
 * and belong in the `apikey` header only. This module tells them apart without
 * verifying anything, for config validation and for choosing headers.
 */

export type ApiKeyKind = 'publishable' | 'secret' | 'legacy-anon' | 'legacy-service-role' | 'legacy-jwt' | 'unknown';

/** Classifies a key by its shape (and, for legacy JWTs, by the unverified `role` claim). */
export function classifyApiKey(key: string): ApiKeyKind {
  if (key.startsWith('sb_publishable_')) return 'publishable';
  if (key.startsWith('sb_secret_')) return 'secret';
  const role = jwtRole(key);
  if (role === 'anon') return 'legacy-anon';
  if (role === 'service_role') return 'legacy-service-role';
  if (role !== undefined) return 'legacy-jwt';
  return 'unknown';
}

/** True for keys that may be shipped to clients (committed in `.gstack-sync.json`). */
export function isPublicApiKey(key: string): boolean {
  const kind = classifyApiKey(key);
  return kind === 'publishable' || kind === 'legacy-anon';
}

/** True when the key is a JWT and may therefore also go in `Authorization: Bearer`. */
export function isJwtApiKey(key: string): boolean {
  return jwtRole(key) !== undefined;
}

/** The `role` claim of a JWT-shaped string, unverified; undefined if not a JWT. */
export function jwtRole(token: string): string | undefined {
  const claims = decodeJwtClaims(token);
  const role = claims?.role;
  return typeof role === 'string' ? role : undefined;
}

/** Decodes a JWT's payload without verifying it. */
export function decodeJwtClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const json = new TextDecoder().decode(base64UrlDecode(parts[1]));
    const value: unknown = JSON.parse(json);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function base64UrlDecode(input: string): Uint8Array {
  const base64 = input
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(input.length / 4) * 4, '=');
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
