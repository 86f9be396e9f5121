/**
 * The errors the CLI entry prints as a message, without a stack trace: UserError for
 * mistakes a user can fix (bad flags, bad files, bad config), exiting with `exitCode`
 * (2 for usage/config errors, 1 for remote refusals); RemoteError for what went wrong
 * talking to the team store (sync/remote-error.ts builds them), exiting 1.
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

/**
 * What went wrong talking to the team store, in two kinds that decide what happens next:
 * `unreachable` (network, timeout, 5xx: queue it and retry later) and `refused` (the store
 * said no: not a member, token revoked, payload rejected; the user must act).
 */
export type RemoteErrorKind = 'unreachable' | 'refused';

export class RemoteError extends Error {
  constructor(
    readonly kind: RemoteErrorKind,
    message: string,
    readonly code?: string,
    /** The store is up but asked to wait this long (a push quota): queue and retry then, not sooner. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'RemoteError';
  }
}
