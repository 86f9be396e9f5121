/**
 * Query parameters that reach the store as numbers or dates, checked first: a
 * malformed one is the visitor's mistake (400 naming the parameter and what it
 * should be), never a database error.
 */
import type { Context } from 'hono';
import type { DashboardEnv } from './env.ts';
import { DashboardError } from './errors.ts';

/** Far past any team's row count, well inside Postgres' integer. */
const MAX_OFFSET = 1_000_000_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function raw(c: Context<DashboardEnv>, name: string): string | undefined {
  return c.req.query(name)?.trim() || undefined;
}

/** `?name=` as a paging offset: absent is 0; anything but a whole number from 0 to 1,000,000,000 is a 400. */
export function offsetParam(c: Context<DashboardEnv>, name = 'offset'): number {
  const value = raw(c, name);
  if (value === undefined) return 0;
  const n = /^\d{1,10}$/.test(value) ? Number(value) : Number.NaN;
  if (!(n <= MAX_OFFSET))
    throw new DashboardError(400, `${name}: expected a whole number from 0 to ${MAX_OFFSET.toLocaleString('en-US')}.`);
  return n;
}

/** `?name=` as a calendar date (YYYY-MM-DD, a day that exists), or undefined when absent; else a 400. */
export function dateParam(c: Context<DashboardEnv>, name: string): string | undefined {
  const value = raw(c, name);
  if (value === undefined) return undefined;
  const m = DATE.exec(value);
  const day = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!day || Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== value || day.getUTCFullYear() < 1970) {
    throw new DashboardError(400, `${name}: expected a date as YYYY-MM-DD.`);
  }
  return value;
}

/**
 * `?from=` and `?to=` as an inclusive range of days, each optional (400s from dateParam); a `from`
 * after `to` is a 400 naming `from`.
 */
export function dateRangeParams(c: Context<DashboardEnv>): { from?: string; to?: string } {
  const from = dateParam(c, 'from');
  const to = dateParam(c, 'to');
  if (from && to && from > to) throw new DashboardError(400, `from: expected a day on or before to (${to}), got ${from}.`);
  return { from, to };
}
