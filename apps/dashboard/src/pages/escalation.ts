/**
 * `/t/:slug/escalation`: the ladder's economics and the verifier's quality over
 * 7/30/90 days or a from–to range. Per suite: share of tests resolved at each tier, spend per tier,
 * and what was saved against running everything on the top tier (core's
 * ladderSavings). Per verifier model (overall and per suite): agreement, false
 * accepts and false rejects against two ground truths, people's reviews and
 * the deterministic assertions (core's verifierQuality), each with its count
 * and a 95 % interval, and "not enough" below core's MIN_SAMPLE. Each table
 * downloads as CSV (?csv=ladder, verifiers, people, assertions, verifier-suites).
 */
import {
  compareTiers,
  html,
  ladderSavings,
  MIN_SAMPLE,
  type RateEstimate,
  type SafeHtml,
  type TruthAgreement,
  type VerifierQuality,
  verifierQuality,
} from '@gstack/core';
import type { Context } from 'hono';
import { rpc } from '../data.ts';
import type { DashboardEnv } from '../env.ts';
import { card, emptyState } from '../ui/components.ts';
import { formatPercent, formatUsd, num } from '../ui/format.ts';
import { groupBy } from '../ui/group.ts';
import { renderPage, teamHref } from '../ui/layout.ts';
import { periodTabs, readPeriod } from '../ui/period.ts';
import { type Column, csvColumn, csvLink, csvResponse } from '../ui/table.ts';

export async function escalationPage(c: Context<DashboardEnv>): Promise<Response> {
  const period = readPeriod(c, [7, 30, 90], 30);
  const [spend, outcomes] = await Promise.all([
    rpc(c, 'ladder_spend', { p_team_id: c.var.team.id, ...period.args }),
    rpc(c, 'verifier_outcomes', { p_team_id: c.var.team.id, ...period.args }),
  ]);
  // A failed verifier call made no decision (its cost is on the Costs page).
  const decisions = outcomes.filter((o) => !o.verifier_error);
  const suites = groupBy(spend, (r) => `${r.repo_slug}\u0000${r.suite}`).map(([, rows]) => {
    const first = rows[0] as (typeof rows)[number];
    const tiers = rows.map((r) => ({ tier: r.tier, attempts: num(r.attempts), costUsd: num(r.cost_usd), resolved: num(r.resolved) }));
    tiers.sort((a, b) => compareTiers(a.tier, b.tier));
    return { repo: first.repo_slug, suite: first.suite, tests: num(first.tests), tiers, savings: ladderSavings(num(first.tests), tiers) };
  });
  const known = suites.filter((s) => s.savings.savedUsd !== null);
  const saved = known.reduce((a, s) => a + (s.savings.savedUsd ?? 0), 0);
  const actual = suites.reduce((a, s) => a + s.savings.actualUsd, 0);
  const allTop = known.reduce((a, s) => a + (s.savings.everythingOn.at(-1)?.costUsd ?? 0), 0);
  const allTiers = [...new Set(suites.flatMap((s) => s.tiers.map((t) => t.tier)))].sort(compareTiers);

  const ladderRows = suites.map((s) => {
    const resolved = s.tiers.reduce((a, t) => a + t.resolved, 0);
    return html`<tr data-suite="${s.repo}/${s.suite}">
      <td><code>${s.repo}</code> ${s.suite}</td>
      <td class="num">${s.tests}</td>
      ${allTiers.map((tier) => {
        const t = s.tiers.find((x) => x.tier === tier);
        return html`<td class="num">${t ? html`${resolved ? formatPercent((100 * t.resolved) / resolved) : '—'} <span class="sub">${formatUsd(t.costUsd)}</span>` : '—'}</td>`;
      })}
      <td class="num">${formatUsd(s.savings.actualUsd)}</td>
      <td class="num">${s.savings.topTier ? html`${formatUsd(s.savings.everythingOn.at(-1)?.costUsd ?? 0)} <span class="sub">${s.savings.topTier}</span>` : '—'}</td>
      <td class="num saved">${s.savings.savedUsd === null ? html`<span class="sub">can't tell</span>` : html`<span class="${s.savings.savedUsd >= 0 ? 'good' : 'bad'}">${formatUsd(s.savings.savedUsd)}</span> <span class="sub">${s.savings.savedPercent === null ? '' : `${s.savings.savedPercent}%`}</span>`}</td>
    </tr>`;
  });

  const byModel = groupBy(decisions, (d) => d.verifier_model).map(([model, rows]) => ({ model, q: quality(rows) }));
  const bySuite = groupBy(decisions, (d) => `${d.repo_slug}\u0000${d.suite}\u0000${d.verifier_model}`).map(([, rows]) => {
    const first = rows[0] as (typeof rows)[number];
    return {
      repo: first.repo_slug,
      suite: first.suite,
      label: html`<code>${first.repo_slug}</code> ${first.suite}`,
      model: first.verifier_model,
      q: quality(rows),
    };
  });

  type Suite = (typeof suites)[number];
  const ladderColumns: Column<Suite>[] = [
    csvColumn('repo', (s) => s.repo),
    csvColumn('suite', (s) => s.suite),
    csvColumn('tests', (s) => s.tests),
    ...allTiers.flatMap((tier) => {
      const at = (s: Suite) => s.tiers.find((x) => x.tier === tier);
      const resolved = (s: Suite) => s.tiers.reduce((a, t) => a + t.resolved, 0);
      return [
        csvColumn(`${tier}_resolved_percent`, (s: Suite) => {
          const t = at(s);
          return t && resolved(s) ? (100 * t.resolved) / resolved(s) : null;
        }),
        csvColumn(`${tier}_spend`, (s: Suite) => at(s)?.costUsd ?? null),
      ];
    }),
    csvColumn('actual', (s) => s.savings.actualUsd),
    csvColumn('all_on_top_tier', (s) => (s.savings.topTier ? (s.savings.everythingOn.at(-1)?.costUsd ?? 0) : null)),
    csvColumn('top_tier', (s) => s.savings.topTier),
    csvColumn('saved', (s) => s.savings.savedUsd),
    csvColumn('saved_percent', (s) => s.savings.savedPercent),
  ];
  type ByModel = (typeof byModel)[number];
  const modelColumns: Column<ByModel>[] = [
    csvColumn('verifier', (m) => m.model),
    csvColumn('decisions', (m) => m.q.decisions),
    csvColumn('accepted', (m) => m.q.accepts),
    csvColumn('audit_sample', (m) => m.q.audits),
    csvColumn('reviewed_by_people', (m) => m.q.reviewed),
    csvColumn('tied', (m) => m.q.disputed),
  ];
  const truthColumns = (truth: 'people' | 'assertions'): Column<ByModel>[] => [
    csvColumn('verifier', (m) => m.model),
    csvColumn('labelled', (m) => m.q[truth].labelled),
    csvColumn('right', (m) => m.q[truth].right),
    csvColumn('wrong', (m) => m.q[truth].wrong),
    ...rateColumns<ByModel>('agreement', (m) => m.q[truth].agreement),
    ...rateColumns<ByModel>('false_accepts', (m) => m.q[truth].falseAccepts),
    ...rateColumns<ByModel>('false_rejects', (m) => m.q[truth].falseRejects),
  ];
  type BySuite = (typeof bySuite)[number];
  const suiteColumns: Column<BySuite>[] = [
    csvColumn('repo', (s) => s.repo),
    csvColumn('suite', (s) => s.suite),
    csvColumn('verifier', (s) => s.model),
    csvColumn('decisions', (s) => s.q.decisions),
    ...rateColumns<BySuite>('agreement_people', (s) => s.q.people.agreement),
    ...rateColumns<BySuite>('agreement_assertions', (s) => s.q.assertions.agreement),
  ];
  const file = (table: string) => `${c.var.team.slug}-${table}-${period.tag}`;
  const asked = c.req.query('csv');
  if (asked === 'ladder') return csvResponse(c, file('ladder'), ladderColumns, suites);
  if (asked === 'verifiers') return csvResponse(c, file('verifiers'), modelColumns, byModel);
  if (asked === 'people' || asked === 'assertions') return csvResponse(c, file(`verifiers-vs-${asked}`), truthColumns(asked), byModel);
  if (asked === 'verifier-suites') return csvResponse(c, file('verifiers-per-suite'), suiteColumns, bySuite);

  const body = html`<h1>Escalation <span class="sub">${period.label}</span></h1>
  ${periodTabs(c, '/escalation', [7, 30, 90], period)}
  <section class="cards" aria-label="Ladder totals">
    ${card('Ladder spend', formatUsd(actual), html`<span class="delta neutral">model calls, ${period.label}</span>`)}
    ${card('Everything on the top tier', known.length ? formatUsd(allTop) : '—', html`<span class="delta neutral">same tests, one top-tier call each</span>`)}
    ${card('Saved by the ladder', known.length ? formatUsd(saved) : "can't tell", html`<span class="delta ${saved >= 0 ? 'good' : 'bad'}">${allTop > 0 ? `${((100 * saved) / allTop).toFixed(1)}% of top-tier cost` : ''}</span>`)}
  </section>
  <h2>Ladder per suite</h2>
  ${
    suites.length
      ? html`<div class="panel scroll" role="region" aria-label="Ladder per suite" tabindex="0"><table class="ladder">
    <thead><tr><th>Suite</th><th class="num">Tests</th>${allTiers.map((t) => html`<th class="num">${t}: resolved · spend</th>`)}<th class="num">Actual</th><th class="num">All on top tier</th><th class="num">Saved</th></tr></thead>
    <tbody>${ladderRows}</tbody></table></div>
  ${csvLink(c, 'ladder', 'Ladder per suite')}
  <p class="sub">A tier's spend is every attempt it made (answers it resolved and answers it passed up). "All on top tier" prices each test at the top tier's average cost per attempt.</p>`
      : emptyState('No ladder attempts in this period', html`<p>Runs pushed with their attempts appear here.</p>`)
  }
  <h2>Verifier quality</h2>
  ${
    decisions.length
      ? html`<p class="sub">Each verifier decision is checked against two ground truths: people's reviews (<a href="${teamHref(c, `/review?${period.query}`)}">Review</a>; the majority when several reviewed an answer) and the test's deterministic assertions on the same answer (the audit sample shows the verifier answers that failed them). Agreement: decisions that match. False accepts: of the answers the truth calls wrong, the share the verifier accepted. False rejects: of those it calls right, the share it rejected. Each with its count and a 95&nbsp;% Wilson interval; under ${MIN_SAMPLE} labelled answers: not enough.</p>
  <div class="panel scroll" role="region" aria-label="Verifier decisions" tabindex="0"><table class="verifier-models">
    <caption class="sr-only">Verifier decisions per model</caption>
    <thead><tr><th>Verifier</th><th class="num">Decisions</th><th class="num">Accepted</th><th class="num">Audit sample</th><th class="num">Reviewed by people</th></tr></thead>
    <tbody>${byModel.map(
      (m) =>
        html`<tr data-model="${m.model}"><td>${m.model}</td><td class="num">${m.q.decisions}</td><td class="num">${m.q.accepts}</td><td class="num">${m.q.audits}</td><td class="num">${m.q.reviewed}${m.q.disputed ? html` <span class="sub">(${m.q.disputed} tied)</span>` : ''}</td></tr>`,
    )}</tbody>
  </table></div>
  ${csvLink(c, 'verifiers', 'Verifier decisions')}
  ${truthTable('people', 'Against people', 'reviews', byModel)}
  ${csvLink(c, 'people', 'Verifier against people')}
  ${truthTable('assertions', 'Against the deterministic assertions', 'answers', byModel)}
  ${csvLink(c, 'assertions', 'Verifier against the deterministic assertions')}
  <h2>Verifier quality per suite</h2>
  <div class="panel scroll" role="region" aria-label="Verifier quality per suite" tabindex="0"><table class="verifier-suites">
    <thead><tr><th>Suite</th><th>Verifier</th><th class="num">Decisions</th><th class="num">Agreement with people</th><th class="num">Agreement with assertions</th></tr></thead>
    <tbody>${bySuite.map(
      (s) =>
        html`<tr><td>${s.label}</td><td>${s.model}</td><td class="num">${s.q.decisions}</td><td class="num">${rateCell(s.q.people.agreement, 'reviews')}</td><td class="num">${rateCell(s.q.assertions.agreement, 'answers')}</td></tr>`,
    )}</tbody>
  </table></div>
  ${csvLink(c, 'verifier-suites', 'Verifier quality per suite')}`
      : emptyState(
          'No verifier decisions in this period',
          html`<p>Ladders whose lower tiers are checked by a verifier record its decisions here.</p>`,
        )
  }
  <p class="sub"><a href="${teamHref(c, `/costs?${period.query}`)}">Costs per model →</a></p>`;
  return renderPage(c, { title: 'Escalation', nav: 'escalation', body });
}

function quality(
  rows: Array<{
    accepted: boolean;
    assertions_passed: boolean | null;
    audit: boolean;
    reviews_correct: number;
    reviews_incorrect: number;
    decisions: number;
  }>,
): VerifierQuality {
  return verifierQuality(
    rows.map((r) => ({
      accepted: r.accepted,
      assertionsPassed: r.assertions_passed,
      audit: r.audit,
      reviewsCorrect: num(r.reviews_correct),
      reviewsIncorrect: num(r.reviews_incorrect),
      count: num(r.decisions),
    })),
  );
}

/**
 * A rate as the CSV holds it: the percent and its 95 % interval only when the page shows them
 * (MIN_SAMPLE or more labelled), and always the count and what it is out of.
 */
function rateColumns<Row>(key: string, of: (row: Row) => RateEstimate): Column<Row>[] {
  const shown = (r: RateEstimate) => r.enough && r.percent !== null;
  return [
    csvColumn(`${key}_percent`, (row) => (shown(of(row)) ? of(row).percent : null)),
    csvColumn(`${key}_low`, (row) => (shown(of(row)) ? of(row).low : null)),
    csvColumn(`${key}_high`, (row) => (shown(of(row)) ? of(row).high : null)),
    csvColumn(`${key}_count`, (row) => of(row).count),
    csvColumn(`${key}_of`, (row) => of(row).of),
  ];
}

/**
 * One rate: "80.0% · 8 of 10" and its 95 % interval; "not enough <unit>" with the count under
 * MIN_SAMPLE; "none labelled" when nothing could be checked. Never a bare 0 % or 100 %.
 */
function rateCell(r: RateEstimate, unit: string): SafeHtml {
  if (r.of === 0) return html`<span class="sub" title="no answer had this ground truth">none labelled</span>`;
  if (!r.enough || r.percent === null) {
    return html`<span class="sub">not enough ${unit}</span> <span class="sub">(${r.count} of ${r.of}; ${MIN_SAMPLE} needed)</span>`;
  }
  return html`<b>${r.percent.toFixed(1)}%</b> <span class="sub">${r.count} of ${r.of} · 95%: ${(r.low ?? 0).toFixed(1)}–${(r.high ?? 0).toFixed(1)}%</span>`;
}

function truthTable(
  truth: 'people' | 'assertions',
  title: string,
  unit: string,
  models: Array<{ model: string; q: VerifierQuality }>,
): SafeHtml {
  const of = (q: VerifierQuality): TruthAgreement => q[truth];
  return html`<h3>${title}</h3><div class="panel scroll" role="region" aria-label="Verifier ${title.toLowerCase()}" tabindex="0"><table class="verifier-${truth}">
    <caption class="sr-only">Verifier ${title.toLowerCase()}</caption>
    <thead><tr><th>Verifier</th><th class="num">Labelled (right · wrong)</th><th class="num">Agreement</th><th class="num">False accepts <span class="sub">of wrong answers</span></th><th class="num">False rejects <span class="sub">of right answers</span></th></tr></thead>
    <tbody>${models.map((m) => {
      const t = of(m.q);
      return html`<tr data-model="${m.model}"><td>${m.model}</td><td class="num">${t.labelled} <span class="sub">(${t.right} · ${t.wrong})</span></td>
        <td class="num agree">${rateCell(t.agreement, unit)}</td><td class="num fa">${rateCell(t.falseAccepts, unit)}</td><td class="num fr">${rateCell(t.falseRejects, unit)}</td></tr>`;
    })}</tbody>
  </table></div>`;
}
