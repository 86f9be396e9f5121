/**
 * `/t/:slug/compare?base=<run>&head=<run>`: two runs test by test. Without a
 * base, the previous run of the head's suite is the baseline; without a head,
 * a picker. Change badges (pass → fail, fail → pass), counts that filter the
 * table, cost and latency deltas coloured by direction (lower is better), tier
 * changes, outputs side by side.
 */
import { html, type SafeHtml } from '@gstack/core';
import type { Context } from 'hono';
import { type CompareSide, type Comparison, type RunRow, type RunsPage, rpc, storeFailed, uuidParam } from '../data.ts';
import type { DashboardEnv } from '../env.ts';
import { notFound } from '../errors.ts';
import { delta, emptyState, passMark, rateCell } from '../ui/components.ts';
import { ago, formatDuration, formatUsd, num, rate, shortSha } from '../ui/format.ts';
import { renderPage, teamHref } from '../ui/layout.ts';

type Row = Comparison['tests'][number];
type Change = 'regressed' | 'fixed' | 'failing' | 'passing' | 'added' | 'removed';

const CHANGES: Array<{ key: Change; label: string; tone: string }> = [
  { key: 'regressed', label: 'pass → fail', tone: 'bad' },
  { key: 'fixed', label: 'fail → pass', tone: 'good' },
  { key: 'failing', label: 'still failing', tone: 'bad' },
  { key: 'passing', label: 'still passing', tone: 'neutral' },
  { key: 'added', label: 'new', tone: 'neutral' },
  { key: 'removed', label: 'removed', tone: 'neutral' },
];

function change(row: Row): Change {
  if (!row.base) return 'added';
  if (!row.head) return 'removed';
  if (row.base.passed && !row.head.passed) return 'regressed';
  if (!row.base.passed && row.head.passed) return 'fixed';
  return row.head.passed ? 'passing' : 'failing';
}

export async function comparePage(c: Context<DashboardEnv>): Promise<Response> {
  const headParam = c.req.query('head');
  if (!headParam) return picker(c);
  const head = uuidParam(headParam, 'This run');
  const base = c.req.query('base') ? uuidParam(c.req.query('base'), 'The baseline run') : await previousRun(c, head);
  if (!base) return picker(c, 'This run is the first of its suite: pick a baseline.');
  const data = (await rpc(c, 'compare_runs', { p_team_id: c.var.team.id, p_base: base, p_head: head })) as unknown as Comparison | null;
  if (!data) throw notFound('One of these runs');
  const only = CHANGES.some((x) => x.key === c.req.query('only')) ? (c.req.query('only') as Change) : undefined;
  const counts = new Map<Change, number>(CHANGES.map((x) => [x.key, 0]));
  for (const row of data.tests) counts.set(change(row), (counts.get(change(row)) ?? 0) + 1);
  const rows = only ? data.tests.filter((r) => change(r) === only) : data.tests;
  const self = (o?: Change) => teamHref(c, `/compare?base=${base}&head=${head}${o ? `&only=${o}` : ''}`);

  const body = html`<h1>Compare runs</h1>
  <div class="grid2">${runSummary(c, 'Baseline', data.base)}${runSummary(c, 'Head', data.head)}</div>
  <p class="deltas"><span>pass rate ${delta(rate(data.head.pass_rate), rate(data.base.pass_rate), { good: 'up', format: (d) => `${d.toFixed(1)} pp` })}</span>
  <span>cost ${delta(num(data.head.cost_usd), num(data.base.cost_usd), { good: 'down', format: formatUsd })}</span>
  <span>duration ${delta(num(data.head.duration_ms), num(data.base.duration_ms), { good: 'down', format: formatDuration })}</span></p>
  <nav class="tabs" aria-label="Filter by change">
    <a href="${self()}"${only ? '' : html` aria-current="true"`}>all ${data.tests.length}</a>
    ${CHANGES.map((x) => html`<a href="${self(x.key)}"${only === x.key ? html` aria-current="true"` : ''}>${x.label} ${counts.get(x.key) ?? 0}</a>`)}
  </nav>
  ${
    rows.length
      ? html`<div class="panel scroll" role="region" aria-label="Tests compared" tabindex="0"><table>
    <thead><tr><th>Test</th><th>Change</th><th>Baseline</th><th>Head</th><th>Tier</th><th class="num">Cost Δ</th><th class="num">Latency Δ</th><th>Outputs</th></tr></thead>
    <tbody>${rows.map(compareRow)}</tbody></table></div>`
      : emptyState('No test in this group', html`<p><a href="${self()}">Show all tests</a></p>`)
  }`;
  return renderPage(c, { title: 'Compare', nav: 'compare', body });
}

function compareRow(row: Row): SafeHtml {
  const kind = change(row);
  const info = CHANGES.find((x) => x.key === kind);
  const tier = (side: CompareSide | null) => side?.resolved_tier ?? '—';
  const tierChanged = row.base && row.head && tier(row.base) !== tier(row.head);
  const both = row.base && row.head;
  return html`<tr>
    <td class="wrap">${row.test_name}${row.trial > 1 ? html` <span class="chip">trial ${row.trial}</span>` : ''}</td>
    <td><span class="badge ${info?.tone ?? 'neutral'}">${info?.label ?? kind}</span></td>
    <td>${row.base ? passMark(row.base.passed, row.base.skipped) : '—'}</td>
    <td>${row.head ? passMark(row.head.passed, row.head.skipped) : '—'}</td>
    <td>${tierChanged ? html`<span class="chip">${tier(row.base)}</span> → <span class="chip">${tier(row.head)}</span>` : html`<span class="chip">${tier(row.head ?? row.base)}</span>`}</td>
    <td class="num">${both ? delta(num(row.head?.cost_usd), num(row.base?.cost_usd), { good: 'down', format: formatUsd }) : '—'}</td>
    <td class="num">${both ? delta(num(row.head?.duration_ms), num(row.base?.duration_ms), { good: 'down', format: formatDuration }) : '—'}</td>
    <td class="wrap"><details><summary>side by side</summary><div class="grid2">
      <div><h3 class="sub">Baseline</h3><pre>${row.base?.error ?? row.base?.output ?? '(none)'}</pre></div>
      <div><h3 class="sub">Head</h3><pre>${row.head?.error ?? row.head?.output ?? '(none)'}</pre></div>
    </div></details></td>
  </tr>`;
}

function runSummary(c: Context<DashboardEnv>, title: string, run: RunRow): SafeHtml {
  return html`<div class="card"><div class="label">${title}</div>
    <div><a href="${teamHref(c, `/runs/${run.id}`)}">${run.suite}</a> <span class="sub">${run.repo_slug} · ${run.branch ?? '—'} ${shortSha(run.git_sha)} · ${ago(run.run_at)} · ${run.who ?? '—'}</span></div>
    <div>${rateCell(rate(run.pass_rate))} · ${run.passed}/${run.total_tests - run.skipped} · ${formatUsd(num(run.cost_usd))}</div></div>`;
}

/** The run before `head` in the same repo and suite (two one-row reads), or null. */
async function previousRun(c: Context<DashboardEnv>, head: string): Promise<string | null> {
  const supabase = c.var.supabase;
  const { data: run, error } = await supabase
    .from('eval_runs')
    .select('repo_slug, suite, run_at')
    .eq('team_id', c.var.team.id)
    .eq('id', head)
    .maybeSingle();
  if (error) throw storeFailed('Reading the run', error);
  if (!run) throw notFound('This run');
  const { data: prev } = await supabase
    .from('eval_runs')
    .select('id')
    .eq('team_id', c.var.team.id)
    .eq('repo_slug', run.repo_slug)
    .eq('suite', run.suite)
    .lt('run_at', run.run_at)
    .order('run_at', { ascending: false })
    .limit(1)
    .maybeSingle();
  return prev?.id ?? null;
}

/** Two selects over the latest runs, for when the URL names no head. */
async function picker(c: Context<DashboardEnv>, message?: string): Promise<Response> {
  const page = (await rpc(c, 'runs_page', { p_team_id: c.var.team.id, p_limit: 100 })) as unknown as RunsPage;
  const option = (r: RunRow, selected?: string) =>
    html`<option value="${r.id}"${r.id === selected ? html` selected` : ''}>${r.repo_slug} / ${r.suite} · ${ago(r.run_at)} · ${r.who ?? '—'} · ${r.pass_rate ?? '—'}%</option>`;
  const body = html`<h1>Compare runs</h1>
  ${message ? html`<p class="error">${message}</p>` : ''}
  ${
    page.rows.length
      ? html`<form class="filters" method="get" action="${teamHref(c, '/compare')}">
    <label>Baseline (empty: the previous run of the head's suite)<select name="base"><option value="">previous run</option>${page.rows.map((r) => option(r, c.req.query('base')))}</select></label>
    <label>Head<select name="head">${page.rows.map((r) => option(r, c.req.query('head')))}</select></label>
    <button type="submit">Compare</button></form>
    <p class="sub">Or open a run and choose “Compare with the previous run”.</p>`
      : emptyState('No runs yet', html`<p>Push two runs of a suite to compare them.</p>`)
  }`;
  return renderPage(c, { title: 'Compare', nav: 'compare', body });
}
