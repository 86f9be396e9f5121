/**
 * The local auth's database access (auth.*): users (bcrypt hashes via
 * pgcrypto, as GoTrue stores them), sessions, rotating refresh tokens and
 * PKCE flow states. Named AuthDatabase so it is not mistaken for the client's
 * session store (packages/client's AuthStore).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';

export interface UserRow {
  id: string;
  aud: string;
  role: string;
  email: string;
  email_confirmed_at: Date | null;
  last_sign_in_at: Date | null;
  raw_app_meta_data: Record<string, unknown>;
  raw_user_meta_data: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const USER_COLUMNS =
  'id, aud, role, email, email_confirmed_at, last_sign_in_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at';

/** The user object GoTrue returns. */
export function userJson(user: UserRow) {
  return {
    id: user.id,
    aud: user.aud,
    role: user.role,
    email: user.email,
    email_confirmed_at: user.email_confirmed_at?.toISOString() ?? null,
    phone: '',
    confirmed_at: user.email_confirmed_at?.toISOString() ?? null,
    last_sign_in_at: user.last_sign_in_at?.toISOString() ?? null,
    app_metadata: user.raw_app_meta_data ?? {},
    user_metadata: user.raw_user_meta_data ?? {},
    identities: [],
    created_at: user.created_at.toISOString(),
    updated_at: user.updated_at.toISOString(),
    is_anonymous: false,
  };
}

/** Queries on auth.* for the auth routes; every method is one statement or one transaction. */
export class AuthDatabase {
  constructor(private readonly pool: pg.Pool) {}

  async findUserByEmail(email: string): Promise<UserRow | undefined> {
    const { rows } = await this.pool.query<UserRow>(`select ${USER_COLUMNS} from auth.users where email = $1 and deleted_at is null`, [
      email.toLowerCase(),
    ]);
    return rows[0];
  }

  async findUserById(id: string): Promise<UserRow | undefined> {
    if (!UUID.test(id)) return undefined;
    const { rows } = await this.pool.query<UserRow>(`select ${USER_COLUMNS} from auth.users where id = $1 and deleted_at is null`, [id]);
    return rows[0];
  }

  /** Returns the user when the password matches, else undefined. */
  async checkPassword(email: string, password: string): Promise<UserRow | undefined> {
    const { rows } = await this.pool.query<UserRow>(
      `select ${USER_COLUMNS} from auth.users
        where email = $1 and deleted_at is null
          and encrypted_password = extensions.crypt($2, encrypted_password)`,
      [email.toLowerCase(), password],
    );
    return rows[0];
  }

  /** Inserts a confirmed email user; returns undefined when the email is taken. */
  async createUser(input: {
    email: string;
    password?: string;
    userMetadata?: Record<string, unknown>;
    appMetadata?: Record<string, unknown>;
    confirmed: boolean;
  }): Promise<UserRow | undefined> {
    const appMeta = { provider: 'email', providers: ['email'], ...(input.appMetadata ?? {}) };
    const { rows } = await this.pool.query<UserRow>(
      `insert into auth.users (id, aud, role, email, encrypted_password, email_confirmed_at,
                               raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
       values ($1, 'authenticated', 'authenticated', $2,
               case when $3::text is null then null else extensions.crypt($3, extensions.gen_salt('bf', 10)) end,
               case when $4 then now() end, $5, $6, now(), now())
       on conflict do nothing
       returning ${USER_COLUMNS}`,
      [randomUUID(), input.email.toLowerCase(), input.password ?? null, input.confirmed, appMeta, input.userMetadata ?? {}],
    );
    return rows[0];
  }

  async updateUser(id: string, changes: { password?: string; userMetadata?: Record<string, unknown> }): Promise<UserRow | undefined> {
    const { rows } = await this.pool.query<UserRow>(
      `update auth.users set
         encrypted_password = coalesce(extensions.crypt($2, extensions.gen_salt('bf', 10)), encrypted_password),
         raw_user_meta_data = coalesce(raw_user_meta_data, '{}'::jsonb) || coalesce($3::jsonb, '{}'::jsonb),
         updated_at = now()
       where id = $1
       returning ${USER_COLUMNS}`,
      [id, changes.password ?? null, changes.userMetadata ? JSON.stringify(changes.userMetadata) : null],
    );
    return rows[0];
  }

  async deleteUser(id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('delete from auth.users where id = $1', [id]);
    return (rowCount ?? 0) > 0;
  }

  async listUsers(page: number, perPage: number): Promise<{ users: UserRow[]; total: number }> {
    const { rows } = await this.pool.query<UserRow>(`select ${USER_COLUMNS} from auth.users order by created_at limit $1 offset $2`, [
      perPage,
      (page - 1) * perPage,
    ]);
    const total = await this.pool.query<{ n: string }>('select count(*) as n from auth.users');
    return { users: rows, total: Number(total.rows[0]?.n ?? 0) };
  }

  /** Starts a session and returns its first refresh token. */
  async createSession(userId: string): Promise<{ sessionId: string; refreshToken: string }> {
    const sessionId = randomUUID();
    const refreshToken = newRefreshToken();
    await this.pool.query('update auth.users set last_sign_in_at = now() where id = $1', [userId]);
    await this.pool.query('insert into auth.sessions (id, user_id) values ($1, $2)', [sessionId, userId]);
    await this.pool.query('insert into auth.refresh_tokens (token, user_id, session_id) values ($1, $2, $3)', [
      refreshToken,
      userId,
      sessionId,
    ]);
    return { sessionId, refreshToken };
  }

  async sessionExists(sessionId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('select 1 from auth.sessions where id = $1', [sessionId]);
    return (rowCount ?? 0) > 0;
  }

  /**
   * Rotates a refresh token. A token already rotated is accepted again only
   * within `reuseIntervalSeconds` (concurrent refreshes); later reuse revokes
   * the whole session, as GoTrue does on suspected token theft.
   */
  async rotateRefreshToken(
    token: string,
    reuseIntervalSeconds: number,
  ): Promise<{ ok: true; userId: string; sessionId: string; refreshToken: string } | { ok: false; reason: 'not_found' | 'already_used' }> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const { rows } = await client.query<{ user_id: string; session_id: string; revoked: boolean; age: number }>(
        `select user_id, session_id, revoked, extract(epoch from now() - updated_at)::float8 as age
           from auth.refresh_tokens where token = $1 for update`,
        [token],
      );
      const row = rows[0];
      if (!row?.session_id) {
        await client.query('rollback');
        return { ok: false, reason: 'not_found' };
      }
      if (row.revoked && row.age > reuseIntervalSeconds) {
        await client.query('delete from auth.sessions where id = $1', [row.session_id]);
        await client.query('commit');
        return { ok: false, reason: 'already_used' };
      }
      const next = newRefreshToken();
      await client.query('update auth.refresh_tokens set revoked = true, updated_at = now() where token = $1 and not revoked', [token]);
      await client.query('insert into auth.refresh_tokens (token, user_id, session_id, parent) values ($1, $2, $3, $4)', [
        next,
        row.user_id,
        row.session_id,
        token,
      ]);
      await client.query('update auth.sessions set updated_at = now() where id = $1', [row.session_id]);
      await client.query('commit');
      return { ok: true, userId: row.user_id, sessionId: row.session_id, refreshToken: next };
    } catch (error) {
      await client.query('rollback').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  async signOut(userId: string, sessionId: string | undefined, scope: 'global' | 'local' | 'others'): Promise<void> {
    if (scope === 'global' || !sessionId) await this.pool.query('delete from auth.sessions where user_id = $1', [userId]);
    else if (scope === 'local') await this.pool.query('delete from auth.sessions where id = $1', [sessionId]);
    else await this.pool.query('delete from auth.sessions where user_id = $1 and id <> $2', [userId, sessionId]);
  }

  async createFlowState(input: { userId: string; codeChallenge: string; method: string; redirectTo: string }): Promise<string> {
    const authCode = randomUUID();
    await this.pool.query(
      `insert into auth.flow_state (id, user_id, auth_code, code_challenge_method, code_challenge, redirect_to, auth_code_issued_at)
       values ($1, $2, $3, $4, $5, $6, now())`,
      [randomUUID(), input.userId, authCode, input.method, input.codeChallenge, input.redirectTo],
    );
    return authCode;
  }

  /** Takes (deletes) a flow state younger than `maxAgeSeconds`. */
  async takeFlowState(
    authCode: string,
    maxAgeSeconds: number,
  ): Promise<{ userId: string; codeChallenge: string; method: string } | undefined> {
    const { rows } = await this.pool.query<{ user_id: string; code_challenge: string; code_challenge_method: string }>(
      `delete from auth.flow_state where auth_code = $1
         and auth_code_issued_at > now() - make_interval(secs => $2)
       returning user_id, code_challenge, code_challenge_method`,
      [authCode, maxAgeSeconds],
    );
    const row = rows[0];
    return row && { userId: row.user_id, codeChallenge: row.code_challenge, method: row.code_challenge_method };
  }
}

function newRefreshToken(): string {
  return randomBytes(24).toString('base64url');
}
