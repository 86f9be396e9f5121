/**
 * `/t/:slug`: the team at a glance: runs, pass rate and cost this week vs last
 * (deltas coloured by the good direction), who is active now, each suite with a
 * pass-rate sparkline and its latest run, and the latest runs.
 */
import { html } from '@gstack/core';
import type { Context } from 'hono';
import { type Overview, type RunRow, rpc } from '../data.ts';
import type { DashboardEnv } from '../env.ts';
import { sparkline } from '../ui/charts.ts';
import { card, delta, emptyState, rateCell } from '../ui/components.ts';
import { ago, formatPercent, formatUsd, num, rate } from '../ui/format.ts';
import { renderPage, teamHref } from '../ui/layout.ts';
import { runsTable } from '../ui/runs-table.ts';

export async function overviewPage(c: Context<DashboardEnv>): Promise<Response> {
  const team = c.var.team;
  const [overview, active, suites, latest] = await Promise.all([
    rpc(c, 'dashboard_overview', { p_team_id: team.id }),
    rpc(c, 'active_now', { p_team_id: team.id }),
    rpc(c, 'suite_sparklines', { p_team_id: team.id }),
    rpc(c, 'runs_page', { p_team_id: team.id, p_limit: 10 }),
  ]);
  const o = overview as unknown as Overview;
  const runs = (latest as unknown as { rows: RunRow[] }).rows;
  if (!num(o.runs_total)) return renderPage(c, { title: 'Overview', nav: 'overview', body: emptyOverview(team.slug) });

  const thisRate = rate(o.pass_rate_this_week);
  const lastRate = rate(o.pass_rate_last_week);
  const cards = html`<section class="cards" aria-label="This week">
    ${card('Runs this week', String(num(o.runs_this_week)), delta(num(o.runs_this_week), num(o.runs_last_week), { good: 'none', format: String, label: `from ${num(o.runs_last_week)} last week` }))}
    ${card('Pass rate this week', formatPercent(thisRate), delta(thisRate, lastRate, { good: 'up', format: (d) => `${d.toFixed(1)} pp`, label: `from ${formatPercent(lastRate)} last week` }))}
    ${card('Cost this week', formatUsd(num(o.cost_this_week)), delta(num(o.cost_this_week), num(o.cost_last_week), { good: 'down', format: formatUsd, label: `from ${formatUsd(num(o.cost_last_week))} last week` }))}
    ${card('Active now', String(num(o.active_now)), html`<span class="delta neutral">${num(o.runs_total)} runs in all · last ${o.last_run_at ? ago(o.last_run_at) : 'never'}</span>`)}
  </section>`;

  const people = active.length
    ? html`<ul class="sub">${active.map((a) => html`<li><b>${a.display_name ?? 'CI'}</b> on ${a.hostname ?? '?'}${a.repo_slug ? html` in <code>${a.repo_slug}</code>` : ''} · ${ago(a.last_seen_at)}</li>`)}</ul>`
    : html`<p class="sub">Nobody in the last 15 minutes.</p>`;

  const suiteRows = suites.map((s) => {
    const run = s.latest as unknown as RunRow;
    const rates = (s.pass_rates ?? []).map((v) => (v === null ? null : num(v)));
    return html`<tr>
      <td class="hide-sm"><code>${s.repo_slug}</code></td>
      <td><a href="${teamHref(c, `/runs?repo=${encodeURIComponent(s.repo_slug)}&suite=${encodeURIComponent(s.suite)}`)}">${s.suite}</a></td>
      <td>${sparkline(rates, { label: `${s.suite} pass rate, last ${rates.length} runs` })}</td>
      <td class="num">${rateCell(rate(run.pass_rate))}</td>
      <td class="num hide-sm">${run.passed}/${run.total_tests - run.skipped}</td>
      <td><a href="${teamHref(c, `/runs/${run.id}`)}">${ago(run.run_at)}</a></td>
    </tr>`;
  });

  const body = html`<h1>Overview</h1>
  ${cards}
  <h2>Suites</h2>
  <div class="panel"><table>
    <thead><tr><th class="hide-sm">Repo</th><th>Suite</th><th>Pass rate, last 20 runs</th><th class="num">Latest</th><th class="num hide-sm">Passed</th><th>When</th></tr></thead>
    <tbody>${suiteRows}</tbody>
  </table></div>
  <h2>Active now</h2>
  ${people}
  <h2>Latest runs <a class="sub" href="${teamHref(c, '/runs')}">all runs →</a></h2>
  ${runsTable(c, runs)}`;
  return renderPage(c, { title: 'Overview', nav: 'overview', body, refresh: true });
}

function emptyOverview(slug: string) {
  return html`<h1>Overview</h1>${emptyState(
    'No runs yet',
    html`<p>Run a suite and push it to this team:</p>
    <pre>GSTACK_TEAM=${slug} npx gstack eval run docs/examples/capitals.yaml
npx gstack-sync push</pre>
    <p class="sub">Runs appear here within seconds of the push.</p>`,
  )}`;
}
