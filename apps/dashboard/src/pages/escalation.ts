/**
 * `/t/:slug/escalation`: the ladder's economics and the verifier's quality over
 * 7/30/90 days. Per suite: share of tests resolved at each tier, spend per tier,
 * and what was saved against running everything on the top tier (core's
 * ladderSavings). Per verifier model (overall and per suite): false accepts and
 * false rejects judged by the deterministic assertions (core's verifierQuality);
 * where the assertions could not tell, the page says so instead of showing 0.
 */
import { compareTiers, html, ladderSavings, type SafeHtml, type VerifierQuality, verifierQuality } from '@gstack/core';
import type { Context } from 'hono';
import { rpc } from '../data.ts';
import type { DashboardEnv } from '../env.ts';
import { card, emptyState } from '../ui/components.ts';
import { formatPercent, formatUsd, num } from '../ui/format.ts';
import { groupBy } from '../ui/group.ts';
import { renderPage, teamHref } from '../ui/layout.ts';
import { periodTabs, readPeriod } from '../ui/period.ts';

export async function escalationPage(c: Context<DashboardEnv>): Promise<Response> {
  const days = readPeriod(c, [7, 30, 90], 30);
  const [spend, decisions] = await Promise.all([
    rpc(c, 'ladder_spend', { p_team_id: c.var.team.id, p_days: days }),
    rpc(c, 'verifier_decisions', { p_team_id: c.var.team.id, p_days: days }),
  ]);
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
    return { label: html`<code>${first.repo_slug}</code> ${first.suite}`, model: first.verifier_model, q: quality(rows) };
  });

  const body = html`<h1>Escalation</h1>
  ${periodTabs(c, '/escalation', [7, 30, 90], days)}
  <section class="cards" aria-label="Ladder totals">
    ${card('Ladder spend', formatUsd(actual), html`<span class="delta neutral">model calls, last ${days} days</span>`)}
    ${card('Everything on the top tier', known.length ? formatUsd(allTop) : '—', html`<span class="delta neutral">same tests, one top-tier call each</span>`)}
    ${card('Saved by the ladder', known.length ? formatUsd(saved) : "can't tell", html`<span class="delta ${saved >= 0 ? 'good' : 'bad'}">${allTop > 0 ? `${((100 * saved) / allTop).toFixed(1)}% of top-tier cost` : ''}</span>`)}
  </section>
  <h2>Ladder per suite</h2>
  ${
    suites.length
      ? html`<div class="panel scroll" role="region" aria-label="Ladder per suite" tabindex="0"><table class="ladder">
    <thead><tr><th>Suite</th><th class="num">Tests</th>${allTiers.map((t) => html`<th class="num">${t}: resolved · spend</th>`)}<th class="num">Actual</th><th class="num">All on top tier</th><th class="num">Saved</th></tr></thead>
    <tbody>${ladderRows}</tbody></table></div>
  <p class="sub">A tier's spend is every attempt it made (answers it resolved and answers it passed up). "All on top tier" prices each test at the top tier's average cost per attempt.</p>`
      : emptyState('No ladder attempts in this period', html`<p>Runs pushed with their attempts appear here.</p>`)
  }
  <h2>Verifier quality</h2>
  ${
    decisions.length
      ? html`<p class="sub">A false accept: the verifier accepted an answer that then failed the test's deterministic assertions. A false reject: it rejected an answer whose deterministic assertions passed. Decisions on tests without deterministic assertions cannot be judged and are counted apart.</p>
  <div class="panel scroll" role="region" aria-label="Verifier quality" tabindex="0"><table class="verifier-models">
    <thead><tr><th>Verifier</th>${qualityHead()}</tr></thead>
    <tbody>${byModel.map((m) => html`<tr data-model="${m.model}"><td>${m.model}</td>${qualityCells(m.q)}</tr>`)}</tbody>
  </table></div>
  <h2>Verifier quality per suite</h2>
  <div class="panel scroll" role="region" aria-label="Verifier quality per suite" tabindex="0"><table class="verifier-suites">
    <thead><tr><th>Suite</th><th>Verifier</th>${qualityHead()}</tr></thead>
    <tbody>${bySuite.map((s) => html`<tr><td>${s.label}</td><td>${s.model}</td>${qualityCells(s.q)}</tr>`)}</tbody>
  </table></div>`
      : emptyState(
          'No verifier decisions in this period',
          html`<p>Ladders whose lower tiers are checked by a verifier record its decisions here.</p>`,
        )
  }
  <p class="sub"><a href="${teamHref(c, '/costs')}">Costs per model →</a></p>`;
  return renderPage(c, { title: 'Escalation', nav: 'escalation', body });
}

function quality(rows: Array<{ accepted: boolean; assertions_passed: boolean | null; decisions: number }>): VerifierQuality {
  return verifierQuality(rows.map((r) => ({ accepted: r.accepted, assertionsPassed: r.assertions_passed, count: num(r.decisions) })));
}

function qualityHead(): SafeHtml {
  return html`<th class="num">Decisions</th><th class="num">Accepted</th><th class="num">False accepts</th><th class="num">Rejected</th><th class="num">False rejects</th><th class="num">Could not be judged</th>`;
}

function rateOrUnknown(count: number, rate: number | null): SafeHtml {
  if (rate === null) return html`<span class="sub" title="no deterministic assertions were checked on these answers">can't tell</span>`;
  return html`<span class="${count ? 'bad' : 'good'}">${count}</span> <span class="sub">${rate.toFixed(1)}%</span>`;
}

function qualityCells(q: VerifierQuality): SafeHtml {
  return html`<td class="num">${q.decisions}</td><td class="num">${q.accepts}</td><td class="num fa">${rateOrUnknown(q.falseAccepts, q.falseAcceptRate)}</td><td class="num">${q.rejects}</td><td class="num fr">${rateOrUnknown(q.falseRejects, q.falseRejectRate)}</td><td class="num">${q.unknown}</td>`;
}
