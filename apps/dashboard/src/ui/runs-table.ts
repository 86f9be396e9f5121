/**
 * The runs table the overview, the runs list and the compare picker share.
 * With `pick`, each row has a checkbox (in the PICK_FORM form, which GETs
 * /compare?run=…&run=…: no script) and a "vs previous" link.
 */
import { html, type SafeHtml } from '@gstack/core';
import type { Context } from 'hono';
import type { RunRow } from '../data.ts';
import type { DashboardEnv } from '../env.ts';
import { passBar } from './charts.ts';
import { emptyState, rateCell, tierMix } from './components.ts';
import { ago, formatDuration, formatUsd, num, rate, shortSha, utc } from './format.ts';
import { teamHref } from './layout.ts';

/** The id of the form the pick checkboxes belong to (they sit in the table, the form above it). */
export const PICK_FORM = 'pick-runs';

/** The (empty) form the checkboxes submit: GET /compare with the ticked runs. */
export function pickForm(c: Context<DashboardEnv>): SafeHtml {
  return html`<form id="${PICK_FORM}" method="get" action="${teamHref(c, '/compare')}"></form>`;
}

export function runsTable(c: Context<DashboardEnv>, runs: RunRow[], options: { pick?: boolean } = {}): SafeHtml {
  if (!runs.length) return emptyState('No runs match', html`<p>Clear a filter or widen the dates.</p>`);
  const pick = options.pick === true;
  return html`<div class="panel"><table>
  <thead><tr>${pick ? html`<th><span class="sr-only">Pick</span></th>` : ''}<th>When</th><th>Repo / suite</th><th>Branch</th><th>Who</th><th class="num">Pass rate</th><th></th><th class="num">Tests</th><th>Tiers</th><th class="num">Cost</th><th class="num">Duration</th>${pick ? html`<th><span class="sr-only">Compare</span></th>` : ''}</tr></thead>
  <tbody>${runs.map(
    (r) => html`<tr>
    ${pick ? html`<td><input type="checkbox" name="run" value="${r.id}" form="${PICK_FORM}" aria-label="Pick the ${r.suite} run of ${utc(r.run_at)} to compare"></td>` : ''}
    <td><a href="${teamHref(c, `/runs/${r.id}`)}" title="${utc(r.run_at)}">${ago(r.run_at)}</a>${r.interrupted ? html` <span class="badge warn" title="stopped before every test ran">interrupted</span>` : ''}</td>
    <td class="wrap-sm"><code>${r.repo_slug}</code> ${r.suite}${r.label ? html` <span class="chip">${r.label}</span>` : ''}</td>
    <td class="wrap-sm">${r.branch ?? '—'} <span class="sub">${shortSha(r.git_sha)}</span></td>
    <td>${r.who ?? '—'}</td>
    <td class="num">${rateCell(rate(r.pass_rate))}</td>
    <td>${passBar(r.passed, r.failed)}</td>
    <td class="num">${r.passed}/${r.total_tests - r.skipped}</td>
    <td>${tierMix(r.tier_stats)}</td>
    <td class="num">${formatUsd(num(r.cost_usd))}</td>
    <td class="num">${r.duration_ms === null ? '—' : formatDuration(num(r.duration_ms))}</td>
    ${pick ? html`<td><a href="${teamHref(c, `/compare?head=${r.id}`)}">vs previous</a></td>` : ''}
  </tr>`,
  )}</tbody></table></div>`;
}
