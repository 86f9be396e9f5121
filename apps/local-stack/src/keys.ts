/**
 * The stack's secrets: one HS256 JWT secret per data directory, the legacy
 * anon/service_role JWT keys derived from it, and the new-style
 * `sb_publishable_…` / `sb_secret_…` keys. Persisted (mode 0600) so a restart
 * keeps sessions and keys valid.
 */
import { randomBytes } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SignJWT } from 'jose';

export interface StackKeys {
  jwtSecret: string;
  anonKey: string;
  serviceRoleKey: string;
  publishableKey: string;
  secretKey: string;
}

interface StoredSecrets {
  jwtSecret: string;
  publishableKey: string;
  secretKey: string;
}

/** Far-future expiry, like the keys `supabase start` prints (year 2036ish). */
const KEY_EXPIRY = 2_080_000_000;
const KEY_ISSUED_AT = 1_700_000_000;

export async function signRoleKey(secret: string, role: 'anon' | 'service_role'): Promise<string> {
  return new SignJWT({ iss: 'supabase-demo', role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(KEY_ISSUED_AT)
    .setExpirationTime(KEY_EXPIRY)
    .sign(new TextEncoder().encode(secret));
}

export async function loadOrCreateKeys(dataDir: string): Promise<StackKeys> {
  const file = path.join(dataDir, 'secrets.json');
  let stored: StoredSecrets;
  try {
    stored = JSON.parse(await readFile(file, 'utf8')) as StoredSecrets;
  } catch {
    stored = {
      jwtSecret: randomBytes(32).toString('base64url'),
      publishableKey: `sb_publishable_${randomBytes(16).toString('base64url')}`,
      secretKey: `sb_secret_${randomBytes(16).toString('base64url')}`,
    };
    await writeFile(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  }
  await chmod(file, 0o600);
  return {
    ...stored,
    anonKey: await signRoleKey(stored.jwtSecret, 'anon'),
    serviceRoleKey: await signRoleKey(stored.jwtSecret, 'service_role'),
  };
}
