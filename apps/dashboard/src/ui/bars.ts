/** Server-rendered SVG bar charts: stacked bars per period, with a text label per bar. */
import { html, type SafeHtml } from '@gstack/core';

export interface StackedBar {
  label: string;
  /** Parts bottom to top; `tone` is a CSS class (bar-a, bar-b). */
  parts: Array<{ value: number; tone: string; name: string }>;
}

/** With barHref each bar is a link (e.g. to the runs of that week). */
export function stackedBars(
  bars: StackedBar[],
  options: { label: string; format: (v: number) => string; height?: number; barHref?: (index: number) => string | null },
): SafeHtml {
  const height = options.height ?? 140;
  const barW = 36;
  const gap = 14;
  const width = Math.max(1, bars.length) * (barW + gap) + gap;
  const max = Math.max(1e-12, ...bars.map((b) => b.parts.reduce((a, p) => a + p.value, 0)));
  const scale = (v: number) => (v / max) * (height - 34);
  const summary = `${options.label}: ${bars.map((b) => `${b.label} ${b.parts.map((p) => `${p.name} ${options.format(p.value)}`).join(', ')}`).join('; ')}`;
  const role = options.barHref ? 'group' : 'img';
  return html`<svg class="bars" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="${role}" aria-label="${summary}">
<title>${summary}</title>
${bars.map((b, i) => {
  const x = gap + i * (barW + gap);
  let y = height - 18;
  const total = b.parts.reduce((a, p) => a + p.value, 0);
  const rects = html`${b.parts.map((p) => {
    const h = scale(p.value);
    y -= h;
    return html`<rect class="${p.tone}" x="${x}" y="${y.toFixed(1)}" width="${barW}" height="${h.toFixed(1)}"/>`;
  })}`;
  // Only the bar is the link (its name is the aria-label); the texts stay outside.
  const link = options.barHref?.(i);
  return html`<g>${
    link
      ? html`<a class="point" href="${link}" aria-label="${b.label}: ${b.parts.map((p) => `${p.name} ${options.format(p.value)}`).join(', ')}. Open the runs">${rects}</a>`
      : rects
  }<text class="bar-label" x="${x + barW / 2}" y="${height - 4}" text-anchor="middle">${b.label}</text><text class="bar-value" x="${x + barW / 2}" y="${(y - 4).toFixed(1)}" text-anchor="middle">${options.format(total)}</text></g>`;
})}
</svg>`;
}
