/**
 * `/t/:slug/test?repo=&suite=&name=`: one test across a suite's recent runs:
 * outcome, resolved tier, cost, duration and failure reason per run, its trend
 * class, and the output of its latest failing and latest passing runs.
 */
import { classifyTrend, html, type SafeHtml } from '@gstack/core';
import type { Context } from 'hono';
import { rpc } from '../data.ts';
import type { DashboardEnv } from '../env.ts';
import { DashboardError } from '../errors.ts';
import { card, emptyState, passMark } from '../ui/components.ts';
import { ago, formatDuration, formatUsd, num, utc } from '../ui/format.ts';
import { renderPage, teamHref } from '../ui/layout.ts';

interface TestRun {
  run_id: string;
  run_at: string;
  trial: number;
  passed: boolean;
  skipped: boolean;
  resolved_tier: string | null;
  resolved_model: string | null;
  cost_usd: number;
  duration_ms: number | null;
  error: string | null;
}
interface OutputSample {
  run_id: string;
  run_at: string;
  doc: {
    output: string | null;
    output_length: number | null;
    assertions: Array<{ type: string; passed: boolean; message: string | null }>;
  } | null;
}
interface TestRuns {
  category: string | null;
  runs: TestRun[];
  latest_fail: OutputSample | null;
  latest_pass: OutputSample | null;
}

export async function testPage(c: Context<DashboardEnv>): Promise<Response> {
  const repo = c.req.query('repo') ?? '';
  const suite = c.req.query('suite') ?? '';
  const name = c.req.query('name') ?? '';
  if (!repo || !suite || !name)
    throw new DashboardError(400, 'A test page needs repo, suite and name in the address (open it from the Tests page).');
  const data = (await rpc(c, 'test_runs', {
    p_team_id: c.var.team.id,
    p_repo_slug: repo,
    p_suite: suite,
    p_test_name: name,
    p_runs: 30,
  })) as unknown as TestRuns;
  if (!data.runs.length) throw new DashboardError(404, `No run of ${repo} / ${suite} has a test named "${name}".`);
  const ran = data.runs.filter((r) => !r.skipped);
  const trend = ran.length ? classifyTrend(ran.map((r) => r.passed).reverse()) : null;
  const cost = data.runs.reduce((a, r) => a + num(r.cost_usd), 0);
  const rows = data.runs.map(
    (r) => html`<tr>
      <td><a href="${teamHref(c, `/runs/${r.run_id}`)}" title="${utc(r.run_at)}">${ago(r.run_at)}</a>${r.trial > 1 ? html` <span class="chip">trial ${r.trial}</span>` : ''}</td>
      <td>${passMark(r.passed, r.skipped)}</td>
      <td class="hide-sm">${r.resolved_tier ?? '—'} <span class="sub">${r.resolved_model ?? ''}</span></td>
      <td class="num">${formatUsd(num(r.cost_usd))}</td>
      <td class="num hide-sm">${r.duration_ms === null ? '—' : formatDuration(num(r.duration_ms))}</td>
      <td class="wrap">${r.error ?? ''}</td>
    </tr>`,
  );
  const suiteQuery = `repo=${encodeURIComponent(repo)}&suite=${encodeURIComponent(suite)}`;
  const body = html`<h1>${name}</h1>
  <div class="meta"><span><a href="${teamHref(c, `/tests?${suiteQuery}`)}">${repo} / ${suite}</a></span><span>category <b>${data.category ?? '—'}</b></span></div>
  <section class="cards" aria-label="Summary">
    ${card('Class', trend?.classification ?? '—', trend ? html`<span class="delta neutral">${trend.sparkline}</span>` : '')}
    ${card('Pass rate', trend ? `${trend.passRate.toFixed(1)}%` : '—', html`<span class="delta neutral">last ${trend?.outcomes.length ?? 0} outcomes</span>`)}
    ${card('Streak', trend ? `${trend.streak.length} ${trend.streak.passing ? 'passing' : 'failing'}` : '—')}
    ${card('Cost', formatUsd(cost), html`<span class="delta neutral">over ${data.runs.length} runs shown</span>`)}
  </section>
  <h2>Runs</h2>
  <div class="panel"><table>
    <thead><tr><th>Run</th><th>Outcome</th><th class="hide-sm">Resolved by</th><th class="num">Cost</th><th class="num hide-sm">Duration</th><th>Failure reason</th></tr></thead>
    <tbody>${rows}</tbody>
  </table></div>
  <div class="grid2">
    <section><h2>Latest failing output</h2>${sample(c, data.latest_fail, 'It has not failed in these runs.')}</section>
    <section><h2>Latest passing output</h2>${sample(c, data.latest_pass, 'It has not passed in these runs.')}</section>
  </div>`;
  return renderPage(c, { title: name, nav: 'tests', body });
}

function sample(c: Context<DashboardEnv>, s: OutputSample | null, none: string): SafeHtml {
  if (!s) return emptyState(none, html``);
  const output = s.doc?.output ?? null;
  const cut = output !== null && num(s.doc?.output_length) > output.length;
  const failed = (s.doc?.assertions ?? []).filter((a) => !a.passed);
  return html`<p class="sub"><a href="${teamHref(c, `/runs/${s.run_id}`)}">${utc(s.run_at)}</a>${cut ? ` · first ${output?.length} of ${num(s.doc?.output_length)} characters` : ''}</p>
  ${failed.length ? html`<ul class="reasons">${failed.map((a) => html`<li>${a.type}: ${a.message ?? 'failed'}</li>`)}</ul>` : ''}
  <pre>${output ?? '(no output)'}</pre>`;
}
