/** The "last N days" choice of part 2 pages: ?days= restricted to the offered values. */
import { html, type SafeHtml } from '@gstack/core';
import type { Context } from 'hono';
import type { DashboardEnv } from '../env.ts';
import { teamHref } from './layout.ts';

export function readPeriod(c: Context<DashboardEnv>, options: number[], fallback: number): number {
  const days = Number(c.req.query('days'));
  return options.includes(days) ? days : fallback;
}

export function periodTabs(c: Context<DashboardEnv>, path: string, options: number[], current: number, extra = ''): SafeHtml {
  return html`<nav class="tabs" aria-label="Period">${options.map(
    (d) => html`<a href="${teamHref(c, `${path}?days=${d}${extra}`)}"${d === current ? html` aria-current="true"` : ''}>last ${d} days</a>`,
  )}</nav>`;
}
