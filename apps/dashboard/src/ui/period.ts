/**
 * The period of part 2 pages: "last N days" tabs from ?days= (restricted to the
 * offered values), or a custom start date (?since=YYYY-MM-DD, up to a year
 * back) through today, since the pages' RPCs count days back from now; and
 * links to the runs list for a day or a week (chart points).
 */
import { html, type SafeHtml } from '@gstack/core';
import type { Context } from 'hono';
import type { DashboardEnv } from '../env.ts';
import { teamHref } from './layout.ts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;
/** The longest custom period. */
export const MAX_DAYS = 366;

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** YYYY-MM-DD plus `n` days. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** A valid ?since= in the past year (not after today), else null. */
function readSince(c: Context<DashboardEnv>): string | null {
  const since = c.req.query('since') ?? '';
  if (!DATE.test(since) || Number.isNaN(Date.parse(`${since}T00:00:00Z`))) return null;
  return since <= today() && since >= addDays(today(), 1 - MAX_DAYS) ? since : null;
}

/** Days in the period: ?since= through today (both included), else ?days= when offered, else the fallback. */
export function readPeriod(c: Context<DashboardEnv>, options: number[], fallback: number): number {
  const since = readSince(c);
  if (since) return Math.round((Date.parse(`${today()}T00:00:00Z`) - Date.parse(`${since}T00:00:00Z`)) / DAY_MS) + 1;
  const days = Number(c.req.query('days'));
  return options.includes(days) ? days : fallback;
}

/** The tabs, then a small form for a custom start date (a GET form: no script, the URL can be shared). */
export function periodTabs(c: Context<DashboardEnv>, path: string, options: number[], current: number, extra = ''): SafeHtml {
  const since = readSince(c);
  return html`<div class="period"><nav class="tabs" aria-label="Period">${options.map(
    (d) =>
      html`<a href="${teamHref(c, `${path}?days=${d}${extra}`)}"${!since && d === current ? html` aria-current="true"` : ''}>last ${d} days</a>`,
  )}${since ? html`<a href="${teamHref(c, `${path}?since=${since}${extra}`)}" aria-current="true">since ${since} (${current} days)</a>` : ''}</nav>
  <form class="since" method="get" action="${teamHref(c, path)}">
    ${[...new URLSearchParams(extra.replace(/^&/, ''))].map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
    <label>Since<input type="date" name="since" value="${since ?? ''}" min="${addDays(today(), 1 - MAX_DAYS)}" max="${today()}" required></label>
    <button type="submit" class="secondary">Show</button>
  </form></div>`;
}

/** The runs list filtered to a repo/suite (optional) and a date range (both days included). */
export function runsOf(c: Context<DashboardEnv>, filter: { repo?: string; suite?: string; from: string; to: string }): string {
  const query = new URLSearchParams();
  if (filter.repo) query.set('repo', filter.repo);
  if (filter.suite) query.set('suite', filter.suite);
  query.set('from', filter.from);
  query.set('to', filter.to);
  return teamHref(c, `/runs?${query}`);
}
