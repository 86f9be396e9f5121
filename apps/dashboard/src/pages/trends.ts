/**
 * `/t/:slug/trends`: pass rate per suite over 30 or 90 days or a from–to range: daily points (each
 * a link to that day's runs of the suite), runs per day as faint bars, and the
 * regressions by core's rule (the one the Slack alert uses; regressionStarts:
 * a drop that persists is one regression, not one per day below the mean)
 * marked and counted, at the team's threshold when the reader is an admin (who
 * can read the settings), else at the default; the days whose regression alert
 * reached Slack (alert_deliveries) are marked and counted too.
 */
import { html, REGRESSION_RULES, regressionStarts } from '@gstack/core';
import type { Context } from 'hono';
import { rpc } from '../data.ts';
import type { DashboardEnv } from '../env.ts';
import { emptyState } from '../ui/components.ts';
import { num, rate } from '../ui/format.ts';
import { groupBy } from '../ui/group.ts';
import { renderPage, teamHref } from '../ui/layout.ts';
import { trendChart } from '../ui/line-chart.ts';
import { periodTabs, readPeriod, runsOf } from '../ui/period.ts';

export async function trendsPage(c: Context<DashboardEnv>): Promise<Response> {
  const period = readPeriod(c, [30, 90], 30);
  // Regressions that really reached Slack (alone, or rolled up into the next message) in the period.
  const sentInPeriod = c.var.supabase
    .from('alert_deliveries')
    .select('repo_slug, suite, run_at')
    .eq('team_id', c.var.team.id)
    .eq('decision', 'regression')
    .in('status', ['sent', 'rolled_up'])
    .gte('run_at', period.start);
  const [series, runs, settings, deliveries] = await Promise.all([
    rpc(c, 'pass_rate_series', { p_team_id: c.var.team.id, ...period.args }),
    rpc(c, 'suite_run_series', { p_team_id: c.var.team.id, ...period.args }),
    // Admins can read the team's alert threshold; for members RLS returns nothing and the default applies.
    c.var.supabase.from('team_settings').select('alert_threshold_pp').eq('team_id', c.var.team.id).maybeSingle(),
    period.end ? sentInPeriod.lt('run_at', period.end) : sentInPeriod,
  ]);
  const alerted = new Map<string, Set<string>>();
  for (const d of deliveries.data ?? []) {
    const key = `${d.repo_slug}\u0000${d.suite}`;
    alerted.set(key, (alerted.get(key) ?? new Set<string>()).add(new Date(d.run_at).toISOString().slice(0, 10)));
  }
  const threshold = settings.data ? num(settings.data.alert_threshold_pp) : REGRESSION_RULES.defaultThresholdPp;
  const which = settings.data ? "at the team's threshold" : 'at its default threshold';
  // Per suite: the runs that start a regression (oldest first), as days to mark and a count.
  const regressed = new Map<string, { days: Set<string>; count: number }>();
  for (const [key, rows] of groupBy(runs, (r) => `${r.repo_slug}\u0000${r.suite}`)) {
    const rated = rows.filter((r) => rate(r.pass_rate) !== null);
    const starts = regressionStarts(
      rated.map((r) => rate(r.pass_rate) as number),
      threshold,
    );
    regressed.set(key, {
      days: new Set(starts.map((i) => new Date(rated[i]?.run_at ?? 0).toISOString().slice(0, 10))),
      count: starts.length,
    });
  }
  const charts = groupBy(series, (r) => `${r.repo_slug}\u0000${r.suite}`).map(([key, rows]) => {
    const first = rows[0] as (typeof rows)[number];
    const sent = alerted.get(key) ?? new Set<string>();
    const found = regressed.get(key) ?? { days: new Set<string>(), count: 0 };
    const marks = new Set([...found.days, ...sent]);
    const points = rows.map((r) => ({ day: String(r.day).slice(0, 10), runs: num(r.runs), passRate: rate(r.pass_rate) }));
    return html`<section class="panel trend-panel" data-suite="${first.repo_slug}/${first.suite}">
      <h2><code>${first.repo_slug}</code> <a href="${teamHref(c, `/tests?repo=${encodeURIComponent(first.repo_slug)}&suite=${encodeURIComponent(first.suite)}`)}">${first.suite}</a>
      <span class="sub">${plural(
        points.reduce((a, p) => a + p.runs, 0),
        'run',
      )}${found.count ? html` · <span class="bad regressions">${plural(found.count, 'regression')}</span>` : ''}${
        sent.size ? html` · <span class="bad alerted">${sent.size} alerted in Slack</span>` : ''
      }</span></h2>
      ${trendChart(points, marks, {
        days: period.spanDays,
        label: `${first.suite} pass rate per day`,
        endDay: period.to,
        pointHref: (day) => runsOf(c, { repo: first.repo_slug, suite: first.suite, from: day, to: day }),
      })}
    </section>`;
  });
  const body = html`<h1>Trends <span class="sub">${period.label}</span></h1>
  ${periodTabs(c, '/trends', [30, 90], period)}
  <p class="sub">Daily pass rate (line; a point opens that day's runs), runs per day (bars), and red rings where a regression started: a run more than ${threshold} points below the mean of the suite's earlier runs in the period (the alert rule, ${which}) after a run that was not; a drop that lasts counts once. Rings also mark days whose regression alert reached Slack.</p>
  ${charts.length ? charts : emptyState(`No runs ${period.during}`, html``)}`;
  return renderPage(c, { title: 'Trends', nav: 'trends', body });
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
