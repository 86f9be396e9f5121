/**
 * `/t/:slug/tests`: every test of one suite classified by core's one trend
 * definition (stable-pass, stable-fail, flaky, improving, degrading), with its
 * ✓/✗ strip, streak, pass rate and last resolved tier; filter by class, sorted
 * by flakiness (flips) by default or by any column (?sort=), and as CSV.
 */
import { classifyTrend, html, TREND_ORDER, TREND_RULES, type TrendClass } from '@gstack/core';
import type { Context } from 'hono';
import { prunedAmong, rpc } from '../data.ts';
import type { DashboardEnv } from '../env.ts';
import { emptyState, rateCell } from '../ui/components.ts';
import { renderPage, teamHref } from '../ui/layout.ts';
import { pickSuite, suiteTabs } from '../ui/suite-picker.ts';
import { type Column, csvResponse, dataTable, readSort, sortRows, wantsCsv } from '../ui/table.ts';
import { trendBadge } from '../ui/trend.ts';

export async function testsPage(c: Context<DashboardEnv>): Promise<Response> {
  const { suites, current } = await pickSuite(c);
  if (!current) {
    const body = html`<h1>Tests</h1>${emptyState('No suite to show', html`<p>Push a run, or pick one of the team's suites.</p>`)}${suiteTabs(teamHref(c, '/tests'), suites, null)}`;
    return renderPage(c, { title: 'Tests', nav: 'tests', body });
  }
  const [history, pruned] = await Promise.all([
    rpc(c, 'test_history', { p_team_id: c.var.team.id, p_repo_slug: current.repo, p_suite: current.suite, p_runs: 20 }),
    prunedAmong(c, { repo: current.repo, suite: current.suite, runs: 20 }),
  ]);
  const filter = TREND_ORDER.find((k) => k === c.req.query('class')) ?? null;
  const all = history
    .filter((h) => (h.outcomes ?? []).length > 0)
    .map((h) => ({ name: h.test_name, tier: h.last_tier, trend: classifyTrend(h.outcomes ?? []) }));
  const counts = new Map<TrendClass, number>(TREND_ORDER.map((k) => [k, all.filter((t) => t.trend.classification === k).length]));
  const suiteQuery = `repo=${encodeURIComponent(current.repo)}&suite=${encodeURIComponent(current.suite)}`;
  type Row = (typeof all)[number];
  const columns: Column<Row>[] = [
    {
      key: 'test',
      label: 'Test',
      className: 'wrap-sm',
      value: (t) => t.name,
      cell: (t) => html`<a href="${teamHref(c, `/test?${suiteQuery}&name=${encodeURIComponent(t.name)}`)}">${t.name}</a>`,
    },
    {
      key: 'class',
      label: 'Class',
      value: (t) => t.trend.classification,
      cell: (t) => trendBadge(t.trend.classification),
    },
    {
      key: 'history',
      label: 'History',
      className: 'strip',
      value: (t) => t.trend.outcomes.map((o) => (o ? 'P' : 'F')).join(''),
      unsortable: true,
      cell: (t) =>
        html`<span role="img" aria-label="oldest to newest: ${t.trend.outcomes.map((o) => (o ? 'pass' : 'fail')).join(', ')}">${t.trend.outcomes.map((o) => (o ? html`<span class="pass">✓</span>` : html`<span class="fail">✗</span>`))}</span>`,
    },
    { key: 'flips', label: 'Flips', num: true, value: (t) => t.trend.flips, cell: (t) => t.trend.flips },
    {
      key: 'streak',
      label: 'Streak',
      num: true,
      hideSm: true,
      // Passing streaks above failing ones.
      value: (t) => (t.trend.streak.passing ? t.trend.streak.length : -t.trend.streak.length),
      cell: (t) => `${t.trend.streak.length} ${t.trend.streak.passing ? 'passing' : 'failing'}`,
    },
    { key: 'pass_rate', label: 'Pass rate', num: true, value: (t) => t.trend.passRate, cell: (t) => rateCell(t.trend.passRate) },
    { key: 'tier', label: 'Last tier', hideSm: true, value: (t) => t.tier, cell: (t) => t.tier ?? '—' },
  ];
  const sort = readSort(c, columns, { key: 'flips', desc: true });
  // Most flips first by default; ties by class, then name (sortRows keeps this order within equal values).
  const flakyFirst = all
    .filter((t) => !filter || t.trend.classification === filter)
    .sort(
      (a, b) =>
        b.trend.flips - a.trend.flips ||
        TREND_ORDER.indexOf(a.trend.classification) - TREND_ORDER.indexOf(b.trend.classification) ||
        a.name.localeCompare(b.name),
    );
  const shown = sortRows(flakyFirst, columns, sort);
  if (wantsCsv(c, 'tests')) return csvResponse(c, `${c.var.team.slug}-${current.suite}-tests`, columns, shown);
  const base = teamHref(c, '/tests');
  const classTabs = html`<nav class="tabs" aria-label="Class">
    <a href="${base}?${suiteQuery}"${filter ? '' : html` aria-current="true"`}>all ${all.length}</a>
    ${TREND_ORDER.map((k) => html`<a href="${base}?${suiteQuery}&class=${k}"${filter === k ? html` aria-current="true"` : ''}>${k} ${counts.get(k) ?? 0}</a>`)}
  </nav>`;
  const body = html`<h1>Tests <span class="sub">${current.repo} / ${current.suite}</span></h1>
  ${suiteTabs(base, suites, current)}
  ${classTabs}
  <p class="sub">Classified over each test's last ${TREND_RULES.window} outcomes (of the suite's last 20 runs), oldest first in the strip. Most flips first; a column heading sorts by it.</p>
  ${pruned ? html`<p class="notice" role="note" data-pruned>${pruned} of the suite's last 20 runs are past the team's retention: their per-test outcomes were removed, so they are not counted here.</p>` : ''}
  ${
    shown.length
      ? dataTable(c, { id: 'tests', label: 'Tests', columns, rows: shown, sort, rowData: (t) => ({ class: t.trend.classification }) })
      : emptyState('No tests in this class', html`<p>Pick another class or suite.</p>`)
  }`;
  return renderPage(c, { title: 'Tests', nav: 'tests', body });
}
