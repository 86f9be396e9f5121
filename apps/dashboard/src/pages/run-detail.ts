/**
 * `/t/:slug/runs/:runId`: one run. The header (suite, repo, branch, commit, who,
 * when, tier, cost with the judge's share, exact or estimated), failures grouped
 * by reason, and every test; a test expands (details/summary, no script) to its
 * question (the input after vars, the vars and the expected value, as
 * recorded), its ladder attempts (each labelled with who decided it: core's
 * attemptVerdictSource), rejected answers, the verifier's feedback apart from
 * assertion messages, judge verdicts, assertions and output, and a review form
 * beside every answer. Filters: all / failed / escalated / errors (core's
 * testErrored: no answer or an errored attempt, not a failed assertion), and a
 * search, in the query string; `open` names a test to show expanded. The tests
 * shown (?csv=tests) and their ladder attempts (?csv=attempts) download as CSV.
 */
import { attemptVerdictSource, finalAttempt, html, prunedNotice, type SafeHtml, testErrored, testVerdictSource } from '@gstack/core';
import type { Context } from 'hono';
import { type Attempt, type DocAttempt, prunedRuns, type RunDetail, rpc, storeFailed, type TestDetail, uuidParam } from '../data.ts';
import type { DashboardEnv } from '../env.ts';
import { notFound } from '../errors.ts';
import { card, emptyState, passMark, rateCell } from '../ui/components.ts';
import { groupFailures } from '../ui/failures.ts';
import { formatDuration, formatUsd, num, rate, shortSha, tokens, utc } from '../ui/format.ts';
import { renderPage, teamHref } from '../ui/layout.ts';
import { questionBlock } from '../ui/question.ts';
import { answerAnchor, type ReviewRow, reviewForm, reviewsByAnswer, reviewsOf } from '../ui/review.ts';
import { type Column, csvColumn, csvLink, csvResponse, wantsCsv } from '../ui/table.ts';

const SHOWS = ['all', 'failed', 'escalated', 'errors'] as const;
type Show = (typeof SHOWS)[number];

const matches: Record<Show, (t: TestDetail) => boolean> = {
  all: () => true,
  failed: (t) => !t.passed && !t.skipped,
  escalated: (t) => t.attempts.length > 1,
  // The document's output is null only when no model answered; without a document, the attempts tell.
  errors: (t) => testErrored({ skipped: t.skipped, output: t.doc ? t.doc.output : '', attempts: t.attempts }),
};

export async function runDetailPage(c: Context<DashboardEnv>): Promise<Response> {
  const runId = uuidParam(c.req.param('runId'), 'This run');
  const [detail, ci, reviewRows, pruned] = await Promise.all([
    rpc(c, 'run_detail', { p_team_id: c.var.team.id, p_run_id: runId }),
    // The pull request `gstack ci report` reported this run on, if any (a link, not a failure when unreadable).
    c.var.supabase.from('ci_reports').select('pull_request, pull_request_url, gated').eq('run_id', runId).maybeSingle(),
    c.var.supabase.from('answer_reviews').select('test_name, trial, attempt, reviewer, correct, note').eq('run_id', runId),
    prunedRuns(c, [runId]),
  ]);
  const removed = prunedNotice(pruned.get(runId));
  const data = detail as unknown as RunDetail | null;
  if (!data) throw notFound('This run');
  const pr = ci.data?.pull_request ? ci.data : null;
  if (reviewRows.error) throw storeFailed('Reading the reviews', reviewRows.error);
  const reviews = reviewsByAnswer((reviewRows.data ?? []) as ReviewRow[], c.var.user.id);
  const open = c.req.query('open') ?? '';
  const { run } = data;
  const show = (SHOWS as readonly string[]).includes(c.req.query('show') ?? '') ? (c.req.query('show') as Show) : 'all';
  const search = (c.req.query('q') ?? '').trim();
  const visible = data.tests.filter((t) => matches[show](t) && (!search || t.test_name.toLowerCase().includes(search.toLowerCase())));
  const cost = num(run.cost_usd);
  const judge = num(run.judge_cost_usd);
  const failures = groupFailures(data.tests);
  const self = teamHref(c, `/runs/${run.id}`);
  if (wantsCsv(c, 'tests')) return csvResponse(c, `${run.suite}-${run.id.slice(0, 8)}-tests`, TEST_COLUMNS, visible);
  if (wantsCsv(c, 'attempts')) {
    const attempts = visible.flatMap((t) => t.attempts.map((a) => ({ t, a, doc: t.doc?.attempts.find((d) => d.attempt === a.attempt) })));
    return csvResponse(c, `${run.suite}-${run.id.slice(0, 8)}-attempts`, ATTEMPT_COLUMNS, attempts);
  }
  const tabLink = (s: Show) => `${self}?show=${s}${search ? `&q=${encodeURIComponent(search)}` : ''}`;

  const body = html`<h1>${run.suite} <span class="sub">${run.repo_slug}</span>${run.interrupted ? html` <span class="badge warn">interrupted</span>` : ''}</h1>
  <div class="meta">
    <span>branch <b>${run.branch ?? '—'}</b></span>
    <span>commit <b>${shortSha(run.git_sha)}</b></span>
    <span>by <b>${run.who ?? '—'}</b>${run.hostname ? html` on <b>${run.hostname}</b>` : ''}</span>
    <span>at <b>${utc(run.run_at)}</b></span>
    <span>tier <b>${run.tier ?? '—'}</b></span>
    ${pr ? html`<span>pull request <b>${pr.pull_request_url ? html`<a href="${pr.pull_request_url}">#${pr.pull_request}</a>` : `#${pr.pull_request}`}</b>${pr.gated ? html` <span class="badge warn">stopped by the CI gate</span>` : ''}</span>` : ''}
    ${run.label ? html`<span>label <b>${run.label}</b></span>` : ''}
    ${data.version ? html`<span>gstack <b>${data.version}</b></span>` : ''}
  </div>
  <section class="cards" aria-label="Totals">
    ${card('Pass rate', '', html`<div class="value">${rateCell(rate(run.pass_rate))}</div><span class="delta neutral">${run.passed} passed · ${run.failed} failed${run.skipped ? ` · ${run.skipped} skipped` : ''}</span>`)}
    ${card('Cost', formatUsd(cost), html`<span class="delta neutral">judge ${formatUsd(judge)}${cost > 0 ? ` (${Math.round((100 * judge) / cost)}%)` : ''} · ${run.cost_exact ? 'exact' : 'estimated'}</span>`)}
    ${card('Duration', run.duration_ms === null ? '—' : formatDuration(num(run.duration_ms)), html`<span class="delta neutral">${run.total_tests} tests</span>`)}
    ${card(
      'Compare',
      '',
      data.previous_run_id
        ? html`<p><a class="button secondary" href="${teamHref(c, `/compare?base=${data.previous_run_id}&head=${run.id}`)}">Compare with the previous run</a></p>`
        : html`<p class="sub">First run of this suite.</p>`,
    )}
  </section>
  ${
    failures.length
      ? html`<h2>Failures by reason</h2><div class="panel"><ul class="reasons">${failures.map((f) => html`<li><b>${f.count}</b> · ${f.reason}</li>`)}</ul></div>`
      : ''
  }
  ${removed ? html`<p class="notice" role="note" data-pruned>${removed}</p>` : ''}
  <h2>Tests</h2>
  <nav class="tabs" aria-label="Show">${SHOWS.map(
    (s) => html`<a href="${tabLink(s)}"${s === show ? html` aria-current="true"` : ''}>${s} ${data.tests.filter(matches[s]).length}</a>`,
  )}</nav>
  <form class="filters" method="get" action="${self}" role="search">
    <input type="hidden" name="show" value="${show}">
    <label>Search tests <input type="search" name="q" value="${search}"></label>
    <button type="submit">Search</button>
  </form>
  ${
    visible.length
      ? html`<div class="panel">${visible.map((t, i) =>
          testRow(t, i, {
            open: t.test_name === open,
            review: (attempt, anchor) =>
              reviewForm(
                c,
                { runId: run.id, testName: t.test_name, trial: t.trial, attempt },
                reviewsOf(reviews, t.test_name, t.trial, attempt),
                `${self}?show=${show}${search ? `&q=${encodeURIComponent(search)}` : ''}&open=${encodeURIComponent(t.test_name)}`,
                anchor,
              ),
          }),
        )}</div>
  ${csvLink(c, 'tests', 'Tests')}${visible.some((t) => t.attempts.length) ? csvLink(c, 'attempts', 'Ladder attempts') : ''}`
      : removed
        ? emptyState('No per-test results', html`<p>Retention removed them; the totals above are the run's.</p>`)
        : emptyState('No test matches', html`<p>Try “all” or clear the search.</p>`)
  }`;
  return renderPage(c, { title: `${run.suite} run`, nav: 'runs', body });
}

/** The tests list's CSV: one line per test shown, the values of its summary line, raw. */
const TEST_COLUMNS: Column<TestDetail>[] = [
  csvColumn('test', (t) => t.test_name),
  csvColumn('trial', (t) => t.trial),
  csvColumn('result', (t) => (t.skipped ? 'skip' : t.passed ? 'pass' : 'fail')),
  csvColumn('tier', (t) => t.resolved_tier),
  csvColumn('model', (t) => t.resolved_model),
  csvColumn('cost', (t) => num(t.cost_usd)),
  csvColumn('duration_ms', (t) => t.duration_ms),
  csvColumn('error', (t) => t.error),
];

interface AttemptLine {
  t: TestDetail;
  a: Attempt;
  doc: DocAttempt | undefined;
}

/** The attempts tables' CSV: one line per attempt of the tests shown, the columns of their table. */
const ATTEMPT_COLUMNS: Column<AttemptLine>[] = [
  csvColumn('test', (x) => x.t.test_name),
  csvColumn('trial', (x) => x.t.trial),
  csvColumn('attempt', (x) => x.a.attempt),
  csvColumn('tier', (x) => x.a.tier),
  csvColumn('model', (x) => x.a.model),
  csvColumn('warm', (x) => (x.a.warm === null ? null : x.a.warm ? 'warm' : 'cold')),
  csvColumn('verdict', (x) => x.a.verdict),
  csvColumn('decided_by', (x) => (x.doc ? attemptVerdictSource(x.doc).label : null)),
  csvColumn('why', (x) => whyText(x.a, x.doc)),
  csvColumn('input_tokens', (x) => num(x.a.input_tokens)),
  csvColumn('output_tokens', (x) => num(x.a.output_tokens)),
  csvColumn('cache_read_tokens', (x) => num(x.a.cache_read_tokens)),
  csvColumn('cache_write_tokens', (x) => num(x.a.cache_write_tokens)),
  csvColumn('cost', (x) => num(x.a.cost_usd)),
  csvColumn('cost_is', (x) => (x.a.cost_exact ? 'exact' : 'estimated')),
  csvColumn('duration_ms', (x) => x.a.duration_ms),
];

/** The "Why" cell as text: the verifier's own words when it rejected, else the attempt's feedback. */
function whyText(a: Attempt, doc: DocAttempt | undefined): string | null {
  const verifierSaid = doc && attemptVerdictSource(doc).kind === 'verifier-reject' ? doc.verifier?.feedback : null;
  return verifierSaid ?? a.feedback;
}

interface RowOptions {
  open: boolean;
  /** The review form for one answer (attempt number), returning to `anchor`. */
  review: (attempt: number, anchor: string) => SafeHtml;
}

function testRow(t: TestDetail, index: number, options: RowOptions): SafeHtml {
  const docAttempts = t.doc?.attempts ?? [];
  const final = finalAttempt(docAttempts);
  const rejected = docAttempts.filter((a) => a.answer !== null && a !== final);
  const cut = t.doc?.output_length && t.doc.output && t.doc.output_length > t.doc.output.length;
  return html`<details class="test"${options.open ? html` open` : ''}>
  <summary>
    <span>${passMark(t.passed, t.skipped)}</span>
    <span class="name">${t.test_name}${t.trial > 1 ? html` <span class="chip">trial ${t.trial}</span>` : ''}</span>
    <span><span class="chip">${t.resolved_tier ?? '—'}</span></span>
    <span class="hide-sm sub">${t.resolved_model ?? '—'}</span>
    <span class="num">${formatUsd(num(t.cost_usd))}</span>
    <span class="num hide-sm">${t.duration_ms === null ? '—' : formatDuration(num(t.duration_ms))}</span>
  </summary>
  <div class="test-body">
    ${t.error ? html`<p class="error">${t.error}</p>` : ''}
    ${t.doc ? html`<p class="decided test-verdict">Test verdict: ${testVerdictSource({ passed: t.passed, skipped: t.skipped, output: t.doc.output, assertions: t.doc.assertions, judge: t.doc.judge })}</p>` : ''}
    ${questionBlock(t.doc)}
    ${attemptsTable(t.attempts, docAttempts)}
    ${judgeAndAssertions(t)}
    <div class="answer" id="${answerAnchor(index, final?.attempt ?? 0)}"><h3 class="sub">Output${final ? ` (attempt ${final.attempt}, ${attemptVerdictSource(final).label})` : ''}${cut ? ` (first ${t.doc?.output?.length} of ${t.doc?.output_length} characters)` : ''}</h3>
    <pre>${t.doc?.output ?? '(no output recorded)'}</pre>
    ${final && t.doc?.output !== null ? options.review(final.attempt, answerAnchor(index, final.attempt)) : ''}</div>
    ${
      rejected.length
        ? html`<h3 class="sub">Rejected answers</h3>${rejected.map(
            (a) => html`<div class="answer" id="${answerAnchor(index, a.attempt)}">
          <p class="decided">attempt ${a.attempt}: ${attemptVerdictSource(a).label}${a.answer_length && a.answer && a.answer_length > a.answer.length ? ` (first ${a.answer.length} of ${a.answer_length} characters)` : ''}</p>
          <pre>${a.answer ?? ''}</pre>
          ${options.review(a.attempt, answerAnchor(index, a.attempt))}
        </div>`,
          )}`
        : ''
    }
  </div>
</details>`;
}

/** Why an attempt was not accepted, by source: the verifier's own words apart from assertion messages. */
function why(a: Attempt, doc: DocAttempt | undefined): SafeHtml {
  const v = doc?.verifier ?? null;
  const source = doc ? attemptVerdictSource(doc) : null;
  const parts: SafeHtml[] = [];
  if (a.verdict === 'error') parts.push(html`<span class="bad">error:</span> ${a.feedback ?? ''}`);
  else if (source?.kind === 'assertions-failed') parts.push(html`<span class="sub">assertions:</span> ${a.feedback ?? ''}`);
  else if (source?.kind === 'verifier-reject') parts.push(html`<span class="sub">verifier said:</span> ${v?.feedback ?? a.feedback ?? ''}`);
  else if (a.feedback) parts.push(html`${a.feedback}`);
  if (v?.audit) parts.push(html`<br><span class="sub">audit verifier said:</span> ${v.feedback ?? (v.accept ? 'accept' : 'reject')}`);
  return html`${parts}`;
}

function attemptsTable(attempts: Attempt[], docAttempts: DocAttempt[]): SafeHtml {
  if (!attempts.length) return html`<p class="sub">No ladder attempts recorded.</p>`;
  return html`<div class="panel scroll" role="region" aria-label="Ladder attempts" tabindex="0"><table><caption class="sr-only">Ladder attempts</caption>
  <thead><tr><th>#</th><th>Tier</th><th>Model</th><th>Warm</th><th>Verdict</th><th>Decided by</th><th>Why</th><th class="num">In</th><th class="num">Out</th><th class="num">Cache r/w</th><th class="num">Cost</th><th class="num">Time</th></tr></thead>
  <tbody>${attempts.map((a) => {
    const doc = docAttempts.find((d) => d.attempt === a.attempt);
    const source = doc ? attemptVerdictSource(doc) : null;
    return html`<tr>
    <td>${a.attempt}</td><td><span class="chip">${a.tier ?? '—'}</span></td><td>${a.model}</td>
    <td>${a.warm === null ? '—' : a.warm ? 'warm' : 'cold'}</td>
    <td class="${a.verdict === 'accept' ? 'good' : a.verdict === 'error' ? 'bad' : 'warn'}">${a.verdict}</td>
    <td class="decided" data-source="${source?.kind ?? 'unknown'}">${source?.label ?? html`<span class="sub">not recorded</span>`}${source?.audit ? html`<br><span class="sub">${source.audit}</span>` : ''}</td>
    <td class="wrap">${why(a, doc)}</td>
    <td class="num">${tokens(num(a.input_tokens))}</td><td class="num">${tokens(num(a.output_tokens))}</td>
    <td class="num">${tokens(num(a.cache_read_tokens))}/${tokens(num(a.cache_write_tokens))}</td>
    <td class="num">${formatUsd(num(a.cost_usd))}${a.cost_exact ? '' : html`<span class="sub" title="estimated from the pricing table">*</span>`}</td>
    <td class="num">${a.duration_ms === null ? '—' : formatDuration(num(a.duration_ms))}</td>
  </tr>`;
  })}</tbody></table></div>`;
}

function judgeAndAssertions(t: TestDetail): SafeHtml {
  const judge = t.doc?.judge ?? [];
  const assertions = t.doc?.assertions ?? [];
  if (!judge.length && !assertions.length) return html``;
  return html`<div class="grid2">
    <div><h3 class="sub">Assertions</h3>${
      assertions.length
        ? html`<ul>${assertions.map((a) => html`<li>${passMark(a.passed)} <code>${a.type}</code> ${a.message ?? ''}</li>`)}</ul>`
        : html`<p class="sub">none</p>`
    }</div>
    <div><h3 class="sub">Judge verdicts</h3>${
      judge.length
        ? html`<ul>${judge.map(
            (j) =>
              html`<li>${passMark(j.pass)} ${j.model}${j.score === null ? '' : ` · score ${j.score}`}${j.cached ? html` <span class="chip">cached</span>` : ''}<br><span class="sub">${j.rubric}</span>${j.reason ? html`<br>${j.reason}` : ''}</li>`,
          )}</ul>`
        : html`<p class="sub">none</p>`
    }</div>
  </div>`;
}
