/**
 * `/t/:slug/trends`: pass rate per suite over 30 or 90 days: daily points, runs
 * per day as faint bars, and the days where a run regressed by core's
 * regression rule (the one the Slack alert uses) marked on the line, at the
 * team's threshold when the reader is an admin (who can read the settings),
 * else at the default; the days whose regression alert reached Slack
 * (alert_deliveries) are marked and counted too.
 */
import { html, REGRESSION_RULES, runRegression } from '@gstack/core';
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
  const days = readPeriod(c, [30, 90], 30);
  const since = new Date(Date.now() - days * 86_400_000).toISOString();
  const [series, runs, settings, deliveries] = await Promise.all([
    rpc(c, 'pass_rate_series', { p_team_id: c.var.team.id, p_days: days }),
    rpc(c, 'suite_run_series', { p_team_id: c.var.team.id, p_days: days }),
    // Admins can read the team's alert threshold; for members RLS returns nothing and the default applies.
    c.var.supabase.from('team_settings').select('alert_threshold_pp').eq('team_id', c.var.team.id).maybeSingle(),
    // Regressions that really reached Slack (alone, or rolled up into the next message).
    c.var.supabase
      .from('alert_deliveries')
      .select('repo_slug, suite, run_at')
      .eq('team_id', c.var.team.id)
      .eq('decision', 'regression')
      .in('status', ['sent', 'rolled_up'])
      .gte('run_at', since),
  ]);
  const alerted = new Map<string, Set<string>>();
  for (const d of deliveries.data ?? []) {
    const key = `${d.repo_slug}\u0000${d.suite}`;
    alerted.set(key, (alerted.get(key) ?? new Set<string>()).add(new Date(d.run_at).toISOString().slice(0, 10)));
  }
  const threshold = settings.data ? num(settings.data.alert_threshold_pp) : REGRESSION_RULES.defaultThresholdPp;
  const which = settings.data ? "at the team's threshold" : 'at its default threshold';
  const today = new Date().toISOString().slice(0, 10);
  const regressed = new Map<string, Set<string>>();
  for (const [key, rows] of groupBy(runs, (r) => `${r.repo_slug}\u0000${r.suite}`)) {
    const set = new Set<string>();
    const rates: number[] = [];
    for (const r of rows) {
      const current = rate(r.pass_rate);
      if (current === null) continue;
      // Earlier runs newest first, as the rule expects.
      if (runRegression(current, [...rates].reverse(), threshold).regressed) set.add(new Date(r.run_at).toISOString().slice(0, 10));
      rates.push(current);
    }
    regressed.set(key, set);
  }
  const charts = groupBy(series, (r) => `${r.repo_slug}\u0000${r.suite}`).map(([key, rows]) => {
    const first = rows[0] as (typeof rows)[number];
    const sent = alerted.get(key) ?? new Set<string>();
    const marks = new Set([...(regressed.get(key) ?? []), ...sent]);
    const points = rows.map((r) => ({ day: String(r.day).slice(0, 10), runs: num(r.runs), passRate: rate(r.pass_rate) }));
    return html`<section class="panel trend-panel" data-suite="${first.repo_slug}/${first.suite}">
      <h2><code>${first.repo_slug}</code> <a href="${teamHref(c, `/tests?repo=${encodeURIComponent(first.repo_slug)}&suite=${encodeURIComponent(first.suite)}`)}">${first.suite}</a>
      <span class="sub">${plural(
        points.reduce((a, p) => a + p.runs, 0),
        'run',
      )}${marks.size ? html` · <span class="bad">${marks.size} ${marks.size === 1 ? 'day' : 'days'} with a regression</span>` : ''}${
        sent.size ? html` · <span class="bad alerted">${sent.size} alerted in Slack</span>` : ''
      }</span></h2>
      ${trendChart(points, marks, {
        days,
        label: `${first.suite} pass rate per day`,
        endDay: today,
        pointHref: (day) => runsOf(c, { repo: first.repo_slug, suite: first.suite, from: day, to: day }),
      })}
    </section>`;
  });
  const body = html`<h1>Trends</h1>
  ${periodTabs(c, '/trends', [30, 90], days)}
  <p class="sub">Daily pass rate (line), runs per day (bars), and red rings where a run fell more than ${threshold} points below the mean of the suite's earlier runs in the period (the alert rule, ${which}), or where a regression alert reached Slack.</p>
  ${charts.length ? charts : emptyState(`No runs in the last ${days} days`, html``)}`;
  return renderPage(c, { title: 'Trends', nav: 'trends', body });
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
