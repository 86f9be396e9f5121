/**
 * Small pieces pages share: stat cards with deltas coloured by which direction
 * is good, pass/fail marks, tier mix, empty states, pagers.
 */
import { html, type SafeHtml } from '@gstack/core';
import { formatPercent } from './format.ts';

/** Which way a metric improves: pass rate up, cost and latency down. */
export type GoodDirection = 'up' | 'down' | 'none';

/** A change between two values, e.g. "▲ 3.2 pp", in green when it goes the good way. */
export function delta(
  current: number | null,
  previous: number | null,
  options: { good: GoodDirection; format: (d: number) => string; label?: string },
): SafeHtml {
  if (current === null || previous === null) return html`<span class="delta neutral">no data to compare</span>`;
  const d = current - previous;
  if (Math.abs(d) < 1e-9) return html`<span class="delta neutral">no change${options.label ? ` ${options.label}` : ''}</span>`;
  const up = d > 0;
  const tone = options.good === 'none' ? 'neutral' : up === (options.good === 'up') ? 'good' : 'bad';
  return html`<span class="delta ${tone}"><span aria-hidden="true">${up ? '▲' : '▼'}</span> <span class="sr-only">${up ? 'up' : 'down'}</span>${options.format(Math.abs(d))}${options.label ? ` ${options.label}` : ''}</span>`;
}

export function card(label: string, value: string, extra: SafeHtml | string = ''): SafeHtml {
  return html`<div class="card"><div class="label">${label}</div><div class="value">${value}</div>${extra}</div>`;
}

export function passMark(passed: boolean, skipped = false): SafeHtml {
  if (skipped) return html`<span class="chip">skip</span>`;
  return passed ? html`<span class="pass">✓ pass</span>` : html`<span class="fail">✗ fail</span>`;
}

/** A pass rate coloured by how healthy it is. */
export function rateCell(rate: number | null): SafeHtml {
  const tone = rate === null ? 'neutral' : rate >= 90 ? 'good' : rate >= 70 ? 'warn' : 'bad';
  return html`<span class="${tone}">${formatPercent(rate)}</span>`;
}

/** "t1 8 · t2 3" from a run's tier_stats rollup. */
export function tierMix(stats: Record<string, { tests?: number }> | null | undefined): SafeHtml {
  const entries = Object.entries(stats ?? {}).sort(([a], [b]) => a.localeCompare(b));
  if (!entries.length) return html`<span class="sub">—</span>`;
  return html`${entries.map(([tier, s], i) => html`${i ? ' ' : ''}<span class="chip" title="tests resolved at ${tier}">${tier} ${s.tests ?? 0}</span>`)}`;
}

export function emptyState(title: string, body: SafeHtml): SafeHtml {
  return html`<div class="panel empty"><p><strong>${title}</strong></p>${body}</div>`;
}

/** runs_page counts up to 10,001: more reads as "10,000+". */
export function countLabel(total: number): string {
  return total > 10_000 ? '10,000+' : String(total);
}

/** Previous/next links that keep every other query parameter. */
export function pager(url: URL, offset: number, limit: number, total: number): SafeHtml {
  const link = (to: number) => {
    const next = new URL(url);
    if (to > 0) next.searchParams.set('offset', String(to));
    else next.searchParams.delete('offset');
    return `${next.pathname}${next.search}`;
  };
  const end = Math.min(offset + limit, total);
  return html`<nav class="pager" aria-label="Pages">
    <span>${total ? `${offset + 1}–${end} of ${countLabel(total)}` : '0 runs'}</span>
    ${offset > 0 ? html`<a class="button secondary" href="${link(Math.max(0, offset - limit))}">← Newer</a>` : ''}
    ${end < total ? html`<a class="button secondary" href="${link(offset + limit)}">Older →</a>` : ''}
  </nav>`;
}
