/** Small answers the alert functions share: JSON errors that name the problem, body parsing with a zod schema. */
import type { Context } from 'hono';
import type { z } from 'zod';
import { describeIssues } from './core.ts';

export function fail(c: Context, status: 400 | 401 | 403 | 500, message: string): Response {
  return c.json({ error: message }, status);
}

/** The JSON body parsed with `schema`, or a 400 answer naming the field. */
export async function parseBody<S extends z.ZodType>(
  c: Context,
  schema: S,
): Promise<{ ok: true; value: z.infer<S> } | { ok: false; response: Response }> {
  let raw: unknown;
  try {
    const text = await c.req.text();
    raw = text.trim() ? JSON.parse(text) : {};
  } catch {
    return { ok: false, response: fail(c, 400, 'body: expected JSON') };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, response: fail(c, 400, describeIssues(parsed.error)) };
  return { ok: true, value: parsed.data };
}
