/**
 * The one error type the stack throws for problems a user can fix. The CLI
 * prints `message` and `fix` without a stack trace; anything else is a bug.
 */
export class StackError extends Error {
  constructor(
    message: string,
    /** What the user should do about it, one sentence. */
    readonly fix: string,
    /** Exit code for the CLI: 2 for usage/config errors, 1 for everything else. */
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = 'StackError';
  }
}

export function isStackError(error: unknown): error is StackError {
  return error instanceof StackError;
}
