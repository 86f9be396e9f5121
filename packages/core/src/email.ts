/**
 * What counts as an email address, once for the CLI (sign-up, invites) and
 * anything else that takes one: a local part, an @ and a dotted domain.
 */
import { z } from 'zod';

/** An email address, trimmed and lower-cased. */
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'an email address such as ada@example.com' }));

/** True when `value` is an email address. */
export function isEmail(value: string): boolean {
  return emailSchema.safeParse(value).success;
}
