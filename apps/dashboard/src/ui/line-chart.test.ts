import { describe, expect, it } from 'vitest';
import { drawTrend, FRAMES, trendChart } from './line-chart.ts';

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
    const svg = String(drawTrend(points, new Set(['2026-11-22']), { days: 30, label: 'capitals', endDay: '2026-11-22' }, FRAMES.wide));
    const xs = attrs(svg, 'rect class="runs"', 'x');
    const widths = attrs(svg, 'rect class="runs"', 'width');
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

  it('makes each day with runs a link to its runs when asked, the whole day wide', () => {
    const points = [
      { day: '2026-11-20', runs: 2, passRate: 50 },
      { day: '2026-11-21', runs: 0, passRate: null },
      { day: '2026-11-22', runs: 1, passRate: 100 },
    ];
    const options = { days: 30, label: 'capitals', endDay: '2026-11-22' };
    const plain = String(drawTrend(points, new Set(), options, FRAMES.wide));
    expect(plain).toContain('role="img"');
    expect(plain).not.toContain('<a ');
    const linked = String(drawTrend(points, new Set(), { ...options, pointHref: (day) => `/runs?from=${day}&to=${day}` }, FRAMES.wide));
    expect(linked).toContain('role="group"');
    expect([...linked.matchAll(/<a class="point" href="([^"]+)" aria-label="([^"]+)"/g)].map((m) => [m[1], m[2]])).toEqual([
      ['/runs?from=2026-11-20&amp;to=2026-11-20', '2026-11-20: 50.0%, 2 runs. Open the runs of that day'],
      ['/runs?from=2026-11-22&amp;to=2026-11-22', '2026-11-22: 100.0%, 1 run. Open the runs of that day'],
    ]);
    expect(attrs(linked, 'rect class="hit"', 'width').every((w) => w >= 8)).toBe(true);
  });

  it('draws a wide frame for panels and a taller narrow one for phones, each inside its own box', () => {
    const points = [
      { day: '2026-10-24', runs: 3, passRate: 100 },
      { day: '2026-11-22', runs: 5, passRate: 0 },
    ];
    const both = String(trendChart(points, new Set(), { days: 30, label: 'capitals', endDay: '2026-11-22' }));
    expect([...both.matchAll(/<svg class="trend (trend-\w+)"[^>]* viewBox="([^"]+)"/g)].map((m) => [m[1], m[2]])).toEqual([
      ['trend-wide', '0 0 1200 160'],
      ['trend-narrow', '0 0 400 220'],
    ]);
    const narrow = String(drawTrend(points, new Set(), { days: 30, label: 'capitals', endDay: '2026-11-22' }, FRAMES.narrow));
    const cx = attrs(narrow, 'circle', 'cx');
    const cy = attrs(narrow, 'circle', 'cy');
    expect(cx).toHaveLength(2);
    for (const x of cx) expect(x).toBeGreaterThan(30);
    for (const x of cx) expect(x).toBeLessThan(400 - 6);
    // 100 % at the top of the plot, 0 % at its floor (above the 18 px of date labels).
    expect(cy).toEqual([6, 220 - 18]);
  });
});
