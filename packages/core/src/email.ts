/**
 * Email address validation, the same rule on both sides of sign-up: the local
 * auth refuses what GoTrue refuses (its format check, and a length limit), and
 * the CLI refuses it before sending anything.
 */

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
