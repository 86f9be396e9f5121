/**
 * `/t/:slug/costs`: over the chosen period (7, 30 or 90 days, or a from–to range), spend per day
 * (up to 7 days) or week stacked system vs judge, every bucket of the period shown;
 * what the judge cache saved (each cached verdict's cost when first paid); per model with
 * calls (and those the model response cache answered, at $0), input/output/cache read/cache write tokens and whether the cost is
 * exact or estimated; the most expensive suites and tests; and what the same
 * work would cost with everything on each ladder tier (core's ladderSavings);
 * what the verifier's audit sample cost. The per-model table sorts by any
 * column (?sort=); it and the most expensive suites and tests download as CSV.
 * A bar opens the runs of its day or week.
 */
import { compareTiers, html, ladderSavings } from '@gstack/core';
import type { Context } from 'hono';
import { rpc } from '../data.ts';
import type { DashboardEnv } from '../env.ts';
import { stackedBars } from '../ui/bars.ts';
import { card, emptyState } from '../ui/components.ts';
import { formatUsd, num, tokens } from '../ui/format.ts';
import { groupBy } from '../ui/group.ts';
import { renderPage, teamHref } from '../ui/layout.ts';
import { addDays, periodTabs, readPeriod, runsOf } from '../ui/period.ts';
import { type Column, csvResponse, dataTable, readSort, sortRows, wantsCsv } from '../ui/table.ts';

interface Leaders {
  suites: Array<{ repo_slug: string; suite: string; runs: number; cost_usd: number; judge_cost_usd: number }>;
  tests: Array<{ repo_slug: string; suite: string; test_name: string; runs: number; cost_usd: number }>;
}

export async function costsPage(c: Context<DashboardEnv>): Promise<Response> {
  const period = readPeriod(c, [7, 30, 90], 30);
  const { days } = period;
  const team = c.var.team.id;
  const [buckets, models, leadersRaw, spend, verifier, cacheSavings] = await Promise.all([
    rpc(c, 'cost_series', { p_team_id: team, ...period.args }),
    rpc(c, 'cost_per_model', { p_team_id: team, ...period.args }),
    rpc(c, 'cost_leaders', { p_team_id: team, ...period.args, p_limit: 10 }),
    rpc(c, 'ladder_spend', { p_team_id: team, ...period.args }),
    rpc(c, 'verifier_outcomes', { p_team_id: team, ...period.args }),
    rpc(c, 'judge_cache_savings', { p_team_id: team, ...period.args }),
  ]);
  const savings = cacheSavings[0] ?? { hits: 0, hits_priced: 0, saved_usd: 0 };
  const hits = num(savings.hits);
  const unpriced = hits - num(savings.hits_priced);
  const daily = days <= 7;
  // The audit sample's extra verifier calls (answers that had already failed the assertions).
  const audits = verifier.filter((v) => v.audit);
  const auditCalls = audits.reduce((a, v) => a + num(v.decisions), 0);
  const auditUsd = audits.reduce((a, v) => a + num(v.cost_usd), 0);
  const leaders = leadersRaw as unknown as Leaders;
  // Model calls the response cache answered (gstack eval run --cache): $0, counted apart from paid calls.
  const cachedAnswers = models.reduce((a, m) => a + num(m.cached_calls), 0);
  type Model = (typeof models)[number];
  const modelColumns: Column<Model>[] = [
    { key: 'model', label: 'Model', value: (m) => m.model, cell: (m) => m.model },
    { key: 'purpose', label: 'Purpose', value: (m) => m.purpose, cell: (m) => m.purpose },
    { key: 'calls', label: 'Calls', num: true, hideSm: true, value: (m) => num(m.calls), cell: (m) => num(m.calls) },
    {
      key: 'cached_calls',
      label: 'From cache',
      num: true,
      hideSm: true,
      value: (m) => num(m.cached_calls),
      cell: (m) => num(m.cached_calls),
    },
    {
      key: 'input_tokens',
      label: 'Input',
      num: true,
      hideSm: true,
      value: (m) => num(m.input_tokens),
      cell: (m) => tokens(num(m.input_tokens)),
    },
    {
      key: 'output_tokens',
      label: 'Output',
      num: true,
      hideSm: true,
      value: (m) => num(m.output_tokens),
      cell: (m) => tokens(num(m.output_tokens)),
    },
    {
      key: 'cache_read_tokens',
      label: 'Cache read',
      num: true,
      hideSm: true,
      value: (m) => num(m.cache_read_tokens),
      cell: (m) => tokens(num(m.cache_read_tokens)),
    },
    {
      key: 'cache_write_tokens',
      label: 'Cache write',
      num: true,
      hideSm: true,
      value: (m) => num(m.cache_write_tokens),
      cell: (m) => tokens(num(m.cache_write_tokens)),
    },
    { key: 'cost_usd', label: 'Cost', num: true, value: (m) => num(m.cost_usd), cell: (m) => formatUsd(num(m.cost_usd)) },
    {
      key: 'cost_is',
      label: 'Cost is',
      value: (m) => (m.exact ? 'exact' : 'estimated'),
      cell: (m) => html`<span class="chip">${m.exact ? 'exact' : 'estimated'}</span>`,
    },
  ];
  const suiteColumns: Column<Leaders['suites'][number]>[] = [
    {
      key: 'suite',
      label: 'Suite',
      value: (r) => `${r.repo_slug}/${r.suite}`,
      cell: (r) => html`<code>${r.repo_slug}</code> ${r.suite}`,
    },
    { key: 'runs', label: 'Runs', num: true, value: (r) => num(r.runs), cell: (r) => num(r.runs) },
    { key: 'cost_usd', label: 'Cost', num: true, value: (r) => num(r.cost_usd), cell: (r) => formatUsd(num(r.cost_usd)) },
    {
      key: 'judge_cost_usd',
      label: 'Judge',
      num: true,
      value: (r) => num(r.judge_cost_usd),
      cell: (r) => formatUsd(num(r.judge_cost_usd)),
    },
  ];
  const testColumns: Column<Leaders['tests'][number]>[] = [
    {
      key: 'test',
      label: 'Test',
      className: 'wrap-sm',
      value: (t) => t.test_name,
      cell: (t) =>
        html`<a href="${teamHref(c, `/test?repo=${encodeURIComponent(t.repo_slug)}&suite=${encodeURIComponent(t.suite)}&name=${encodeURIComponent(t.test_name)}`)}">${t.test_name}</a> <span class="sub">${t.suite}</span>`,
    },
    { key: 'runs', label: 'Runs', num: true, value: (t) => num(t.runs), cell: (t) => num(t.runs) },
    { key: 'cost_usd', label: 'Cost', num: true, value: (t) => num(t.cost_usd), cell: (t) => formatUsd(num(t.cost_usd)) },
  ];
  if (wantsCsv(c, 'suites')) return csvResponse(c, `${c.var.team.slug}-costliest-suites-${period.tag}`, suiteColumns, leaders.suites);
  if (wantsCsv(c, 'tests')) {
    const withSuite: Column<Leaders['tests'][number]>[] = [
      { key: 'repo', label: 'Repo', value: (t) => t.repo_slug, cell: (t) => t.repo_slug },
      { key: 'suite', label: 'Suite', value: (t) => t.suite, cell: (t) => t.suite },
      ...testColumns,
    ];
    return csvResponse(c, `${c.var.team.slug}-costliest-tests-${period.tag}`, withSuite, leaders.tests);
  }
  const modelSort = readSort(c, modelColumns, { key: 'cost_usd', desc: true });
  const modelRows = sortRows(models, modelColumns, modelSort);
  if (wantsCsv(c, 'models')) return csvResponse(c, `${c.var.team.slug}-cost-per-model-${period.tag}`, modelColumns, modelRows);
  const total = models.reduce((a, m) => a + num(m.cost_usd), 0);
  const exactShare = total > 0 ? (100 * models.filter((m) => m.exact).reduce((a, m) => a + num(m.cost_usd), 0)) / total : null;
  const judge = models.filter((m) => m.purpose === 'judge').reduce((a, m) => a + num(m.cost_usd), 0);

  // Same work on each tier: every suite's tests once, summed over the suites, per tier.
  const perSuite = groupBy(spend, (r) => `${r.repo_slug}\u0000${r.suite}`).map(([, rows]) =>
    ladderSavings(
      num(rows[0]?.tests),
      rows.map((r) => ({ tier: r.tier, attempts: num(r.attempts), costUsd: num(r.cost_usd) })),
    ),
  );
  const tiers = [...new Set(perSuite.flatMap((s) => s.everythingOn.map((e) => e.tier)))].sort(compareTiers);
  const onTier = tiers.map((tier) => {
    const covered = perSuite.filter((s) => s.everythingOn.some((e) => e.tier === tier));
    return {
      tier,
      cost: covered.reduce((a, s) => a + (s.everythingOn.find((e) => e.tier === tier)?.costUsd ?? 0), 0),
      suites: covered.length,
    };
  });
  const ladderActual = perSuite.reduce((a, s) => a + s.actualUsd, 0);

  const chart = buckets.some((b) => num(b.runs) > 0)
    ? stackedBars(
        buckets.map((b) => ({
          label: String(b.bucket).slice(5, 10),
          parts: [
            { value: num(b.cost_usd) - num(b.judge_cost_usd), tone: 'bar-a', name: 'system' },
            { value: num(b.judge_cost_usd), tone: 'bar-b', name: 'judge' },
          ],
        })),
        {
          label: `Cost per ${daily ? 'day' : 'week'}, ${period.label}, system and judge`,
          format: formatUsd,
          barHref: (i) => {
            const b = buckets[i];
            const from = String(b?.bucket ?? '').slice(0, 10);
            return b && from ? runsOf(c, { from, to: addDays(from, num(b.days) - 1) }) : null;
          },
        },
      )
    : emptyState(`No spend ${period.during}`, html``);

  const body = html`<h1>Costs <span class="sub">${period.label}</span></h1>
  ${periodTabs(c, '/costs', [7, 30, 90], period)}
  <section class="cards" aria-label="Totals">
    ${card(`Spend, ${period.label}`, formatUsd(total))}
    ${card('Judge and verifier', formatUsd(judge), html`<span class="delta neutral">${total > 0 ? `${((100 * judge) / total).toFixed(1)}% of spend` : ''}</span>`)}
    ${card('Judge cache saved', formatUsd(num(savings.saved_usd)), html`<span class="delta neutral">${hits} cached verdict${hits === 1 ? '' : 's'}, each priced at its first paid call${unpriced ? ` (${unpriced} from older results without that cost, not counted)` : ''}</span>`)}
    ${card('Response cache', String(cachedAnswers), html`<span class="delta neutral">${cachedAnswers === 1 ? 'answer' : 'answers'} from the model response cache ($0, not in Calls)</span>`)}
    ${card('Audit sample', formatUsd(auditUsd), html`<span class="delta neutral">${auditCalls} verifier call${auditCalls === 1 ? '' : 's'} on answers that failed the assertions (part of judge and verifier)</span>`)}
    ${card('Exact', exactShare === null ? '—' : `${exactShare.toFixed(1)}%`, html`<span class="delta neutral">reported by the APIs; the rest priced from the table</span>`)}
  </section>
  <h2>Per ${daily ? 'day' : 'week'} <span class="sub"><span class="key bar-a"></span> system <span class="key bar-b"></span> judge${daily ? '' : ' · weeks start on Monday (UTC); the first starts with the period'}</span></h2>
  <div class="panel chart">${chart}</div>
  <h2>Per model</h2>
  ${
    models.length
      ? dataTable(c, {
          id: 'models',
          label: 'Cost per model',
          columns: modelColumns,
          rows: modelRows,
          sort: modelSort,
          className: 'models',
        })
      : emptyState('No model calls in this period', html``)
  }
  <div class="grid2">
    <section><h2>Most expensive suites</h2>${dataTable(c, { id: 'suites', label: 'Most expensive suites', columns: suiteColumns, rows: leaders.suites, className: 'cost-suites' })}</section>
    <section><h2>Most expensive tests</h2>${dataTable(c, { id: 'tests', label: 'Most expensive tests', columns: testColumns, rows: leaders.tests, className: 'cost-tests' })}</section>
  </div>
  <h2>The same work with everything on one tier</h2>
  ${
    onTier.length
      ? html`<div class="panel"><table class="what-if">
    <thead><tr><th>Everything on</th><th class="num">Cost</th><th class="num">vs the ladder's ${formatUsd(ladderActual)}</th><th class="num">Suites priced</th></tr></thead>
    <tbody>${onTier.map((t) => html`<tr data-tier="${t.tier}"><td>${t.tier}</td><td class="num">${formatUsd(t.cost)}</td><td class="num">${t.cost - ladderActual >= 0 ? '+' : '−'}${formatUsd(Math.abs(t.cost - ladderActual))}</td><td class="num">${t.suites} of ${perSuite.length}</td></tr>`)}</tbody>
  </table></div>
  <p class="sub">Each suite's tests priced at one call of the tier, at that tier's average cost per attempt in the suite; a suite whose ladder never reached a tier cannot be priced on it.</p>`
      : emptyState('No ladder attempts in this period', html``)
  }`;
  return renderPage(c, { title: 'Costs', nav: 'costs', body });
}
