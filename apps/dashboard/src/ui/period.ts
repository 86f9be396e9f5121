/**
 * The period of part 2 pages: "last N days" tabs from ?days= (restricted to the
 * offered values), or a range of whole UTC days, ?from=YYYY-MM-DD&to=YYYY-MM-DD
 * with both days included (?to absent: through today; ?since= is from's older
 * name), at most MAX_DAYS long. A malformed date, from after to, or a longer
 * range is a 400 naming the parameter. The pages pass `args` to their RPCs
 * (p_days back from p_until, null meaning now); links that keep the period
 * carry `query`; links to the runs list for a day or a week (chart points).
 */
import { html, type SafeHtml } from '@gstack/core';
import type { Context } from 'hono';
import type { DashboardEnv } from '../env.ts';
import { DashboardError } from '../errors.ts';
import { dateParam, dateRangeParams } from '../params.ts';
import { teamHref } from './layout.ts';

const DAY_MS = 86_400_000;
/** The longest custom period. */
export const MAX_DAYS = 366;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** YYYY-MM-DD plus `n` days. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** "1 Oct – 31 Oct 2026"; "15 Dec 2025 – 14 Jan 2026" across years; "1 Oct 2026" for one day. */
export function rangeLabel(from: string, to: string): string {
  const day = (d: string) => `${Number(d.slice(8, 10))} ${MONTHS[Number(d.slice(5, 7)) - 1]}`;
  if (from === to) return `${day(to)} ${to.slice(0, 4)}`;
  const sameYear = from.slice(0, 4) === to.slice(0, 4);
  return `${day(from)}${sameYear ? '' : ` ${from.slice(0, 4)}`} – ${day(to)} ${to.slice(0, 4)}`;
}

export interface Period {
  /** Days in the period: N for "last N days", both ends counted for a range. */
  days: number;
  /** The UTC days the period touches, for day charts: a range's days; "last N days" N + 1 (its first only in part). */
  spanDays: number;
  /** First and last UTC day (both included); for "last N days", the N days ending today. */
  from: string;
  to: string;
  /** A range of whole days (?from/?to or ?since) rather than "last N days". */
  range: boolean;
  /** The period's RPC arguments: p_days back from p_until (absent: now). */
  args: { p_days: number; p_until?: string };
  /** Its start and end as instants (end null: now), for queries outside the RPCs. */
  start: string;
  end: string | null;
  /** The query string that keeps this period on a link: "days=30", "from=…&to=…" or "from=…" (through today). */
  query: string;
  /** "last 30 days" or "1 Oct – 31 Oct 2026". */
  label: string;
  /** "in the last 30 days" or "in 1 Oct – 31 Oct 2026". */
  during: string;
  /** For file names: "30d" or "2026-10-01_2026-10-31". */
  tag: string;
}

/** The period the URL asks for (a range, else ?days= when offered, else the fallback); 400 on a bad range. */
export function readPeriod(c: Context<DashboardEnv>, options: number[], fallback: number): Period {
  const since = dateParam(c, 'since');
  const asked = dateRangeParams(c);
  if (since && asked.from) throw new DashboardError(400, 'since: give from or since (its older name), not both.');
  const from = asked.from ?? since;
  if (from) {
    const open = !asked.to;
    const to = asked.to ?? today();
    const name = asked.from ? 'from' : 'since';
    if (from > to) throw new DashboardError(400, `${name}: expected a day on or before ${open ? 'today' : 'to'} (${to}), got ${from}.`);
    const days = daysBetween(from, to) + 1;
    if (days > MAX_DAYS) throw new DashboardError(400, `${name}: a range is at most ${MAX_DAYS} days; ${from} to ${to} is ${days}.`);
    const until = `${addDays(to, 1)}T00:00:00.000Z`;
    return {
      days,
      spanDays: days,
      from,
      to,
      range: true,
      args: { p_days: days, p_until: until },
      start: `${from}T00:00:00.000Z`,
      end: until,
      query: open ? `from=${from}` : `from=${from}&to=${to}`,
      label: rangeLabel(from, to),
      during: `in ${rangeLabel(from, to)}`,
      tag: `${from}_${to}`,
    };
  }
  if (asked.to) throw new DashboardError(400, 'from: expected a date as YYYY-MM-DD (the first day of the range) with to.');
  const asDays = Number(c.req.query('days'));
  const days = options.includes(asDays) ? asDays : fallback;
  return {
    days,
    spanDays: days + 1,
    from: addDays(today(), 1 - days),
    to: today(),
    range: false,
    args: { p_days: days },
    start: new Date(Date.now() - days * DAY_MS).toISOString(),
    end: null,
    query: `days=${days}`,
    label: `last ${days} days`,
    during: `in the last ${days} days`,
    tag: `${days}d`,
  };
}

/**
 * The tabs, the current range as a tab of its own, then a small from/to form (a GET form: no
 * script, the URL can be shared), filled with the period shown.
 */
export function periodTabs(c: Context<DashboardEnv>, path: string, options: number[], period: Period, extra = ''): SafeHtml {
  return html`<div class="period"><nav class="tabs" aria-label="Period">${options.map(
    (d) =>
      html`<a href="${teamHref(c, `${path}?days=${d}${extra}`)}"${!period.range && d === period.days ? html` aria-current="true"` : ''}>last ${d} days</a>`,
  )}${period.range ? html`<a href="${teamHref(c, `${path}?${period.query}${extra}`)}" aria-current="true">${period.label}</a>` : ''}</nav>
  <form class="range" method="get" action="${teamHref(c, path)}" aria-label="Date range">
    ${[...new URLSearchParams(extra.replace(/^&/, ''))].map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
    <label>From<input type="date" name="from" value="${period.from}" required></label>
    <label>To<input type="date" name="to" value="${period.to}" required></label>
    <button type="submit" class="secondary">Show</button>
  </form></div>`;
}

/** The runs list filtered to a repo/suite/person (optional) and a date range (both days included). */
export function runsOf(
  c: Context<DashboardEnv>,
  filter: { repo?: string; suite?: string; who?: string; from?: string; to?: string },
): string {
  const query = new URLSearchParams();
  if (filter.repo) query.set('repo', filter.repo);
  if (filter.suite) query.set('suite', filter.suite);
  if (filter.who) query.set('who', filter.who);
  if (filter.from) query.set('from', filter.from);
  if (filter.to) query.set('to', filter.to);
  return teamHref(c, `/runs?${query}`);
}
