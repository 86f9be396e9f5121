/**
 * Turns a team-store answer into a RemoteError of the right kind: `unreachable`
 * (network, timeout, 5xx: queue it and retry later) or `refused` (the store said
 * no: not a member, token revoked, payload rejected — retrying will not help; the
 * user must act).
 */
import { RemoteError } from '../errors.ts';

// The class lives in errors.ts beside UserError, so the CLI entry (cli/run.ts) can print it
// without depending on sync; the rules that build one from a store answer stay here.
export { RemoteError, type RemoteErrorKind } from '../errors.ts';

interface PostgrestLikeError {
  code?: string;
  message?: string;
  details?: string | null;
  hint?: string | null;
}

const HINTS: Record<string, string> = {
  '42501': 'not allowed (are you a member of this team, and signed in?)',
  '28000': 'the ingest token is not valid (revoked or unknown)',
  PGRST301: 'the session expired; run `gstack-sync login`',
  PGRST303: 'the session expired; run `gstack-sync login`',
};

/**
 * SQLSTATE classes that mean the database could not do the work right now
 * (connection, resources, operator intervention, system, internal) and
 * PostgREST's own connection errors: worth retrying. Any other code on a 5xx
 * is an exception a function raised on purpose (PostgREST answers 500 for
 * `P0002`, for one): the store answered, and said no.
 */
const TRANSIENT_CODE = /^(08|53|57|58|XX|PGRST00)/;

/** "42 minutes", "1 hour 5 minutes": how long until a retry, for people. */
export function formatWait(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `${hours} hour${hours === 1 ? '' : 's'}${rest ? ` ${rest} minute${rest === 1 ? '' : 's'}` : ''}`;
}

/** Classifies a supabase-js error (and the HTTP status, when known). */
export function remoteError(error: PostgrestLikeError | Error, status?: number): RemoteError {
  const code = 'code' in error ? error.code : undefined;
  const message = error.message ?? String(error);
  if (code === 'push_quota') {
    // The team's hourly push quota (HTTP 429): nothing is wrong, the run waits in the queue until then.
    const hint = 'hint' in error ? error.hint : undefined;
    const seconds = Number(/retry after (\d+) seconds/.exec(hint ?? '')?.[1] ?? 3600);
    return new RemoteError('unreachable', `${message}; retry after ${formatWait(seconds)}`, code, seconds);
  }
  const network = /fetch failed|network|ECONNREFUSED|ECONNRESET|ETIMEDOUT|timed? ?out|aborted|socket/i.test(message);
  const serverFailed = status !== undefined && (status === 0 || (status >= 500 && (!code || TRANSIENT_CODE.test(code))));
  if (network || serverFailed || (!code && status === undefined)) {
    return new RemoteError('unreachable', `the team store is unreachable: ${message}`, code);
  }
  const hint = code ? HINTS[code] : undefined;
  return new RemoteError('refused', hint ? `${message} — ${hint}` : message, code);
}
