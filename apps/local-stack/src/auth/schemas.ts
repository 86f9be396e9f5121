/**
 * The request shapes of the GoTrue endpoints the local auth serves, as zod
 * schemas, and the helpers that read a request against them. A request that
 * does not fit is refused with GoTrue's error code and message for that
 * endpoint (`validation_failed`, `bad_json`), never with zod's own text.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import { AuthError } from './errors.ts';

/** Metadata objects (`data`, `user_metadata`, `app_metadata`): anything that is not an object is ignored, as before. */
const metadata = z.record(z.string(), z.unknown()).optional().catch(undefined);
/** An optional string field: a value of another type counts as absent. */
const optionalString = z.string().optional().catch(undefined);
/** A required non-empty string (after trimming, for email addresses). */
const email = z.string().trim().min(1);

/** POST /signup and POST /token?grant_type=password. */
export const credentialsBody = z.object({ email, password: z.string().min(1), data: metadata });

/** POST /token?grant_type=refresh_token. */
export const refreshTokenBody = z.object({ refresh_token: z.string().min(1) });

/** POST /token?grant_type=pkce. */
export const pkceBody = z.object({ auth_code: z.string().min(1), code_verifier: z.string().min(1) });

/** PUT /user. */
export const updateUserBody = z.object({ password: optionalString, data: metadata });

/** POST /admin/users. */
export const adminCreateUserBody = z.object({
  email,
  password: optionalString,
  user_metadata: metadata,
  app_metadata: metadata,
  email_confirm: z
    .unknown()
    .optional()
    .transform((v) => v === true),
});

/** A positive page number or size from the query string, clamped to `max`; garbage falls back to `fallback`. */
const pageNumber = (fallback: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .unknown()
    // Optional: zod 4 refuses a missing key for a bare unknown() that has a transform.
    .optional()
    .transform((v) => Math.trunc(Number(v ?? fallback)) || fallback)
    .transform((n) => Math.min(max, Math.max(1, n)));

/** GET /admin/users query. */
export const listUsersQuery = z.object({ page: pageNumber(1), per_page: pageNumber(50, 1000) });

/** POST /logout query: GoTrue's scopes, global when absent or unknown. */
export const logoutQuery = z.object({ scope: z.enum(['global', 'local', 'others']).catch('global') });

/** PKCE parameters of GET /authorize (query) and POST /authorize (form): absent fields are empty strings. */
const field = z.string().catch('');
export const authorizeParams = z.object({
  redirect_to: field,
  code_challenge: field,
  code_challenge_method: field,
  mode: z.enum(['signin', 'signup']).catch('signin'),
});

/** The sign-in form posted to /authorize: the PKCE parameters and the account. */
export const authorizeForm = authorizeParams.extend({ email: field, password: field });

/** A failure to answer when a body does not fit its schema. */
export interface Refusal {
  errorCode: string;
  message: string;
}

/** Parses `value` with `schema`, or throws GoTrue's 400 `refusal`. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, refusal: Refusal): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new AuthError(400, refusal.errorCode, refusal.message);
  return result.data;
}

/** The request's JSON body as an object, or GoTrue's 400 bad_json. */
export async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  const value = await c.req.json().catch(() => undefined);
  if (!value || typeof value !== 'object') throw new AuthError(400, 'bad_json', 'Could not parse request body as JSON');
  return value as Record<string, unknown>;
}

/** Reads the JSON body and parses it with `schema` (bad_json first, then `refusal`). */
export async function readBody<T extends z.ZodType>(c: Context, schema: T, refusal: Refusal): Promise<z.output<T>> {
  return parseInput(schema, await jsonBody(c), refusal);
}

/** GoTrue's answer when sign-up or sign-in lacks an email address or a password. */
export const CREDENTIALS_REQUIRED: Refusal = {
  errorCode: 'validation_failed',
  message: 'An email address and a password are required',
};
