/**
 * `/t/:slug/leaderboard`: per person over 7 or 30 days or a from–to range: runs, ships, activity
 * (their sum, what the ranking counts), pass rate, day streak (core's
 * dayStreak) and cost; runs pushed with CI tokens are one "CI" row. Ranked by
 * core's rankLeaderboard, whose rule the page states (every column it uses is
 * shown); the table can be sorted by another column (the rank stays) and
 * downloaded as CSV. On a phone: rank, who, activity, pass rate and cost. A name opens the runs list filtered by that person (or CI),
 * and to the range when the period is one.
 */
import { html, LEADERBOARD_RULE, leaderboardEntry, rankLeaderboard } from '@gstack/core';
import type { Context } from 'hono';
import { rpc } from '../data.ts';
import type { DashboardEnv } from '../env.ts';
import { emptyState, rateCell } from '../ui/components.ts';
import { formatUsd } from '../ui/format.ts';
import { renderPage } from '../ui/layout.ts';
import { periodTabs, readPeriod, runsOf } from '../ui/period.ts';
import { type Column, csvResponse, dataTable, readSort, sortRows, wantsCsv } from '../ui/table.ts';

export async function leaderboardPage(c: Context<DashboardEnv>): Promise<Response> {
  const period = readPeriod(c, [7, 30], 7);
  const rows = await rpc(c, 'leaderboard_runs', { p_team_id: c.var.team.id, ...period.args });
  const ranked = rankLeaderboard(rows.map((r) => leaderboardEntry(r))).map((e, i) => ({ ...e, rank: i + 1 }));
  type Ranked = (typeof ranked)[number];
  const columns: Column<Ranked>[] = [
    { key: 'rank', label: '#', num: true, value: (e) => e.rank, cell: (e) => e.rank },
    {
      key: 'who',
      label: 'Who',
      className: 'wrap-sm',
      value: (e) => e.name,
      cell: (e) =>
        html`<a href="${runsOf(c, { who: e.userId ?? 'ci', ...(period.range ? { from: period.from, to: period.to } : {}) })}">${e.userId ? e.name : html`<span class="chip">CI</span>`}</a>`,
    },
    { key: 'runs', label: 'Runs', num: true, hideSm: true, value: (e) => e.runs, cell: (e) => e.runs },
    { key: 'ships', label: 'Ships', num: true, hideSm: true, value: (e) => e.ships, cell: (e) => e.ships },
    { key: 'activity', label: 'Activity', num: true, value: (e) => e.runs + e.ships, cell: (e) => html`<b>${e.runs + e.ships}</b>` },
    { key: 'pass_rate', label: 'Pass rate', num: true, value: (e) => e.passRate, cell: (e) => rateCell(e.passRate) },
    {
      key: 'streak',
      label: 'Day streak',
      num: true,
      hideSm: true,
      value: (e) => e.streak,
      cell: (e) => `${e.streak} ${e.streak === 1 ? 'day' : 'days'}`,
    },
    { key: 'cost', label: 'Cost', num: true, value: (e) => e.costUsd, cell: (e) => formatUsd(e.costUsd) },
  ];
  const sort = readSort(c, columns, { key: 'rank', desc: false });
  const shown = sortRows(ranked, columns, sort);
  if (wantsCsv(c, 'leaderboard')) return csvResponse(c, `${c.var.team.slug}-leaderboard-${period.tag}`, columns, shown);
  const body = html`<h1>Leaderboard <span class="sub">${period.label}</span></h1>
  ${periodTabs(c, '/leaderboard', [7, 30], period)}
  ${
    ranked.length
      ? html`${dataTable(c, { id: 'leaderboard', label: 'Leaderboard', columns, rows: shown, sort, className: 'leaderboard' })}
  <p class="sub">${LEADERBOARD_RULE} Ships are the ship logs pushed in the period (gstack-sync push-ship). Runs pushed with CI tokens are grouped as CI. A day streak counts consecutive UTC days with a run, up to today (whatever the period). A name opens that person's runs.</p>`
      : emptyState(`No runs ${period.during}`, html``)
  }`;
  return renderPage(c, { title: 'Leaderboard', nav: 'leaderboard', body });
}
