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
    const plain = String(trendChart(points, new Set(), options));
    expect(plain).toContain('role="img"');
    expect(plain).not.toContain('<a ');
    const linked = String(trendChart(points, new Set(), { ...options, pointHref: (day) => `/runs?from=${day}&to=${day}` }));
    expect(linked).toContain('role="group"');
    expect([...linked.matchAll(/<a class="point" href="([^"]+)" aria-label="([^"]+)"/g)].map((m) => [m[1], m[2]])).toEqual([
      ['/runs?from=2026-11-20&amp;to=2026-11-20', '2026-11-20: 50.0%, 2 runs. Open the runs of that day'],
      ['/runs?from=2026-11-22&amp;to=2026-11-22', '2026-11-22: 100.0%, 1 run. Open the runs of that day'],
    ]);
    expect(attrs(linked, 'rect class="hit"', 'width').every((w) => w >= 8)).toBe(true);
  });
});
