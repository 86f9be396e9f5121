/**
 * A daily pass-rate line over a period with runs per day as faint bars behind
 * it and marked points where a run regressed (core's regression rule).
 * Server-rendered SVG, no script. With pointHref each day with runs is a link
 * (the whole day's column is the target) to that day's runs.
 *
 * An SVG keeps its aspect ratio as it scales, so one drawing cannot suit both a
 * 1200 px panel and a 360 px phone (a wide chart shrank to 45 px tall there).
 * trendChart draws it twice, wide (1200 × 160) and narrow (400 × 220), and the
 * stylesheet shows one: the hidden one is out of the layout, the accessibility
 * tree and the tab order.
 */
import { html, type SafeHtml } from '@gstack/core';

export interface DayPoint {
  /** YYYY-MM-DD */
  day: string;
  runs: number;
  passRate: number | null;
}

export interface TrendOptions {
  days: number;
  label: string;
  endDay: string;
  pointHref?: (day: string) => string;
}

/** Both frames; the stylesheet (insights-styles.ts) shows the narrow one up to 640 px (the phone breakpoint). */
export function trendChart(points: DayPoint[], regressions: Set<string>, options: TrendOptions): SafeHtml {
  return html`${drawTrend(points, regressions, options, FRAMES.wide)}${drawTrend(points, regressions, options, FRAMES.narrow)}`;
}

export const FRAMES = {
  wide: { name: 'wide', width: 1200, height: 160 },
  narrow: { name: 'narrow', width: 400, height: 220 },
} as const;

export function drawTrend(
  points: DayPoint[],
  regressions: Set<string>,
  options: TrendOptions,
  frame: (typeof FRAMES)[keyof typeof FRAMES],
): SafeHtml {
  const { width, height } = frame;
  const left = 30;
  const bottom = 18;
  const end = Date.parse(`${options.endDay}T00:00:00Z`);
  const dayIndex = (day: string) => options.days - 1 - Math.round((end - Date.parse(`${day}T00:00:00Z`)) / 86_400_000);
  // Each day is a slot and its point sits in the slot's middle, so the first and last day's
  // bars stay inside the plot instead of crossing the axis labels or the right edge.
  const step = (width - left - 6) / Math.max(1, options.days);
  const x = (i: number) => left + (i + 0.5) * step;
  const plotH = height - bottom - 6;
  const y = (v: number) => 6 + ((100 - v) * plotH) / 100;
  const maxRuns = Math.max(1, ...points.map((p) => p.runs));
  const rated = points.filter((p): p is DayPoint & { passRate: number } => p.passRate !== null);
  const d = rated.map((p, k) => `${k ? 'L' : 'M'}${x(dayIndex(p.day)).toFixed(1)},${y(p.passRate).toFixed(1)}`).join(' ');
  const summary = `${options.label}: ${rated.map((p) => `${p.day} ${p.passRate.toFixed(1)}% (${p.runs} runs)${regressions.has(p.day) ? ' regression' : ''}`).join('; ') || 'no runs'}`;
  // Links inside: a group (an img's children are hidden from assistive technology).
  const role = options.pointHref ? 'group' : 'img';
  return html`<svg class="trend trend-${frame.name}" width="100%" viewBox="0 0 ${width} ${height}" role="${role}" aria-label="${summary}">
<title>${summary}</title>
${[0, 50, 100].map((v) => html`<line class="grid" x1="${left}" x2="${width - 6}" y1="${y(v)}" y2="${y(v)}"/><text class="axis" x="${left - 4}" y="${y(v) + 4}" text-anchor="end">${v}</text>`)}
${points.map((p) => {
  const h = (p.runs / maxRuns) * (plotH * 0.35);
  return html`<rect class="runs" x="${(x(dayIndex(p.day)) - Math.max(2, step * 0.35)).toFixed(1)}" y="${(height - bottom - h).toFixed(1)}" width="${Math.max(4, step * 0.7).toFixed(1)}" height="${h.toFixed(1)}"/>`;
})}
${d ? html`<path class="line" d="${d}"/>` : ''}
${rated.map((p) =>
  regressions.has(p.day)
    ? html`<circle class="regression" cx="${x(dayIndex(p.day)).toFixed(1)}" cy="${y(p.passRate).toFixed(1)}" r="5"><title>${p.day}: a regression started</title></circle>`
    : html`<circle class="dot" cx="${x(dayIndex(p.day)).toFixed(1)}" cy="${y(p.passRate).toFixed(1)}" r="2.5"/>`,
)}
${
  options.pointHref
    ? points
        .filter((p) => p.runs > 0)
        .map(
          (p) =>
            html`<a class="point" href="${options.pointHref?.(p.day) ?? ''}" aria-label="${p.day}: ${p.passRate === null ? 'no pass rate' : `${p.passRate.toFixed(1)}%`}, ${p.runs} ${p.runs === 1 ? 'run' : 'runs'}. Open the runs of that day"><rect class="hit" x="${(x(dayIndex(p.day)) - Math.max(4, step / 2)).toFixed(1)}" y="6" width="${Math.max(8, step).toFixed(1)}" height="${plotH}"/></a>`,
        )
    : ''
}
<text class="axis" x="${left}" y="${height - 4}">${new Date(end - (options.days - 1) * 86_400_000).toISOString().slice(0, 10)}</text>
<text class="axis" x="${width - 6}" y="${height - 4}" text-anchor="end">${options.endDay}</text>
</svg>`;
}
