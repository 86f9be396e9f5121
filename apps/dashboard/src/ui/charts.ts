/** Inline SVG charts rendered on the server: no chart library, no script. */
import { html, type SafeHtml } from '@gstack/core';
import { formatPercent } from './format.ts';

/** A pass-rate sparkline (0–100 %), oldest point first; null points (nothing ran) are skipped. */
export function sparkline(values: Array<number | null>, options: { width?: number; height?: number; label: string }): SafeHtml {
  const width = options.width ?? 120;
  const height = options.height ?? 28;
  const points = values.map((v, i) => ({ v, i })).filter((p): p is { v: number; i: number } => p.v !== null && Number.isFinite(p.v));
  const x = (i: number) => (values.length <= 1 ? width / 2 : 2 + (i * (width - 4)) / (values.length - 1));
  const y = (v: number) => 2 + ((100 - v) * (height - 4)) / 100;
  const d = points.map((p, k) => `${k ? 'L' : 'M'}${x(p.i).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ');
  const last = points.at(-1);
  const summary = `${options.label}: ${points.map((p) => formatPercent(p.v)).join(', ') || 'no runs'}`;
  return html`<svg class="spark" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${summary}">
<title>${summary}</title>
<rect class="band" x="0" y="0" width="${width}" height="${height}" rx="3"/>
${d ? html`<path class="line" d="${d}"/>` : ''}
${last ? html`<circle class="dot" cx="${x(last.i).toFixed(1)}" cy="${y(last.v).toFixed(1)}" r="2.5"/>` : ''}
</svg>`;
}

/** A thin passed/failed bar for a run. */
export function passBar(passed: number, failed: number, width = 80): SafeHtml {
  const total = passed + failed;
  const w = total ? Math.round((passed / total) * width) : 0;
  return html`<svg width="${width}" height="8" viewBox="0 0 ${width} 8" aria-hidden="true" class="spark">
<rect class="bar-bg" width="${width}" height="8" rx="2"/>${total ? html`<rect class="bar-fail" width="${width}" height="8" rx="2"/><rect class="bar-pass" width="${w}" height="8" rx="2"/>` : ''}
</svg>`;
}
