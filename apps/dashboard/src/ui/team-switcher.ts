/**
 * The team switcher in the header: the signed-in user's teams (RLS returns only
 * theirs, loaded by loadTeams for team pages) as a no-script <details> menu
 * that keeps the current section (e.g. /costs) when switching.
 */
import { html, type SafeHtml } from '@gstack/core';
import type { Context, MiddlewareHandler } from 'hono';
import type { DashboardEnv, Team } from '../env.ts';

/** Loads the user's teams for the header; a failure only hides the switcher. */
export const loadTeams: MiddlewareHandler<DashboardEnv> = async (c, next) => {
  const { data } = await c.var.supabase.from('teams').select('id, slug, name').order('name');
  c.set('teams', data ?? []);
  await next();
};

/** Sections that exist in every team; other pages (a run, a test) switch to the overview. */
const SECTIONS = /^\/(runs|compare|trends|tests|costs|escalation|leaderboard|team|active)$/;

export function teamSwitcher(c: Context<DashboardEnv>, link: (path: string) => string): SafeHtml | '' {
  const teams = (c.var.teams as Team[] | undefined) ?? [];
  const current = c.var.team as Team | undefined;
  if (!current || teams.length < 2) return '';
  const rest = new URL(c.req.url).pathname.split(`/t/${current.slug}`)[1] ?? '';
  const keep = SECTIONS.test(rest) ? rest : '';
  return html`<details class="switcher"><summary>Switch team</summary><ul>${teams.map(
    (t) => html`<li><a href="${link(`/t/${t.slug}${keep}`)}"${t.id === current.id ? html` aria-current="true"` : ''}>${t.name}</a></li>`,
  )}</ul></details>`;
}
