/**
 * `/t/:slug/test?repo=&suite=&name=`: one test across a suite's recent runs:
 * outcome, resolved tier, cost, duration and failure reason per run, its trend
 * class, what it asks and expects (as recorded), and the output of its latest
 * failing and latest passing runs, each
 * with who decided it and a form to review it.
 */
import { attemptVerdictSource, classifyTrend, finalAttempt, html, type SafeHtml } from '@gstack/core';
import type { Context } from 'hono';
import { type DocAttempt, rpc, storeFailed } from '../data.ts';
import type { DashboardEnv } from '../env.ts';
import { DashboardError } from '../errors.ts';
import { card, emptyState, passMark } from '../ui/components.ts';
import { ago, formatDuration, formatUsd, num, utc } from '../ui/format.ts';
import { renderPage, teamHref } from '../ui/layout.ts';
import { questionBlock, type RecordedQuestion } from '../ui/question.ts';
import { type ReviewRow, reviewForm, reviewsByAnswer, reviewsOf } from '../ui/review.ts';

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
  doc:
    | (RecordedQuestion & {
        trial: number;
        output: string | null;
        output_length: number | null;
        attempts: DocAttempt[];
        assertions: Array<{ type: string; passed: boolean; message: string | null }>;
      })
    | null;
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
  const sampleRuns = [data.latest_fail?.run_id, data.latest_pass?.run_id].filter((id): id is string => Boolean(id));
  const reviewRows = sampleRuns.length
    ? await c.var.supabase
        .from('answer_reviews')
        .select('test_name, trial, attempt, reviewer, correct, note, run_id')
        .in('run_id', sampleRuns)
        .eq('test_name', name)
    : { data: [], error: null };
  if (reviewRows.error) throw storeFailed('Reading the reviews', reviewRows.error);
  const reviews = (runId: string) =>
    reviewsByAnswer(
      ((reviewRows.data ?? []) as Array<ReviewRow & { run_id: string }>).filter((r) => r.run_id === runId),
      c.var.user.id,
    );
  const back = `${teamHref(c, '/test')}?repo=${encodeURIComponent(repo)}&suite=${encodeURIComponent(suite)}&name=${encodeURIComponent(name)}`;
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
  <h2>The question</h2>
  ${questionBlock(data.latest_fail?.doc ?? data.latest_pass?.doc)}
  <p class="sub">As recorded by the ${data.latest_fail ? 'latest failing' : 'latest passing'} run.</p>
  <div class="grid2">
    <section id="latest-fail"><h2>Latest failing output</h2>${sample(c, data.latest_fail, 'It has not failed in these runs.', reviews, name, back, 'latest-fail')}</section>
    <section id="latest-pass"><h2>Latest passing output</h2>${sample(c, data.latest_pass, 'It has not passed in these runs.', reviews, name, back, 'latest-pass')}</section>
  </div>`;
  return renderPage(c, { title: name, nav: 'tests', body });
}

function sample(
  c: Context<DashboardEnv>,
  s: OutputSample | null,
  none: string,
  reviews: (runId: string) => ReturnType<typeof reviewsByAnswer>,
  name: string,
  back: string,
  anchor: string,
): SafeHtml {
  if (!s) return emptyState(none, html``);
  const output = s.doc?.output ?? null;
  const cut = output !== null && num(s.doc?.output_length) > output.length;
  const failed = (s.doc?.assertions ?? []).filter((a) => !a.passed);
  const final = finalAttempt(s.doc?.attempts ?? []);
  const trial = s.doc?.trial ?? 1;
  return html`<p class="sub"><a href="${teamHref(c, `/runs/${s.run_id}?open=${encodeURIComponent(name)}`)}">${utc(s.run_at)}</a>${cut ? ` · first ${output?.length} of ${num(s.doc?.output_length)} characters` : ''}</p>
  ${failed.length ? html`<ul class="reasons">${failed.map((a) => html`<li>${a.type}: ${a.message ?? 'failed'}</li>`)}</ul>` : ''}
  ${final ? html`<p class="decided">attempt ${final.attempt}: ${attemptVerdictSource(final).label}</p>` : ''}
  <pre>${output ?? '(no output)'}</pre>
  ${final && output !== null ? reviewForm(c, { runId: s.run_id, testName: name, trial, attempt: final.attempt }, reviewsOf(reviews(s.run_id), name, trial, final.attempt), back, anchor) : ''}`;
}
