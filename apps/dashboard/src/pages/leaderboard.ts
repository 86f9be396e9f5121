/**
 * `/t/:slug/leaderboard`: per person over 7 or 30 days: runs, ships, activity
 * (their sum, what the ranking counts), pass rate, day streak (core's
 * dayStreak) and cost; runs pushed with CI tokens are one "CI" row. Ordered by
 * core's rankLeaderboard, whose rule the page states; every column it uses is
 * shown. A name opens the runs list filtered by that person (or CI).
 */
import { html, LEADERBOARD_RULE, leaderboardEntry, rankLeaderboard } from '@gstack/core';
import type { Context } from 'hono';
import { rpc } from '../data.ts';
import type { DashboardEnv } from '../env.ts';
import { emptyState, rateCell } from '../ui/components.ts';
import { formatUsd } from '../ui/format.ts';
import { renderPage, teamHref } from '../ui/layout.ts';
import { periodTabs, readPeriod } from '../ui/period.ts';

export async function leaderboardPage(c: Context<DashboardEnv>): Promise<Response> {
  const days = readPeriod(c, [7, 30], 7);
  const rows = await rpc(c, 'leaderboard_runs', { p_team_id: c.var.team.id, p_days: days });
  const ranked = rankLeaderboard(rows.map((r) => leaderboardEntry(r)));
  const body = html`<h1>Leaderboard</h1>
  ${periodTabs(c, '/leaderboard', [7, 30], days)}
  ${
    ranked.length
      ? html`<div class="panel"><table class="leaderboard">
    <thead><tr><th class="num">#</th><th>Who</th><th class="num">Runs</th><th class="num">Ships</th><th class="num">Activity</th><th class="num">Pass rate</th><th class="num">Day streak</th><th class="num">Cost</th></tr></thead>
    <tbody>${ranked.map(
      (e, i) =>
        html`<tr><td class="num">${i + 1}</td><td><a href="${teamHref(c, `/runs?who=${e.userId ?? 'ci'}`)}">${e.userId ? e.name : html`<span class="chip">CI</span>`}</a></td><td class="num">${e.runs}</td><td class="num">${e.ships}</td><td class="num"><b>${e.runs + e.ships}</b></td><td class="num">${rateCell(e.passRate)}</td><td class="num">${e.streak} ${e.streak === 1 ? 'day' : 'days'}</td><td class="num">${formatUsd(e.costUsd)}</td></tr>`,
    )}</tbody></table></div>
  <p class="sub">${LEADERBOARD_RULE} Ships are the ship logs pushed in the period (gstack-sync push-ship). Runs pushed with CI tokens are grouped as CI. A day streak counts consecutive UTC days with a run, up to today. A name opens that person's runs.</p>`
      : emptyState(`No runs in the last ${days} days`, html``)
  }`;
  return renderPage(c, { title: 'Leaderboard', nav: 'leaderboard', body });
}
