import { describe, expect, it } from 'vitest';
import { newlyFailing, regressionStarts, runRegression } from './regression.ts';

describe('runRegression', () => {
  it.each([
    // current, earlier (newest first), threshold, regressed, baseline, drop
    [80, [90, 92], 5, true, 91, 11],
    [88, [90, 92], 5, false, 91, 3],
    [86, [91, 91], 5, false, 91, 5], // exactly the threshold is not more than it
    [50, [90], 5, false, null, null], // one earlier run is not enough
    [50, [], 5, false, null, null],
    [70, [100, 100, 100], 20, true, 100, 30],
  ])('%d against %j (threshold %d)', (current, earlier, threshold, regressed, baseline, drop) => {
    expect(runRegression(current, earlier, threshold)).toMatchObject({ regressed, baseline, drop });
  });

  it('takes at most 19 earlier runs', () => {
    const earlier = [...Array(19).fill(100), ...Array(30).fill(0)];
    expect(runRegression(90, earlier)).toEqual({ regressed: true, baseline: 100, drop: 10, baselineRuns: 19 });
  });
});

describe('newlyFailing', () => {
  it('names failures of tests that mostly passed before, ignoring new and usually-failing tests', () => {
    const current = new Map([
      ['a', false],
      ['b', false],
      ['c', false],
      ['d', true],
      ['renamed', false],
    ]);
    const history = new Map([
      ['a', [true, true, false]],
      ['b', [true, false]], // half is not most
      ['c', [false, false, true]],
      ['d', [true]],
      ['old-name', [true, true]],
    ]);
    expect(newlyFailing(current, history)).toEqual(['a']);
  });
});

describe('regressionStarts', () => {
  it('counts a drop that persists once, and a second drop again (hand-computed)', () => {
    // Run 5: 50 vs mean(100, 100, 100, 100) = 100 → regressed; runs 6 and 7 stay below their earlier
    // means (90, 83.3) → still regressed, not new. Run 8 recovers to 100 (mean 78.6: not regressed).
    // Run 9: 40 vs mean of runs 1–8 = 81.25 → a second regression.
    expect(regressionStarts([100, 100, 100, 100, 50, 50, 50, 100, 40])).toEqual([4, 8]);
    // Too few earlier runs for a verdict: nothing.
    expect(regressionStarts([100, 10])).toEqual([]);
  });
});
