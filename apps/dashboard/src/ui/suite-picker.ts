/**
 * The repo/suite choice of the part 2 pages (tests, trends): the team's suites
 * from suite_sparklines, the current one from ?repo=&suite= (default: the first).
 */
import { html, type SafeHtml } from '@gstack/core';
import type { Context } from 'hono';
import { rpc } from '../data.ts';
import type { DashboardEnv } from '../env.ts';

export interface SuiteRef {
  repo: string;
  suite: string;
}

/** The team's suites (last 90 days) and the one the query string picks. */
export async function pickSuite(c: Context<DashboardEnv>): Promise<{ suites: SuiteRef[]; current: SuiteRef | null }> {
  const rows = await rpc(c, 'suite_sparklines', { p_team_id: c.var.team.id, p_runs: 1 });
  const suites = rows.map((r) => ({ repo: r.repo_slug, suite: r.suite }));
  const repo = c.req.query('repo');
  const suite = c.req.query('suite');
  const current = suites.find((s) => s.repo === repo && s.suite === suite) ?? (repo || suite ? null : (suites[0] ?? null));
  return { suites, current };
}

/** Links to each suite, the current one marked; `extra` query parameters are kept. */
export function suiteTabs(base: string, suites: SuiteRef[], current: SuiteRef | null, extra = ''): SafeHtml {
  return html`<nav class="tabs" aria-label="Suite">${suites.map((s) => {
    const on = current?.repo === s.repo && current?.suite === s.suite;
    return html`<a href="${base}?repo=${encodeURIComponent(s.repo)}&suite=${encodeURIComponent(s.suite)}${extra}"${on ? html` aria-current="true"` : ''}>${s.repo} / ${s.suite}</a>`;
  })}</nav>`;
}
