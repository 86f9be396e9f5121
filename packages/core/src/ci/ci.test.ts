import { describe, expect, it } from 'vitest';
import { fisherGreater, significant } from './fisher.ts';
import { CI_COMMENT_MARKER, ciMarkdown, mdCode, mdText } from './markdown.ts';
import { type CiResultRow, type CiRun, ciReport } from './report.ts';

describe('fisherGreater (one-sided Fisher exact test), against values computed by hand', () => {
  it('tea tasting: 3 of 4 vs 1 of 4 failed → (C(4,3)·C(4,1) + C(4,4)·C(4,0)) / C(8,4) = 17/70', () => {
    expect(fisherGreater({ failed: 3, total: 4 }, { failed: 1, total: 4 })).toBeCloseTo(17 / 70, 12);
  });
  it('7 of 10 vs 0 of 10 failed → C(13,3) / C(20,10) = 286/184756', () => {
    expect(fisherGreater({ failed: 7, total: 10 }, { failed: 0, total: 10 })).toBeCloseTo(286 / 184756, 12);
  });
  it('2 of 10 vs 0 of 10 failed → C(18,8) / C(20,10) = 45/190', () => {
    expect(fisherGreater({ failed: 2, total: 10 }, { failed: 0, total: 10 })).toBeCloseTo(45 / 190, 12);
  });
  it('one trial each, failed vs passed → 1/2: a single trial is never significant', () => {
    expect(fisherGreater({ failed: 1, total: 1 }, { failed: 0, total: 1 })).toBeCloseTo(0.5, 12);
  });
  it('nothing failed, or fewer failures than the baseline', () => {
    expect(fisherGreater({ failed: 0, total: 5 }, { failed: 0, total: 5 })).toBe(1);
    // 0 of 4 vs 4 of 4: the run having ≥ 0 of the failures is certain.
    expect(fisherGreater({ failed: 0, total: 4 }, { failed: 4, total: 4 })).toBeCloseTo(1, 12);
  });
  it('an exact 1/20 is not below 0.05, though its floating-point sum is', () => {
    const p = fisherGreater({ failed: 3, total: 3 }, { failed: 0, total: 3 });
    expect(p).toBeCloseTo(1 / 20, 12);
    expect(significant(p, 0.05)).toBe(false);
    expect(significant(1 / 70, 0.05)).toBe(true);
  });
  it('refuses counts that are not a table', () => {
    expect(() => fisherGreater({ failed: 3, total: 2 }, { failed: 0, total: 1 })).toThrow(/run counts/);
  });
});

const row = (test_name: string, passed: boolean, trial = 1, duration_ms: number | null = 100): CiResultRow => ({
  test_name,
  trial,
  passed,
  skipped: false,
  cost_usd: 0.001,
  duration_ms,
});

function run(id: string, results: CiResultRow[], extra: Partial<CiRun> = {}): CiRun {
  const ran = results.filter((r) => !r.skipped);
  return {
    id,
    run_key: `key-${id}`,
    repo_slug: 'acme-app',
    suite: 'starter',
    branch: 'main',
    git_sha: `${id}0000000000`,
    run_at: '2026-12-06T10:00:00Z',
    pass_rate: Math.round((10_000 * ran.filter((r) => r.passed).length) / ran.length) / 100,
    cost_usd: 0.02,
    results,
    ...extra,
  };
}

const alternating = [true, false, true, false, true, false, true, false];
const steady = [true, true, true, true, true, true, true, true];
const trials = (name: string, passed: number, total: number) => Array.from({ length: total }, (_, i) => row(name, i < passed, i + 1));

describe('ciReport: classification', () => {
  const baseline = run('base', [
    row('a', true),
    row('b', true),
    row('c', false),
    row('d', false),
    row('f', true),
    row('g', true, 1, 200),
    row('h', true),
  ]);
  const head = run(
    'head',
    [
      row('a', false, 1, 100),
      row('b', false, 1, 300),
      row('c', false),
      row('d', true),
      row('e', false),
      row('g', true),
      row('h', true, 1, 200),
    ],
    { cost_usd: 0.03, branch: 'feature' },
  );
  const history = new Map([
    ['a', steady],
    ['b', alternating],
    ['g', steady],
  ]);
  const report = ciReport(head, baseline, history);

  it('puts every test in its class, attention first', () => {
    expect(report.tests.map((t) => [t.name, t.class])).toEqual([
      ['a', 'newly-failing'],
      ['b', 'flaky'],
      ['c', 'still-failing'],
      ['d', 'fixed'],
      ['e', 'new'],
      ['f', 'removed'],
      ['g', 'passing'],
      ['h', 'passing'],
    ]);
    expect(report.counts).toEqual({ 'newly-failing': 1, flaky: 1, 'still-failing': 1, fixed: 1, new: 1, removed: 1, passing: 2 });
  });

  it('gates on the new failure only: not the known-flaky one, the still-failing one, or the new test', () => {
    expect(report.tests.filter((t) => t.gating).map((t) => t.name)).toEqual(['a']);
    expect(report.gate.stopped).toBe(true);
    expect(report.gate.reasons).toEqual(['"a" newly fails (it passed on the baseline and is not known-flaky)']);
  });

  it('compares pass rate, cost and median latency with the baseline', () => {
    // head: 4 of 7 passed (d, g, h... and a, b, c, e failed) = 42.86 %; baseline 5 of 7 = 71.43 %.
    expect(report.passRate).toEqual({ run: 42.86, baseline: 71.43, delta: -28.57 });
    expect(report.cost).toEqual({ run: 0.03, baseline: 0.02, delta: 0.01 });
    // head durations 100 100 300 100 100 100 200 → median 100; baseline 100 100 100 100 100 200 100 → 100.
    expect(report.latency).toEqual({ run: 100, baseline: 100, delta: 0 });
    // The drop rule: a, c, d, g, h (in both runs, not flaky): head 3/5 (d g h), baseline 3/5 (a g h).
    expect(report.gate.comparedRate).toEqual({ run: 60, baseline: 60, delta: 0, tests: 5, pValue: null });
  });

  it('warns when the baseline (named with --baseline) is a run of another suite or repository', () => {
    expect(report.warnings).toEqual([]);
    const odd = ciReport(head, { ...baseline, suite: 'other', repo_slug: 'acme-docs' }, history);
    expect(odd.warnings).toEqual([
      'the baseline is a run of another suite (other)',
      'the baseline is a run of another repository (acme-docs)',
    ]);
    expect(ciMarkdown([{ report: odd }])).toContain('> ⚠️ the baseline is a run of another suite (other)\n');
  });

  it("says when retention removed the baseline's results: totals compare, every test is new, nothing gates", () => {
    const pruned = ciReport(head, { ...baseline, results: [], pruned_at: '2026-12-07T10:17:00+00:00' }, history);
    expect(pruned.warnings).toEqual([
      "the baseline's per-test results were removed on 2026-12-07 under the team's retention: every test counts as new and nothing gates (name a newer baseline with --baseline)",
    ]);
    expect(pruned.counts.new).toBe(7);
    expect(pruned.gate.stopped).toBe(false);
    expect(pruned.passRate).toEqual({ run: 42.86, baseline: 71.43, delta: -28.57 });
    expect(ciMarkdown([{ report: pruned }])).toContain("> ⚠️ the baseline's per-test results were removed on 2026-12-07");
  });

  it('no baseline: every test is new and nothing gates', () => {
    const alone = ciReport(head, null, new Map());
    expect(alone.counts.new).toBe(7);
    expect(alone.gate.stopped).toBe(false);
    expect(alone.passRate.delta).toBeNull();
  });
});

describe('ciReport: the gate', () => {
  const names = ['t1', 't2', 't3', 't4', 'wobbly'];
  const base = run(
    'base',
    names.map((n) => row(n, true)),
  );
  it('a known-flaky test failing is reported, never gating (even though it costs 20 points of pass rate)', () => {
    const head = run(
      'head',
      names.map((n) => row(n, n !== 'wobbly')),
    );
    const report = ciReport(head, base, new Map([['wobbly', alternating]]));
    expect(report.tests.find((t) => t.name === 'wobbly')).toMatchObject({ class: 'flaky', knownFlaky: true, gating: false });
    expect(report.passRate.delta).toBe(-20);
    expect(report.gate.comparedRate).toMatchObject({ run: 100, baseline: 100, tests: 4 });
    expect(report.gate).toMatchObject({ stopped: false, reasons: [] });
  });

  it('the same failure of a test that is not known-flaky gates', () => {
    const head = run(
      'head',
      names.map((n) => row(n, n !== 'wobbly')),
    );
    const report = ciReport(head, base, new Map([['wobbly', steady]]));
    expect(report.gate.stopped).toBe(true);
    // Two reasons: the test, and the drop of 20 points (4/5 vs 5/5) over the threshold of 5.
    expect(report.gate.reasons).toEqual([
      '"wobbly" newly fails (it passed on the baseline and is not known-flaky)',
      "the pass rate dropped 20 points (100% → 80% over 5 tests in both runs, known-flaky ones left out), more than the team's threshold of 5",
    ]);
  });

  it('with trials, a significant drop gates: 3/10 against 10/10, p = 286/184756 ≈ 0.0015', () => {
    const report = ciReport(run('head', trials('t', 3, 10)), run('base', trials('t', 10, 10)), new Map());
    const t = report.tests[0];
    expect(t).toMatchObject({ name: 't', class: 'newly-failing', trials: true, gating: true });
    expect(t?.pValue).toBeCloseTo(286 / 184756, 12);
    expect(report.gate.stopped).toBe(true);
    expect(report.gate.reasons[0]).toBe(
      `"t" fails 7/10 trials against 0/10 on the baseline (Fisher's exact test, one-sided p = 0.0015 < 0.05)`,
    );
    expect(report.gate.reasons[1]).toMatch(/^the pass rate dropped 70 points .*p = 0\.0015 < 0\.05$/);
  });

  it('with trials, an insignificant drop does not gate: 8/10 against 10/10, p = 45/190 ≈ 0.24, though 20 points is over the threshold', () => {
    const report = ciReport(run('head', trials('t', 8, 10)), run('base', trials('t', 10, 10)), new Map());
    const t = report.tests[0];
    expect(t).toMatchObject({ name: 't', class: 'newly-failing', trials: true, gating: false });
    expect(t?.pValue).toBeCloseTo(45 / 190, 12);
    expect(report.gate.comparedRate).toMatchObject({ run: 80, baseline: 100, delta: -20 });
    expect(report.gate).toMatchObject({ stopped: false, reasons: [] });
  });

  it('too few trials to tell: 3 against 3 can never reach p < 0.05 (at best 1/C(6,3) = 0.05), 4 against 4 can (1/70)', () => {
    const three = ciReport(run('head', trials('t', 0, 3)), run('base', trials('t', 3, 3)), new Map());
    expect(three.tests[0]).toMatchObject({ class: 'newly-failing', enoughTrials: false, gating: false });
    expect(three.tests[0]?.pValue).toBeCloseTo(1 / 20, 12);
    expect(ciMarkdown([{ report: three }])).toContain(
      '| `t` | newly failing | 0/3 passed | 3/3 passed | not enough trials to tell (3 vs 3) |',
    );
    const four = ciReport(run('head', trials('t', 0, 4)), run('base', trials('t', 4, 4)), new Map());
    expect(four.tests[0]).toMatchObject({ enoughTrials: true, gating: true });
    expect(four.tests[0]?.pValue).toBeCloseTo(1 / 70, 12);
  });

  it("the drop threshold is the team's: 20 points do not gate under a threshold of 25 (and the test rule still does)", () => {
    const head = run(
      'head',
      names.map((n) => row(n, n !== 't1')),
    );
    const report = ciReport(head, base, new Map(), { thresholdPp: 25 });
    expect(report.gate.reasons).toEqual(['"t1" newly fails (it passed on the baseline and is not known-flaky)']);
  });

  it('skipped trials count as not run', () => {
    const head = run('head', [...names.filter((n) => n !== 't1').map((n) => row(n, true)), { ...row('t1', false), skipped: true }]);
    const report = ciReport(head, base, new Map());
    expect(report.tests.find((t) => t.name === 't1')?.class).toBe('removed');
    expect(report.gate.stopped).toBe(false);
  });
});

describe('ciMarkdown', () => {
  it('starts with the hidden marker and keeps hostile test names inert', () => {
    const base = run('base', [row('<img src=x onerror=alert(1)> @octocat | `x`', true)]);
    const head = run('head', [row('<img src=x onerror=alert(1)> @octocat | `x`', false)]);
    const md = ciMarkdown([
      { report: ciReport(head, base, new Map()), compareUrl: 'https://dash.example/t/acme/compare?base=base&head=head' },
    ]);
    expect(md.startsWith(`${CI_COMMENT_MARKER}\n`)).toBe(true);
    expect(md).toContain('## ❌ gstack evals: the gate stopped this run');
    expect(md).toContain('[compare with the baseline](https://dash.example/t/acme/compare?base=base&head=head)');
    expect(md).toContain('| `` <img src=x onerror=alert(1)> @octocat \\| `x` `` | newly failing | ✗ | ✓ | **gates** |');
    // In the reasons (plain text), the name is escaped and the mention broken.
    expect(md).toContain('\\<img src=x onerror=alert(1)\\> @\u200boctocat');
    // Every <img is inside a code span or escaped.
    expect(md).not.toMatch(/(?<!`` |\\)<img/);
  });

  it('one headline over several suites: how many the gate stopped; a suite without a baseline says so', () => {
    const base = run('base', [row('a', true)]);
    const stopped = ciReport(run('head', [row('a', false)]), base, new Map());
    const passed = ciReport(run('head', [row('a', true)], { suite: 'other' }), base, new Map());
    const alone = ciReport(run('head', [row('a', false)], { suite: 'fresh' }), null, new Map());
    const md = ciMarkdown([{ report: stopped }, { report: passed }, { report: alone }]);
    expect(md.split('\n')[2]).toBe('## ❌ gstack evals: the gate stopped 1 suite');
    expect(md).toContain('### ✅ other · acme-app');
    expect(md).toContain('### ✅ fresh · acme-app\nNo baseline: no earlier run of this suite on the default branch in the team store');
    expect(ciMarkdown([{ report: stopped }, { report: stopped }]).split('\n')[2]).toBe('## ❌ gstack evals: the gate stopped 2 suites');
    expect(ciMarkdown([{ report: passed }]).split('\n')[2]).toBe('## ✅ gstack evals: nothing newly broken against the baseline');
    expect(ciMarkdown([{ report: alone }]).split('\n')[2]).toBe('## ✅ gstack evals: no baseline to compare with yet');
    // A stop decides the exit code (1) over a report that could not be produced: it heads the comment, the problem follows.
    const mixed = ciMarkdown([{ report: stopped }], ['suites/b.json: the run errored']);
    expect(mixed.split('\n').slice(2, 5)).toEqual([
      '## ❌ gstack evals: the gate stopped this run',
      '',
      '- suites/b.json: the run errored',
    ]);
  });

  it('code spans and text escape what they must', () => {
    expect(mdCode('a`b')).toBe('``a`b``');
    expect(mdCode('`x')).toBe('`` `x ``');
    expect(mdCode('a|b\nc')).toBe('`a\\|b c`');
    expect(mdText('**hi** @team')).toBe('\\*\\*hi\\*\\* @\u200bteam');
  });

  it('says when a report could not be produced', () => {
    expect(ciMarkdown([], ['the team store is unreachable'])).toBe(
      `${CI_COMMENT_MARKER}\n\n## ⚠️ gstack evals: a report could not be produced\n\n- the team store is unreachable\n`,
    );
  });
});
