/**
 * `/t/:slug/problems?repo=&branch=`: the team's problem tests across every
 * suite with a run in the last 90 days, in four groups by core's problemTests
 * (the one trend rule over each test's last 10 outcomes): failing now, and
 * since which run, date and commit; degrading (started failing in the window);
 * flaky, since the first flip, with the flip count; newly passing. Each test
 * links to its test page. Filters by repo and branch in the query string.
 */
import { html, PROBLEM_KINDS, type ProblemKind, type ProblemTest, problemTests, type RunOutcome, TREND_RULES } from '@gstack/core';
import type { Context } from 'hono';
import { prunedAmong, type RunsFacets, rpc } from '../data.ts';
import type { DashboardEnv } from '../env.ts';
import { emptyState } from '../ui/components.ts';
import { ago, shortSha, utc } from '../ui/format.ts';
import { renderPage, teamHref } from '../ui/layout.ts';

/** Runs of each suite read: the failing streak can date back this far. */
export const PROBLEM_RUNS = 30;

const GROUPS: Record<ProblemKind, { title: string; since: string; none: string }> = {
  failing: { title: 'Failing now', since: 'Failing since', none: 'No test fails in every recent run.' },
  degrading: { title: 'Degrading', since: 'Failing since', none: 'No test started failing recently.' },
  flaky: { title: 'Flaky', since: 'Flipping since', none: 'No flaky test.' },
  'newly-passing': { title: 'Newly passing', since: 'Passing since', none: 'No test started passing recently.' },
};

/** Reads and classifies the team's problem tests (shared with the overview's counts). */
export async function loadProblems(c: Context<DashboardEnv>, repo?: string, branch?: string): Promise<ProblemTest[]> {
  const rows = await rpc(c, 'problem_history', {
    p_team_id: c.var.team.id,
    p_repo_slug: repo,
    p_branch: branch,
    p_runs: PROBLEM_RUNS,
  });
  return problemTests(rows.map((r) => ({ ...r, outcomes: r.outcomes as unknown as RunOutcome[] })));
}

export async function problemsPage(c: Context<DashboardEnv>): Promise<Response> {
  const repo = c.req.query('repo')?.trim() || undefined;
  const branch = c.req.query('branch')?.trim() || undefined;
  const [problems, facets, pruned] = await Promise.all([
    loadProblems(c, repo, branch),
    rpc(c, 'runs_facets', { p_team_id: c.var.team.id }),
    prunedAmong(c, { days: 90, repo }),
  ]);
  const f = facets as unknown as RunsFacets;
  const select = (name: string, label: string, options: string[], current?: string) =>
    html`<label>${label}<select name="${name}"><option value="">any</option>${options.map(
      (v) => html`<option value="${v}"${v === current ? html` selected` : ''}>${v}</option>`,
    )}</select></label>`;
  const testLink = (p: ProblemTest) =>
    teamHref(c, `/test?repo=${encodeURIComponent(p.repo_slug)}&suite=${encodeURIComponent(p.suite)}&name=${encodeURIComponent(p.test)}`);
  const runLink = (o: RunOutcome) => teamHref(c, `/runs/${o.run_id}`);
  const section = (kind: ProblemKind) => {
    const list = problems.filter((p) => p.kind === kind);
    const g = GROUPS[kind];
    return html`<section class="problems" data-kind="${kind}"><h2 id="${kind}">${g.title} <span class="sub">${list.length}</span></h2>${
      list.length
        ? html`<div class="panel"><table>
        <thead><tr><th>Test</th><th>Suite</th><th>${g.since}</th><th class="hide-sm">Commit</th><th class="num">${kind === 'flaky' ? 'Flips' : 'Streak'}</th><th class="hide-sm">Last ${TREND_RULES.window}</th></tr></thead>
        <tbody>${list.map(
          (p) => html`<tr data-test="${p.test}">
          <td class="wrap-sm"><a href="${testLink(p)}">${p.test}</a></td>
          <td class="wrap-sm"><code>${p.repo_slug}</code> ${p.suite}</td>
          <td>${p.sinceAtLeast ? 'at least since ' : ''}<a href="${runLink(p.since)}" title="${utc(p.since.run_at)}">${ago(p.since.run_at)}</a> <span class="sub">${utc(p.since.run_at).slice(0, 10)}</span></td>
          <td class="hide-sm"><code>${shortSha(p.since.sha)}</code></td>
          <td class="num">${kind === 'flaky' ? p.trend.flips : html`${p.trend.streak.length} ${p.trend.streak.passing ? 'passing' : 'failing'}`}</td>
          <td class="strip hide-sm" aria-label="oldest to newest: ${p.trend.outcomes.map((o) => (o ? 'pass' : 'fail')).join(', ')}">${p.trend.outcomes.map((o) => (o ? html`<span class="pass">✓</span>` : html`<span class="fail">✗</span>`))}</td>
        </tr>`,
        )}</tbody></table></div>`
        : html`<p class="sub">${g.none}</p>`
    }</section>`;
  };
  const body = html`<h1>Problems</h1>
  <form class="filters" method="get" action="${teamHref(c, '/problems')}" aria-label="Filter problems">
    ${select('repo', 'Repo', f.repos, repo)}
    ${select('branch', 'Branch', f.branches, branch)}
    <button type="submit">Filter</button>
    <a class="button secondary" href="${teamHref(c, '/problems')}">Clear</a>
  </form>
  <p class="sub">Every test of every suite with a run in the last 90 days, classified by the trend rule over its last ${TREND_RULES.window} outcomes; “since” reads back up to ${PROBLEM_RUNS} runs of its suite${branch ? ` on ${branch}` : ''}. Newest first in each group; stable passes are not listed.</p>
  ${pruned ? html`<p class="notice" role="note" data-pruned>${pruned} ${pruned === 1 ? 'run' : 'runs'} of the last 90 days ${pruned === 1 ? 'is' : 'are'} past the team's retention: their per-test outcomes were removed, so the histories below leave them out.</p>` : ''}
  <nav class="tabs" aria-label="Groups">${PROBLEM_KINDS.map((k) => html`<a href="#${k}">${GROUPS[k].title} ${problems.filter((p) => p.kind === k).length}</a>`)}</nav>
  ${problems.length ? PROBLEM_KINDS.map(section) : emptyState('No problem tests', html`<p>Every test of every recent suite passes in its recent runs.</p>`)}`;
  return renderPage(c, { title: 'Problems', nav: 'problems', body });
}
