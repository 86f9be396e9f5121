/**
 * Email address validation, one rule for every side: the local auth refuses
 * what GoTrue refuses (its format check, and a length limit), and the CLI
 * (sign-up, login, invites) refuses it before sending anything.
 */
import { z } from 'zod';

/** GoTrue's format: a local part of the RFC 5322 "atext" characters and dots, `@`, DNS labels with at least one dot. */
const EMAIL_PATTERN =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** RFC 5321's limit on a forward path. */
export const MAX_EMAIL_LENGTH = 254;

/** Why `email` is not a usable address, or undefined when it is. */
export function emailProblem(email: string): string | undefined {
  if (!email) return 'an email address is required';
  if (email.length > MAX_EMAIL_LENGTH) return `the email address is ${email.length} characters; at most ${MAX_EMAIL_LENGTH}`;
  if (!EMAIL_PATTERN.test(email) || email.startsWith('.') || email.includes('..') || email.split('@')[0]?.endsWith('.'))
    return `${JSON.stringify(email)} is not a valid email address (expected name@example.com)`;
  return undefined;
}

/** An email address as the CLI takes it: trimmed, lower-cased, then checked by `emailProblem`. */
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .refine((value) => emailProblem(value) === undefined, { message: 'an email address such as ada@example.com' });

/** True when `value` is an email address. */
export function isEmail(value: string): boolean {
  return emailSchema.safeParse(value).success;
}
