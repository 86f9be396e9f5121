/**
 * `/t/:slug/tests`: every test of one suite classified by core's one trend
 * definition (stable-pass, stable-fail, flaky, improving, degrading), with its
 * ✓/✗ strip, streak, pass rate and last resolved tier; filter by class, sorted
 * by flakiness (flips) by default.
 */
import { classifyTrend, html, TREND_ORDER, TREND_RULES, type TrendClass } from '@gstack/core';
import type { Context } from 'hono';
import { rpc } from '../data.ts';
import type { DashboardEnv } from '../env.ts';
import { emptyState, rateCell } from '../ui/components.ts';
import { renderPage, teamHref } from '../ui/layout.ts';
import { pickSuite, suiteTabs } from '../ui/suite-picker.ts';
import { trendBadge } from '../ui/trend.ts';

export async function testsPage(c: Context<DashboardEnv>): Promise<Response> {
  const { suites, current } = await pickSuite(c);
  if (!current) {
    const body = html`<h1>Tests</h1>${emptyState('No suite to show', html`<p>Push a run, or pick one of the team's suites.</p>`)}${suiteTabs(teamHref(c, '/tests'), suites, null)}`;
    return renderPage(c, { title: 'Tests', nav: 'tests', body });
  }
  const history = await rpc(c, 'test_history', { p_team_id: c.var.team.id, p_repo_slug: current.repo, p_suite: current.suite, p_runs: 20 });
  const filter = TREND_ORDER.find((k) => k === c.req.query('class')) ?? null;
  const sort = c.req.query('sort') === 'name' ? 'name' : 'flaky';
  const all = history
    .filter((h) => (h.outcomes ?? []).length > 0)
    .map((h) => ({ name: h.test_name, tier: h.last_tier, trend: classifyTrend(h.outcomes ?? []) }));
  const counts = new Map<TrendClass, number>(TREND_ORDER.map((k) => [k, all.filter((t) => t.trend.classification === k).length]));
  const shown = all
    .filter((t) => !filter || t.trend.classification === filter)
    .sort((a, b) =>
      sort === 'name'
        ? a.name.localeCompare(b.name)
        : b.trend.flips - a.trend.flips ||
          TREND_ORDER.indexOf(a.trend.classification) - TREND_ORDER.indexOf(b.trend.classification) ||
          a.name.localeCompare(b.name),
    );
  const suiteQuery = `repo=${encodeURIComponent(current.repo)}&suite=${encodeURIComponent(current.suite)}`;
  const base = teamHref(c, '/tests');
  const classTabs = html`<nav class="tabs" aria-label="Class">
    <a href="${base}?${suiteQuery}"${filter ? '' : html` aria-current="true"`}>all ${all.length}</a>
    ${TREND_ORDER.map((k) => html`<a href="${base}?${suiteQuery}&class=${k}"${filter === k ? html` aria-current="true"` : ''}>${k} ${counts.get(k) ?? 0}</a>`)}
  </nav>`;
  const rows = shown.map(
    (t) => html`<tr data-class="${t.trend.classification}">
      <td class="wrap-sm"><a href="${teamHref(c, `/test?${suiteQuery}&name=${encodeURIComponent(t.name)}`)}">${t.name}</a></td>
      <td>${trendBadge(t.trend.classification)}</td>
      <td class="strip" aria-label="oldest to newest: ${t.trend.outcomes.map((o) => (o ? 'pass' : 'fail')).join(', ')}">${t.trend.outcomes.map((o) => (o ? html`<span class="pass">✓</span>` : html`<span class="fail">✗</span>`))}</td>
      <td class="num">${t.trend.flips}</td>
      <td class="num hide-sm">${t.trend.streak.length} ${t.trend.streak.passing ? 'passing' : 'failing'}</td>
      <td class="num">${rateCell(t.trend.passRate)}</td>
      <td class="hide-sm">${t.tier ?? '—'}</td>
    </tr>`,
  );
  const sortLink = (key: string, label: string) =>
    sort === key
      ? html`<b>${label}</b>`
      : html`<a href="${base}?${suiteQuery}${filter ? `&class=${filter}` : ''}&sort=${key}">${label}</a>`;
  const body = html`<h1>Tests <span class="sub">${current.repo} / ${current.suite}</span></h1>
  ${suiteTabs(base, suites, current)}
  ${classTabs}
  <p class="sub">Classified over each test's last ${TREND_RULES.window} outcomes (of the suite's last 20 runs), oldest first in the strip. Sort: ${sortLink('flaky', 'most flips first')} · ${sortLink('name', 'name')}</p>
  ${
    shown.length
      ? html`<div class="panel"><table>
    <thead><tr><th>Test</th><th>Class</th><th>History</th><th class="num">Flips</th><th class="num hide-sm">Streak</th><th class="num">Pass rate</th><th class="hide-sm">Last tier</th></tr></thead>
    <tbody>${rows}</tbody></table></div>`
      : emptyState('No tests in this class', html`<p>Pick another class or suite.</p>`)
  }`;
  return renderPage(c, { title: 'Tests', nav: 'tests', body });
}
