import { describe, expect, it } from 'vitest';
import { trendChart } from './line-chart.ts';

/** Numbers of one attribute on every element of a tag in the SVG. */
function attrs(svg: string, tag: string, name: string): number[] {
  return [...svg.matchAll(new RegExp(`<${tag}[^>]*\\s${name}="([-\\d.]+)"`, 'g'))].map((m) => Number(m[1]));
}

describe('trendChart', () => {
  it("keeps the first and last day's bars and points inside the plot (30 px axis labels, 6 px right margin)", () => {
    const points = [
      { day: '2026-10-24', runs: 3, passRate: 100 },
      { day: '2026-11-10', runs: 1, passRate: 40 },
      { day: '2026-11-22', runs: 5, passRate: 60 },
    ];
    const svg = String(trendChart(points, new Set(['2026-11-22']), { days: 30, label: 'capitals', endDay: '2026-11-22' }));
    const xs = attrs(svg, 'rect', 'x');
    const widths = attrs(svg, 'rect', 'width');
    expect(xs).toHaveLength(3);
    xs.forEach((x, i) => {
      expect(x).toBeGreaterThanOrEqual(30);
      expect(x + (widths[i] ?? 0)).toBeLessThanOrEqual(1200 - 6);
    });
    const cx = [...attrs(svg, 'circle', 'cx')];
    expect(cx).toHaveLength(3);
    for (const c of cx) {
      expect(c).toBeGreaterThan(30 + 5);
      expect(c).toBeLessThan(1200 - 6 - 5);
    }
    // Days are in order left to right, one slot apart for neighbours.
    expect(cx[0]).toBeLessThan(cx[1] ?? 0);
    expect(cx[1]).toBeLessThan(cx[2] ?? 0);
  });
});
