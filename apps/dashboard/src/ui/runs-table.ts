/** The runs table the overview and the runs list share. */
import { html, type SafeHtml } from '@gstack/core';
import type { Context } from 'hono';
import type { RunRow } from '../data.ts';
import type { DashboardEnv } from '../env.ts';
import { passBar } from './charts.ts';
import { emptyState, rateCell, tierMix } from './components.ts';
import { ago, formatDuration, formatUsd, num, rate, shortSha, utc } from './format.ts';
import { teamHref } from './layout.ts';

export function runsTable(c: Context<DashboardEnv>, runs: RunRow[]): SafeHtml {
  if (!runs.length) return emptyState('No runs match', html`<p>Clear a filter or widen the dates.</p>`);
  return html`<div class="panel"><table>
  <thead><tr><th>When</th><th>Repo / suite</th><th class="hide-sm">Branch</th><th class="hide-sm">Who</th><th class="num">Pass rate</th><th class="hide-sm"><span class="sr-only">Passed and failed</span></th><th class="num">Tests</th><th class="hide-sm">Tiers</th><th class="num hide-sm">Cost</th><th class="num hide-sm">Duration</th></tr></thead>
  <tbody>${runs.map(
    (r) => html`<tr>
    <td><a href="${teamHref(c, `/runs/${r.id}`)}" title="${utc(r.run_at)}">${ago(r.run_at)}</a>${r.interrupted ? html` <span class="badge warn" title="stopped before every test ran">interrupted</span>` : ''}</td>
    <td class="wrap-sm"><code>${r.repo_slug}</code> ${r.suite}${r.label ? html` <span class="chip">${r.label}</span>` : ''}</td>
    <td class="wrap-sm hide-sm">${r.branch ?? '—'} <span class="sub">${shortSha(r.git_sha)}</span></td>
    <td class="hide-sm">${r.who ?? '—'}</td>
    <td class="num">${rateCell(rate(r.pass_rate))}</td>
    <td class="hide-sm">${passBar(r.passed, r.failed)}</td>
    <td class="num">${r.passed}/${r.total_tests - r.skipped}</td>
    <td class="hide-sm">${tierMix(r.tier_stats)}</td>
    <td class="num hide-sm">${formatUsd(num(r.cost_usd))}</td>
    <td class="num hide-sm">${r.duration_ms === null ? '—' : formatDuration(num(r.duration_ms))}</td>
  </tr>`,
  )}</tbody></table></div>`;
}
