/**
 * The one error type for mistakes a user can fix (bad flags, bad files, bad
 * config). The CLI entry prints the message without a stack trace and exits
 * with `exitCode`: 2 for usage/config errors, 1 for remote refusals.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 2,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}
