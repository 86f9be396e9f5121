/**
 * `/t/:slug/compare?base=<run>&head=<run>`: two runs test by test, regressions
 * first, then fixes, then the rest (core's testChange and CHANGE_ORDER).
 * Change badges, counts that filter the table, cost and latency deltas
 * coloured by direction (lower is better), tier changes, and per test the
 * question (as recorded), a word diff of the outputs and each side's output
 * with its failure reason beside it. Without a base, the previous run of the
 * head's suite is the baseline. Two runs picked with the runs list's
 * checkboxes arrive as `?run=<a>&run=<b>` (the older becomes the base);
 * without a head, the latest runs with checkboxes. ?csv=compare downloads the
 * tests the table shows (the change filter applies), one line per test.
 */
import { CHANGE_ORDER, html, prunedNotice, type SafeHtml, type TestChange, testChange } from '@gstack/core';
import type { Context } from 'hono';
import { type CompareSide, type Comparison, prunedRuns, type RunRow, type RunsPage, rpc, storeFailed, uuidParam } from '../data.ts';
import type { DashboardEnv } from '../env.ts';
import { notFound } from '../errors.ts';
import { delta, emptyState, passMark, rateCell } from '../ui/components.ts';
import { ago, formatDuration, formatUsd, num, rate, shortSha } from '../ui/format.ts';
import { renderPage, teamHref } from '../ui/layout.ts';
import { questionBlock } from '../ui/question.ts';
import { PICK_FORM, pickForm, runsTable } from '../ui/runs-table.ts';
import { type Column, csvColumn, csvLink, csvResponse, wantsCsv } from '../ui/table.ts';
import { renderWordDiff, wordDiff } from '../ui/word-diff.ts';

type Row = Comparison['tests'][number];

const LABELS: Record<TestChange, { label: string; tone: string }> = {
  'newly-failing': { label: 'pass → fail', tone: 'bad' },
  'newly-passing': { label: 'fail → pass', tone: 'good' },
  'still-failing': { label: 'still failing', tone: 'bad' },
  added: { label: 'new', tone: 'neutral' },
  removed: { label: 'removed', tone: 'neutral' },
  'still-passing': { label: 'still passing', tone: 'neutral' },
};

const change = (row: Row): TestChange => testChange(row.base, row.head);

/** A side's outcome in words, as its mark reads: pass, fail, skip, or empty when the test is not in the run. */
const outcome = (side: CompareSide | null) => (side ? (side.skipped ? 'skip' : side.passed ? 'pass' : 'fail') : null);
/** Head minus baseline, when both ran. */
const diff = (row: Row, of: (side: CompareSide) => number | null) => {
  const [b, h] = [row.base ? of(row.base) : null, row.head ? of(row.head) : null];
  return b === null || h === null ? null : h - b;
};

/** The compare table's CSV: one line per test, the values its cells show, raw. */
const CSV_COLUMNS: Column<Row>[] = [
  csvColumn('test', (r) => r.test_name),
  csvColumn('trial', (r) => r.trial),
  csvColumn('change', (r) => LABELS[change(r)].label),
  csvColumn('baseline', (r) => outcome(r.base)),
  csvColumn('head', (r) => outcome(r.head)),
  csvColumn('baseline_tier', (r) => r.base?.resolved_tier ?? null),
  csvColumn('head_tier', (r) => r.head?.resolved_tier ?? null),
  csvColumn('baseline_cost', (r) => (r.base ? num(r.base.cost_usd) : null)),
  csvColumn('head_cost', (r) => (r.head ? num(r.head.cost_usd) : null)),
  csvColumn('cost_delta', (r) => diff(r, (s) => num(s.cost_usd))),
  csvColumn('baseline_ms', (r) => r.base?.duration_ms ?? null),
  csvColumn('head_ms', (r) => r.head?.duration_ms ?? null),
  csvColumn('latency_delta_ms', (r) => diff(r, (s) => (s.duration_ms === null ? null : num(s.duration_ms)))),
];

export async function comparePage(c: Context<DashboardEnv>): Promise<Response> {
  const picked = c.req.queries('run') ?? [];
  if (picked.length) return comparePicked(c, picked);
  const headParam = c.req.query('head');
  if (!headParam) return picker(c);
  const head = uuidParam(headParam, 'This run');
  const base = c.req.query('base') ? uuidParam(c.req.query('base'), 'The baseline run') : await previousRun(c, head);
  if (!base) return picker(c, 'This run is the first of its suite: pick a baseline.');
  const [compared, pruned] = await Promise.all([
    rpc(c, 'compare_runs', { p_team_id: c.var.team.id, p_base: base, p_head: head }),
    prunedRuns(c, [base, head]),
  ]);
  const data = compared as unknown as Comparison | null;
  if (!data) throw notFound('One of these runs');
  // A side whose results retention removed has no tests to diff: say so instead of listing every test as added or removed.
  const removed = (
    [
      ['Baseline', base],
      ['Head', head],
    ] as const
  ).flatMap(([side, id]) => {
    const notice = prunedNotice(pruned.get(id));
    return notice ? [`${side}: ${notice}`] : [];
  });
  const only = CHANGE_ORDER.includes(c.req.query('only') as TestChange) ? (c.req.query('only') as TestChange) : undefined;
  const counts = new Map<TestChange, number>(CHANGE_ORDER.map((x) => [x, 0]));
  for (const row of data.tests) counts.set(change(row), (counts.get(change(row)) ?? 0) + 1);
  // Regressions first, then fixes, then the rest; by name within each (the SQL order).
  const sorted = [...data.tests].sort((a, b) => CHANGE_ORDER.indexOf(change(a)) - CHANGE_ORDER.indexOf(change(b)));
  const rows = only ? sorted.filter((r) => change(r) === only) : sorted;
  const self = (o?: TestChange) => teamHref(c, `/compare?base=${base}&head=${head}${o ? `&only=${o}` : ''}`);
  if (wantsCsv(c, 'compare'))
    return csvResponse(c, `${c.var.team.slug}-compare-${base.slice(0, 8)}-${head.slice(0, 8)}`, CSV_COLUMNS, rows);

  const body = html`<h1>Compare runs</h1>
  <div class="grid2">${runSummary(c, 'Baseline', data.base)}${runSummary(c, 'Head', data.head)}</div>
  <p class="deltas"><span>pass rate ${delta(rate(data.head.pass_rate), rate(data.base.pass_rate), { good: 'up', format: (d) => `${d.toFixed(1)} pp` })}</span>
  <span>cost ${delta(num(data.head.cost_usd), num(data.base.cost_usd), { good: 'down', format: formatUsd })}</span>
  <span>duration ${delta(num(data.head.duration_ms), num(data.base.duration_ms), { good: 'down', format: formatDuration })}</span></p>
  ${
    removed.length
      ? html`${removed.map((text) => html`<p class="notice" role="note" data-pruned>${text}</p>`)}
  <p class="sub">Only the totals above compare; the test-by-test comparison needs both runs' results.</p>`
      : html`<nav class="tabs" aria-label="Filter by change">
    <a href="${self()}"${only ? '' : html` aria-current="true"`}>all ${data.tests.length}</a>
    ${CHANGE_ORDER.map((x) => html`<a href="${self(x)}"${only === x ? html` aria-current="true"` : ''}>${LABELS[x].label} ${counts.get(x) ?? 0}</a>`)}
  </nav>
  ${
    rows.length
      ? html`<div class="panel scroll" role="region" aria-label="Tests compared" tabindex="0"><table class="compare">
    <thead><tr><th>Test</th><th>Change</th><th>Baseline</th><th>Head</th><th class="hide-sm">Tier</th><th class="num hide-sm">Cost Δ</th><th class="num hide-sm">Latency Δ</th></tr></thead>
    <tbody>${rows.map(compareRow)}</tbody></table></div>
  ${csvLink(c, 'compare', 'Tests compared')}`
      : emptyState('No test in this group', html`<p><a href="${self()}">Show all tests</a></p>`)
  }`
  }`;
  return renderPage(c, { title: 'Compare', nav: 'compare', body });
}

/** One side's output with its failure reason beside it (never instead of it). */
function sideBlock(title: string, side: CompareSide | null): SafeHtml {
  if (!side) return html`<div><h3 class="sub">${title}</h3><p class="sub">Not in this run.</p></div>`;
  const cut = side.output !== null && num(side.output_length) > side.output.length;
  return html`<div class="side"><h3 class="sub">${title} ${passMark(side.passed, side.skipped)}${cut ? html` <span class="sub">first ${side.output?.length} of ${num(side.output_length)} characters</span>` : ''}</h3>
    <pre>${side.output ?? '(no output)'}</pre>
    ${side.error ? html`<p class="reason"><span class="sub">reason:</span> <span class="bad">${side.error}</span></p>` : ''}</div>`;
}

function compareRow(row: Row): SafeHtml {
  const kind = change(row);
  const info = LABELS[kind];
  const tier = (side: CompareSide | null) => side?.resolved_tier ?? '—';
  const tierChanged = row.base && row.head && tier(row.base) !== tier(row.head);
  const both = row.base && row.head;
  const diff =
    both && row.base?.output !== null && row.head?.output !== null ? wordDiff(row.base?.output ?? '', row.head?.output ?? '') : null;
  // Each test is two rows: the numbers, then its outputs across the whole table (readable on a phone).
  return html`<tr class="test-row" data-change="${kind}">
    <td class="wrap">${row.test_name}${row.trial > 1 ? html` <span class="chip">trial ${row.trial}</span>` : ''}</td>
    <td><span class="badge ${info.tone}">${info.label}</span></td>
    <td>${row.base ? passMark(row.base.passed, row.base.skipped) : '—'}</td>
    <td>${row.head ? passMark(row.head.passed, row.head.skipped) : '—'}</td>
    <td class="hide-sm">${tierChanged ? html`<span class="chip">${tier(row.base)}</span> → <span class="chip">${tier(row.head)}</span>` : html`<span class="chip">${tier(row.head ?? row.base)}</span>`}</td>
    <td class="num hide-sm">${both ? delta(num(row.head?.cost_usd), num(row.base?.cost_usd), { good: 'down', format: formatUsd }) : '—'}</td>
    <td class="num hide-sm">${both ? delta(num(row.head?.duration_ms), num(row.base?.duration_ms), { good: 'down', format: formatDuration }) : '—'}</td>
  </tr>
  <tr class="detail" data-test="${row.test_name}"><td colspan="7"><details${kind === 'newly-failing' ? html` open` : ''}><summary>outputs of ${row.test_name}</summary>
      ${diff ? html`<h3 class="sub">Changes, baseline → head</h3>${renderWordDiff(diff)}` : ''}
      <div class="grid2">${sideBlock('Baseline', row.base)}${sideBlock('Head', row.head)}</div>
      ${questionBlock(row)}
    </details></td></tr>`;
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

/** Two runs ticked in a runs list: the older is the baseline. Any other number: the picker says so. */
async function comparePicked(c: Context<DashboardEnv>, picked: string[]): Promise<Response> {
  const ids = [...new Set(picked.map((id) => uuidParam(id, 'A picked run')))];
  if (ids.length !== 2) return picker(c, `Tick exactly two runs to compare (${ids.length} ticked).`);
  const { data, error } = await c.var.supabase.from('eval_runs').select('id, run_at').eq('team_id', c.var.team.id).in('id', ids);
  if (error) throw storeFailed('Reading the runs', error);
  if ((data ?? []).length !== 2) throw notFound('One of these runs');
  const [older, newer] = [...(data ?? [])].sort((a, b) => Date.parse(a.run_at) - Date.parse(b.run_at));
  return c.redirect(teamHref(c, `/compare?base=${older?.id}&head=${newer?.id}`), 303);
}

/** The latest runs with a checkbox each, for when the URL names no head. */
async function picker(c: Context<DashboardEnv>, message?: string): Promise<Response> {
  const page = (await rpc(c, 'runs_page', { p_team_id: c.var.team.id, p_limit: 50 })) as unknown as RunsPage;
  const body = html`<h1>Compare runs</h1>
  ${message ? html`<p class="error">${message}</p>` : ''}
  ${
    page.rows.length
      ? html`<p class="sub">Tick two runs and compare them (the older is the baseline), or compare one with the run before it. Older runs: the <a href="${teamHref(c, '/runs')}">Runs</a> list, with filters, has the same checkboxes.</p>
    ${pickForm(c)}
    ${runsTable(c, page.rows, undefined, { pick: true })}
    <p><button type="submit" form="${PICK_FORM}">Compare the ticked runs</button></p>`
      : emptyState('No runs yet', html`<p>Push two runs of a suite to compare them.</p>`)
  }`;
  return renderPage(c, { title: 'Compare', nav: 'compare', body });
}
