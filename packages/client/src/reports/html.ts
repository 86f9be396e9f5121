/**
 * The offline HTML report of one or more runs (`gstack eval run --html FILE`,
 * `gstack eval view`): one self-contained file in the shape of the dashboard's
 * run detail (cards, cost by model, every test with its answer, assertions and
 * ladder attempts). No script, no network: a Content-Security-Policy that
 * allows inline styles only, and every string from a run escaped by core's
 * `html` template. Light and dark follow the system setting.
 */
import { formatDuration, formatPercent, formatUsd, html, type SafeHtml, type StandardEvalResult, type TestResult } from '@gstack/core';
import { priceNote, runModel } from '../runner/report.ts';

const STYLES = `
:root { color-scheme: light dark; --bg: #fff; --fg: #1b1f24; --muted: #59636e; --line: #d1d9e0; --card: #f6f8fa; --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; }
@media (prefers-color-scheme: dark) { :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --card: #151b23; --ok: #3fb950; --bad: #f85149; --warn: #d29922; } }
* { box-sizing: border-box; }
body { margin: 0; padding: 1.5rem; background: var(--bg); color: var(--fg); font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
main { max-width: 72rem; margin: 0 auto; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; } h2 { font-size: 1.15rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
.meta { color: var(--muted); margin: 0 0 1rem; overflow-wrap: anywhere; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr)); gap: .75rem; margin: 1rem 0; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: .6rem .8rem; }
.card b { display: block; font-size: 1.3rem; }
.card span { color: var(--muted); font-size: .85rem; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: anywhere; }
th { color: var(--muted); font-weight: 600; } td.num, th.num { text-align: right; white-space: nowrap; }
.ok { color: var(--ok); } .bad { color: var(--bad); } .warn { color: var(--warn); }
details { border: 1px solid var(--line); border-radius: 6px; margin: .4rem 0; padding: .3rem .6rem; }
summary { cursor: pointer; overflow-wrap: anywhere; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--card); padding: .5rem; border-radius: 4px; margin: .4rem 0; max-height: 30rem; overflow: auto; }
ul { margin: .3rem 0; padding-left: 1.2rem; }
nav ul { columns: 2 18rem; }
a { color: inherit; }
@media (max-width: 480px) { body { padding: .75rem; } .hide-narrow { display: none; } }
`;

/** Shown inline; the result file has the whole answer (up to the push limit). */
const SHOWN_CHARS = 20_000;

const mark = (r: TestResult) =>
  r.output === null
    ? html`<span class="warn" title="no model answered">!</span>`
    : r.passed
      ? html`<span class="ok">✓</span>`
      : html`<span class="bad">✗</span>`;

const clip = (text: string) =>
  text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}\n…(${text.length - SHOWN_CHARS} more characters in the result file)` : text;

function testDetails(r: TestResult): SafeHtml {
  const name = r.trial > 1 ? `${r.name} #${r.trial}` : r.name;
  return html`<details${r.passed ? '' : html` open`}>
<summary>${mark(r)} ${name} <span class="meta">${r.category} · ${r.resolved_tier ? `${r.resolved_tier} ${r.resolved_model}` : 'unresolved'} · ${formatUsd(r.cost_usd)} · ${formatDuration(r.duration_ms)}</span></summary>
${r.error ? html`<p class="bad">${r.error}</p>` : ''}
${r.assertions.length ? html`<ul>${r.assertions.map((a) => html`<li>${a.passed ? html`<span class="ok">✓</span>` : html`<span class="bad">✗</span>`} ${a.type}${a.message ? html`: ${a.message}` : ''}</li>`)}</ul>` : ''}
${r.output !== null ? html`<pre>${clip(r.output)}</pre>` : ''}
${
  r.attempts.length > 1
    ? html`<div class="scroll"><table><thead><tr><th>tier</th><th>model</th><th>verdict</th><th class="num">cost</th><th class="hide-narrow">feedback</th></tr></thead><tbody>${r.attempts.map(
        (a) =>
          html`<tr><td>${a.tier}</td><td>${a.model}</td><td>${a.verdict}${a.cached ? ' (cached)' : ''}</td><td class="num">${formatUsd(a.cost_usd)}</td><td class="hide-narrow">${a.feedback ?? ''}</td></tr>`,
      )}</tbody></table></div>`
    : ''
}
</details>`;
}

function runSection(doc: StandardEvalResult, index: number): SafeHtml {
  const t = doc.totals;
  return html`<section id="run-${index + 1}">
<h2>${doc.suite} <span class="meta">${runModel(doc)}</span></h2>
<p class="meta">${doc.timestamp} · ${doc.repo_slug} · ${doc.git.branch ?? 'no branch'} ${doc.git.sha ? doc.git.sha.slice(0, 8) : ''} · ${doc.hostname} · run ${doc.run_id}${doc.label ? ` · ${doc.label}` : ''}${doc.interrupted ? ' · interrupted' : ''}${doc.errored ? ' · errored' : ''}</p>
<div class="cards">
<div class="card"><b>${formatPercent(doc.pass_rate)}</b><span>pass rate</span></div>
<div class="card"><b class="ok">${t.passed}</b><span>passed of ${t.tests}</span></div>
<div class="card"><b class="${t.failed ? 'bad' : ''}">${t.failed}</b><span>failed${t.errors ? ` (${t.errors} unanswered)` : ''}</span></div>
<div class="card"><b>${formatUsd(doc.cost_usd)}</b><span>cost (judge ${formatUsd(doc.judge_cost_usd)})</span></div>
<div class="card"><b>${formatDuration(doc.duration_ms)}</b><span>duration</span></div>
</div>
${
  doc.costs.length
    ? html`<div class="scroll"><table><thead><tr><th>model</th><th>purpose</th><th class="num">calls</th><th class="num">cached</th><th class="num">cost</th><th class="hide-narrow">priced</th></tr></thead><tbody>${doc.costs.map(
        (c) =>
          html`<tr><td>${c.model}</td><td>${c.purpose}</td><td class="num">${c.calls}</td><td class="num">${c.cached_calls}</td><td class="num">${formatUsd(c.cost_usd)}</td><td class="hide-narrow">${priceNote(c)}</td></tr>`,
      )}</tbody></table></div>`
    : ''
}
${doc.all_results.map(testDetails)}
</section>`;
}

/** The whole report: a list of the runs when there are several, then each run. */
export function htmlReport(docs: StandardEvalResult[], title = 'gstack eval report'): string {
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${title}</title>
<style>${STYLES}</style>
</head>
<body><main>
<h1>${title}</h1>
<p class="meta">${docs.length} run${docs.length === 1 ? '' : 's'} · written by gstack, works offline</p>
${
  docs.length > 1
    ? html`<nav><ul>${docs.map((d, i) => html`<li><a href="#run-${i + 1}">${d.suite} · ${runModel(d)} · ${formatPercent(d.pass_rate)}</a></li>`)}</ul></nav>`
    : ''
}
${docs.map(runSection)}
</main></body>
</html>
`;
  return page.value;
}
