/**
 * `/t/:slug/runs`: every run, newest first, paged on the server. Filters (repo,
 * suite, branch, person or CI, date range) and the sort (runs_page sorts on
 * the server) live in the query string so a view can be shared by URL;
 * ?csv=runs downloads the rows the page shows. Each run can be ticked for
 * comparison (two at a time) or compared with its previous run.
 */
import { html } from '@gstack/core';
import type { Context } from 'hono';
import { type RunsFacets, type RunsPage, rpc } from '../data.ts';
import type { DashboardEnv } from '../env.ts';
import { dateRangeParams, offsetParam } from '../params.ts';
import { countLabel, pager } from '../ui/components.ts';
import { renderPage, teamHref } from '../ui/layout.ts';
import { PICK_FORM, pickForm, runColumns, runsTable } from '../ui/runs-table.ts';
import { csvResponse, readSort, wantsCsv } from '../ui/table.ts';

const PAGE_SIZE = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function runsPage(c: Context<DashboardEnv>): Promise<Response> {
  const q = (name: string) => c.req.query(name)?.trim() || undefined;
  const who = q('who');
  const { from, to } = dateRangeParams(c);
  const offset = offsetParam(c);
  const filters = { repo: q('repo'), suite: q('suite'), branch: q('branch'), who, from, to };
  const columns = runColumns(c);
  const sort = readSort(c, columns, { key: 'when', desc: true });
  const [page, facets] = await Promise.all([
    rpc(c, 'runs_page', {
      p_team_id: c.var.team.id,
      p_repo_slug: filters.repo,
      p_suite: filters.suite,
      p_branch: filters.branch,
      p_user_id: who && UUID.test(who) ? who : undefined,
      p_ci: who === 'ci' ? true : undefined,
      p_from: from ? `${from}T00:00:00Z` : undefined,
      // The "to" date is inclusive: runs before the next midnight.
      p_to: to ? new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000).toISOString() : undefined,
      p_limit: PAGE_SIZE,
      p_offset: offset,
      p_sort: `${sort.desc ? '-' : ''}${sort.key}`,
    }),
    rpc(c, 'runs_facets', { p_team_id: c.var.team.id }),
  ]);
  const { rows, total } = page as unknown as RunsPage;
  const f = facets as unknown as RunsFacets;
  if (wantsCsv(c, 'runs')) return csvResponse(c, `${c.var.team.slug}-runs`, columns, rows);
  const select = (name: string, label: string, options: Array<[string, string]>, current?: string) =>
    html`<label>${label}<select name="${name}"><option value="">any</option>${options.map(
      ([value, text]) => html`<option value="${value}"${value === current ? html` selected` : ''}>${text}</option>`,
    )}</select></label>`;
  const pairs = (values: string[]) => values.map((v): [string, string] => [v, v]);
  const body = html`<h1>Runs <span class="sub">${countLabel(total)} ${total === 1 ? 'run' : 'runs'}</span></h1>
  <form class="filters" method="get" action="${teamHref(c, '/runs')}" role="search" aria-label="Filter runs">
    ${select('repo', 'Repo', pairs(f.repos), filters.repo)}
    ${select('suite', 'Suite', pairs(f.suites), filters.suite)}
    ${select('branch', 'Branch', pairs(f.branches), filters.branch)}
    ${select('who', 'Who', [['ci', 'CI tokens'], ...f.people.map((p): [string, string] => [p.user_id, p.name ?? p.user_id])], who)}
    <label>From<input type="date" name="from" value="${from ?? ''}"></label>
    <label>To<input type="date" name="to" value="${to ?? ''}"></label>
    <button type="submit">Filter</button>
    ${c.req.query('sort') ? html`<input type="hidden" name="sort" value="${c.req.query('sort') ?? ''}">` : ''}
    <a class="button secondary" href="${teamHref(c, '/runs')}">Clear</a>
  </form>
  ${pickForm(c)}
  ${runsTable(c, rows, sort, { pick: true })}
  ${rows.length ? html`<p><button type="submit" form="${PICK_FORM}">Compare the ticked runs</button> <span class="sub">Tick two runs; the older is the baseline.</span></p>` : ''}
  ${pager(new URL(c.req.url), offset, PAGE_SIZE, total)}`;
  return renderPage(c, { title: 'Runs', nav: 'runs', body, refresh: offset === 0 });
}
