/**
 * HS256 access tokens shaped like the ones GoTrue issues, and their
 * verification (used by the auth API and by the gateway for functions).
 */
import { type JWTPayload, jwtVerify, SignJWT } from 'jose';

export interface AccessTokenClaims extends JWTPayload {
  sub: string;
  role: string;
  email?: string;
  session_id?: string;
  aud?: string;
}

export interface AccessTokenInput {
  userId: string;
  email: string;
  sessionId: string;
  appMetadata: Record<string, unknown>;
  userMetadata: Record<string, unknown>;
  method: 'password' | 'pkce' | 'token_refresh';
  expiresIn: number;
}

function key(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

export async function signAccessToken(
  secret: string,
  issuer: string,
  input: AccessTokenInput,
): Promise<{ token: string; expiresAt: number }> {
  const now = Math.floor(Date.now() / 1000);
  const expiresAt = now + input.expiresIn;
  const token = await new SignJWT({
    email: input.email,
    phone: '',
    app_metadata: input.appMetadata,
    user_metadata: input.userMetadata,
    role: 'authenticated',
    aal: 'aal1',
    amr: [{ method: input.method === 'token_refresh' ? 'password' : input.method, timestamp: now }],
    session_id: input.sessionId,
    is_anonymous: false,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(input.userId)
    .setAudience('authenticated')
    .setIssuer(issuer)
    .setIssuedAt(now)
    .setExpirationTime(expiresAt)
    .sign(key(secret));
  return { token, expiresAt };
}

/** Verifies signature and expiry; returns the claims or null. */
export async function verifyToken(secret: string, token: string): Promise<AccessTokenClaims | null> {
  try {
    const { payload } = await jwtVerify(token, key(secret), { algorithms: ['HS256'] });
    if (typeof payload.role !== 'string') return null;
    return payload as AccessTokenClaims;
  } catch {
    return null;
  }
}

export function bearer(header: string | undefined | null): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return match?.[1]?.trim();
}
