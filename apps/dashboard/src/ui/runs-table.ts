/**
 * The runs table the overview and the runs list share: its columns once
 * (ui/table.ts), so the runs list can sort them on the server and export
 * exactly what it shows as CSV.
 */
import { html, type SafeHtml } from '@gstack/core';
import type { Context } from 'hono';
import type { RunRow } from '../data.ts';
import type { DashboardEnv } from '../env.ts';
import { passBar } from './charts.ts';
import { emptyState, rateCell, tierMix } from './components.ts';
import { ago, formatDuration, formatUsd, num, rate, shortSha, utc } from './format.ts';
import { teamHref } from './layout.ts';
import { type Column, dataTable, type Sort } from './table.ts';

/** The columns; those with a value and not unsortable are runs_page's p_sort keys (when, pass_rate, tests, cost, duration). */
export function runColumns(c: Context<DashboardEnv>): Column<RunRow>[] {
  return [
    {
      key: 'when',
      label: 'When',
      value: (r) => new Date(r.run_at).toISOString(),
      cell: (r) =>
        html`<a href="${teamHref(c, `/runs/${r.id}`)}" title="${utc(r.run_at)}">${ago(r.run_at)}</a>${r.interrupted ? html` <span class="badge warn" title="stopped before every test ran">interrupted</span>` : ''}`,
    },
    {
      key: 'suite',
      label: 'Repo / suite',
      className: 'wrap-sm',
      value: (r) => `${r.repo_slug}/${r.suite}`,
      unsortable: true,
      cell: (r) => html`<code>${r.repo_slug}</code> ${r.suite}${r.label ? html` <span class="chip">${r.label}</span>` : ''}`,
    },
    {
      key: 'branch',
      label: 'Branch',
      className: 'wrap-sm',
      hideSm: true,
      value: (r) => r.branch,
      unsortable: true,
      cell: (r) => html`${r.branch ?? '—'} <span class="sub">${shortSha(r.git_sha)}</span>`,
    },
    { key: 'who', label: 'Who', hideSm: true, value: (r) => r.who, unsortable: true, cell: (r) => r.who ?? '—' },
    {
      key: 'model',
      label: 'Model',
      className: 'wrap-sm',
      hideSm: true,
      value: (r) => (r.models ?? []).join(' '),
      unsortable: true,
      cell: (r) => modelsCell(r.models ?? []),
    },
    { key: 'pass_rate', label: 'Pass rate', num: true, value: (r) => rate(r.pass_rate), cell: (r) => rateCell(rate(r.pass_rate)) },
    {
      key: 'bar',
      label: html`<span class="sr-only">Passed and failed</span>`,
      hideSm: true,
      cell: (r) => html`<span class="sr-only">${r.passed} passed, ${r.failed} failed</span>${passBar(r.passed, r.failed)}`,
    },
    { key: 'tests', label: 'Tests', num: true, value: (r) => r.total_tests, cell: (r) => `${r.passed}/${r.total_tests - r.skipped}` },
    { key: 'tiers', label: 'Tiers', hideSm: true, cell: (r) => tierMix(r.tier_stats) },
    { key: 'cost', label: 'Cost', num: true, hideSm: true, value: (r) => num(r.cost_usd), cell: (r) => formatUsd(num(r.cost_usd)) },
    {
      key: 'duration',
      label: 'Duration',
      num: true,
      hideSm: true,
      value: (r) => (r.duration_ms === null ? null : num(r.duration_ms)),
      cell: (r) => (r.duration_ms === null ? '—' : formatDuration(num(r.duration_ms))),
    },
  ];
}

/** The first model, and how many more (all of them in the tooltip). */
function modelsCell(models: string[]): SafeHtml {
  if (!models.length) return html`<span class="sub">—</span>`;
  const [first, ...rest] = models;
  return html`<span title="${models.join(', ')}">${first}${rest.length ? html` <span class="sub">+${rest.length}</span>` : ''}</span>`;
}

/** The runs as a table; `sort` makes the headers sort links (the rows come sorted from runs_page). */
export function runsTable(c: Context<DashboardEnv>, runs: RunRow[], sort?: Sort): SafeHtml {
  if (!runs.length) return emptyState('No runs match', html`<p>Clear a filter or widen the dates.</p>`);
  return dataTable(c, { id: 'runs', label: 'Runs', columns: runColumns(c), rows: runs, sort, csv: Boolean(sort) });
}
