/**
 * The analytics commands on histories written by the tests: text and --json
 * output of list, compare, summary, trend, cost, watch and leaderboard.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { displayWidth } from '../../cli/width.ts';
import { writeHistory } from '../../testing/history.ts';

const bin = fileURLToPath(new URL('../../../bin/gstack.js', import.meta.url));

function workspace() {
  const state = mkdtempSync(path.join(os.tmpdir(), 'gstack-analytics-'));
  return { state, env: { PATH: process.env.PATH ?? '', HOME: state, GSTACK_STATE_DIR: state, NO_COLOR: '1' } };
}

function gstack(args: string[], env: Record<string, string>) {
  // `cost` takes a file, the others read the acme-app history.
  const repo = args[0] === 'cost' ? [] : ['--repo', 'acme-app'];
  const r = spawnSync(process.execPath, [bin, 'eval', ...args, ...repo], { env, encoding: 'utf8', cwd: os.tmpdir() });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Six runs of smoke (a flaky, b degrading, c stable, d improving) and one of deep on another branch. */
/** The result files of the acme-app history, oldest first. */
function localDocs(state: string): string[] {
  const dir = path.join(state, 'projects', 'acme-app', 'evals');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => path.join(dir, f));
}

function history(state: string) {
  const outcomes = {
    a: [true, false, true, false, true, false],
    b: [true, true, true, true, false, false],
    c: [true, true, true, true, true, true],
    d: [false, false, false, true, true, true],
  };
  const specs = outcomes.a.map((_, i) => ({
    hoursAgo: 60 - i * 10,
    tests: Object.fromEntries(
      Object.entries(outcomes).map(([name, list]) => [name, [list[i] as boolean, i % 2 ? 't2' : 't1', 0.01] as [boolean, string, number]]),
    ),
  }));
  return writeHistory(state, [
    ...specs,
    { suite: 'deep', branch: 'feature', hoursAgo: 1, hostname: 'ci-box', tests: { x: true, y: false } },
  ]);
}

describe('gstack eval list', () => {
  it('lists runs newest first with a spend total, and filters', () => {
    const { state, env } = workspace();
    const docs = history(state);
    const all = gstack(['list'], env);
    expect(all.code).toBe(0);
    const lines = all.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^run\s+when\s+suite\s+branch\s+tier\s+passed\s+cost\s+version\s+state$/);
    // Human output says when as people do; --json keeps the ISO time.
    expect(lines[1]).toMatch(
      new RegExp(`^${docs[6]?.run_id.slice(0, 8)}\\s+1 h ago\\s+deep\\s+feature\\s+ladder\\s+1/2\\s+\\$0\\.0020\\s+0\\.1\\.0$`),
    );
    expect(lines[2]).toMatch(/^\S{8}\s+10 h ago\s+smoke\s/);
    expect(lines.at(-1)).toBe('7 runs, total spend $0.2420');

    const json = JSON.parse(gstack(['list', '--suite', 'smoke', '--limit', '2', '--json'], env).stdout);
    expect(json.runs.map((r: { run_key: string; run_at: string }) => [r.run_key, r.run_at])).toEqual([
      [docs[5]?.run_id, docs[5]?.timestamp],
      [docs[4]?.run_id, docs[4]?.timestamp],
    ]);
    expect(json.total_cost_usd).toBeCloseTo(0.08);
    expect(JSON.parse(gstack(['list', '--branch', 'nope', '--json'], env).stdout).runs).toEqual([]);
  });

  it('filters by --since, refusing what is not a span or a date', () => {
    const { state, env } = workspace();
    history(state);
    // --since: the newest smoke run was 10 hours ago, the deep one 1 hour ago.
    const recent = JSON.parse(gstack(['list', '--since', '11h', '--json'], env).stdout);
    expect(recent.runs.map((r: { suite: string }) => r.suite)).toEqual(['deep', 'smoke']);
    const bad = gstack(['list', '--since', 'yesterday'], env);
    expect([bad.code, bad.stderr]).toEqual([
      2,
      'error: --since must be a span such as 7d, 12h or 30m, or a date such as 2026-11-01, not "yesterday"\n',
    ]);
  });

  it('shows a running eval in watch and not yet in list', () => {
    const { state, env } = workspace();
    const [doc] = writeHistory(state, [{ hoursAgo: 0, tests: { a: true } }]);
    const dir = path.join(state, 'projects', 'acme-app', 'evals');
    // The run is still going: its partial file, written by a process that is alive (this one).
    const partial = path.join(dir, 'killed_partial.json');
    writeFileSync(partial, JSON.stringify({ ...doc, run_id: '00000000-0000-4000-8000-00000000dead', interrupted: true, planned_tests: 3 }));
    writeFileSync(`${partial}.owner`, JSON.stringify({ pid: process.pid, hostname: os.hostname() }));
    expect(gstack(['watch', '--once'], env).stdout).toContain('1/3 done');
    expect(JSON.parse(gstack(['list', '--json'], env).stdout).runs).toHaveLength(1);
  });

  it("turns a killed run's partial file into an interrupted run in list, and watch no longer shows it", () => {
    const { state, env } = workspace();
    const [doc] = writeHistory(state, [{ hoursAgo: 0, tests: { a: true } }]);
    const dir = path.join(state, 'projects', 'acme-app', 'evals');
    const partial = path.join(dir, 'killed_partial.json');
    writeFileSync(partial, JSON.stringify({ ...doc, run_id: '00000000-0000-4000-8000-00000000dead', interrupted: true, planned_tests: 3 }));
    // It was SIGKILLed: its pid is gone.
    const gone = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
    writeFileSync(`${partial}.owner`, JSON.stringify({ pid: gone, hostname: os.hostname() }));
    expect(gstack(['watch', '--once'], env).stdout).toBe('no eval is running for acme-app; start one with gstack eval run\n');
    const list = gstack(['list'], env);
    const row = list.stdout.split('\n').find((l) => l.startsWith('00000000'));
    expect(row).toMatch(/1\/1\s+\$0\.0010\s+0\.1\.0\s+interrupted$/);
    // Each result with the summary list wrote beside it (results/summary.ts).
    const stem = `${doc?.timestamp.replace(/[:.]/g, '-')}-smoke`;
    expect(readdirSync(dir).sort()).toEqual(['killed.json', 'killed.summary', `${stem}.json`, `${stem}.summary`].sort());
  });

  it('watch --file exits 2 for a file that is not there', () => {
    const { state, env } = workspace();
    const dir = path.join(state, 'projects', 'acme-app', 'evals');
    const missing = gstack(['watch', '--file', path.join(dir, 'nope_partial.json')], env);
    expect([missing.code, missing.stderr]).toEqual([2, `error: --file: ${path.join(dir, 'nope_partial.json')}: no such file\n`]);
  });

  it('says what to run when there is nothing', () => {
    const { env } = workspace();
    expect(gstack(['list'], env).stdout).toBe('no runs yet for acme-app: run `gstack eval run <suite.yaml>`\n');
  });
});

describe('names from files', () => {
  it('list aligns CJK and emoji by display width; compare shows control characters escaped', () => {
    const { state, env } = workspace();
    const clear = '\u001b[2J';
    writeHistory(state, [
      { hoursAgo: 2, suite: '日本語', branch: 'main', tests: { [`a${clear}`]: true } },
      { hoursAgo: 1, suite: '日本語', branch: '🚀', tests: { [`a${clear}`]: false } },
      { hoursAgo: 3, suite: 'smoke', tests: { a: true } },
    ]);
    const lines = gstack(['list'], env).stdout.split('\n');
    // Each column starts at the same terminal column on every line: the header's "branch" over "🚀" and "main".
    const column = (line: string, text: string) => displayWidth(line.slice(0, line.indexOf(text)));
    expect([column(lines[1] ?? '', '🚀'), column(lines[2] ?? '', 'main'), column(lines[3] ?? '', 'main')]).toEqual(
      Array(3).fill(column(lines[0] ?? '', 'branch')),
    );
    expect(column(lines[1] ?? '', 'ladder')).toBe(column(lines[0] ?? '', 'tier'));
    const compare = gstack(['compare', '--suite', '日本語'], env);
    expect(compare.stdout).toContain('newly failing\n  ✗ a\\u001b[2J  score -1\n');
    expect(compare.stdout).not.toContain('\u001b');
  });
});

describe('gstack eval compare', () => {
  it('diffs the latest run against the previous one of its suite and branch', () => {
    const { state, env } = workspace();
    const docs = history(state);
    // The latest run is deep (feature) with only one run: name the smoke runs.
    const out = gstack(['compare', docs[3]?.run_id ?? '', docs[4]?.run_id.slice(0, 8) ?? ''], env);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('newly failing\n  ✗ b');
    expect(out.stdout).toContain('tier changes\n  a: t2 → t1');
    const json = JSON.parse(gstack(['compare', docs[2]?.run_id ?? '', docs[3]?.run_id ?? '', '--json'], env).stdout);
    expect(json.tests.map((t: { name: string; change: string }) => [t.name, t.change])).toEqual([
      ['a', 'newly-failing'],
      ['b', 'still-passing'],
      ['c', 'still-passing'],
      ['d', 'newly-passing'],
    ]);
  });

  it('never prints a cost change as "+$0.0000": a change too small to show is "<$0.0001", none is "$0"', () => {
    const { state, env } = workspace();
    writeHistory(state, [
      { hoursAgo: 3, tests: { a: [true, 't1', 0.01], b: [true, 't1', 0.02] } },
      { hoursAgo: 2, tests: { a: [true, 't1', 0.01000001], b: [true, 't1', 0.02] } },
      { hoursAgo: 1, tests: { a: [true, 't1', 0.01000001], b: [true, 't1', 0.02] } },
    ]);
    const docs = localDocs(state);
    const tiny = gstack(['compare', docs[0] ?? '', docs[1] ?? ''], env);
    expect(tiny.stdout).not.toContain('$0.0000');
    expect(tiny.stdout).toContain('cost +<$0.0001)');
    expect(tiny.stdout).toContain('cost changes\n  a: +<$0.0001\n');
    const none = gstack(['compare', docs[1] ?? '', docs[2] ?? ''], env);
    expect(none.stdout).toContain(', cost $0)');
    expect(none.stdout).not.toContain('cost changes');
  });

  it('warns when the suite file changed, and needs two runs', () => {
    const { state, env } = workspace();
    writeHistory(state, [
      { hoursAgo: 2, tests: { a: true } },
      { hoursAgo: 1, tests: { a: true }, promptSha: 'p2' },
    ]);
    expect(gstack(['compare'], env).stdout).toContain('warning: the suite file changed between the runs');
    const lonely = workspace();
    writeHistory(lonely.state, [{ hoursAgo: 1, tests: { a: true } }]);
    const out = gstack(['compare'], lonely.env);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('need two runs of one suite to compare');
  });

  it('defaults to the two latest runs of the most recent suite that has two, or of --suite', () => {
    const { state, env } = workspace();
    const docs = history(state);
    // deep (newest) has one run: smoke's two latest are compared.
    const auto = JSON.parse(gstack(['compare', '--json'], env).stdout);
    expect([auto.before.run_id, auto.after.run_id]).toEqual([docs[4]?.run_id, docs[5]?.run_id]);
    const suite = gstack(['compare', '--suite', 'deep'], env);
    expect([suite.code, suite.stderr]).toEqual([
      2,
      'error: need two runs of suite deep to compare (gstack eval list --suite deep shows its runs)\n',
    ]);
  });

  it('compares one named run with the newest run of its suite', () => {
    const { state, env } = workspace();
    const docs = history(state);
    // One run named: compared with the newest run of its suite.
    const one = JSON.parse(gstack(['compare', docs[1]?.run_id.slice(0, 8) ?? '', '--json'], env).stdout);
    expect([one.before.run_id, one.after.run_id]).toEqual([docs[1]?.run_id, docs[5]?.run_id]);
  });
});

describe('gstack eval show', () => {
  it("prints one run's tests with their ladder attempts, found by a run id prefix", () => {
    const { state, env } = workspace();
    const docs = history(state);
    const doc = docs[6];
    const out = gstack(['show', doc?.run_id.slice(0, 8) ?? ''], env);
    expect(out.code).toBe(0);
    const lines = out.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^deep  run ${doc?.run_id.slice(0, 8)}  .*  feature  ladder$`));
    expect(lines[1]).toMatch(/^1\/2 passed \(50\.0%\)/);
    expect(out.stdout).toContain('✓ x  general  t1 local/t1');
    expect(out.stdout).toContain('✗ y  general  t1 local/t1');
    const missing = gstack(['show', 'ffffffff'], env);
    expect([missing.code, missing.stderr]).toEqual([2, 'error: ffffffff: no such file or run id\n']);
  });
});

describe('gstack eval trend', () => {
  it('classifies each test, attention first, with sparkline and streak', () => {
    const { state, env } = workspace();
    history(state);
    const out = gstack(['trend', '--suite', 'smoke'], env);
    const rows = out.stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(/\s{2,}/));
    expect(rows).toEqual([
      ['smoke', 'a', 'flaky', '✓✗✓✗✓✗', '1✗', '50%'],
      ['smoke', 'b', 'degrading', '✓✓✓✓✗✗', '2✗', '67%'],
      ['smoke', 'd', 'improving', '✗✗✗✓✓✓', '3✓', '50%'],
      ['smoke', 'c', 'stable-pass', '✓✓✓✓✓✓', '6✓', '100%'],
    ]);
    const json = JSON.parse(gstack(['trend', '--test', 'b', '--limit', '3', '--json'], env).stdout);
    expect(json.tests).toHaveLength(1);
    expect(json.tests[0]).toMatchObject({ test: 'b', classification: 'degrading', sparkline: '✓✗✗' });
  });
});

describe('gstack eval summary', () => {
  it('reports runs, spend, pass rates by suite and branch, and flaky tests', () => {
    const { state, env } = workspace();
    history(state);
    const json = JSON.parse(gstack(['summary', '--json'], env).stdout);
    expect(json).toMatchObject({
      runs: 7,
      by_suite: [
        { key: 'deep', runs: 1, pass_rate: 50 },
        { key: 'smoke', runs: 6, pass_rate: 66.67 },
      ],
      by_branch: [
        { key: 'feature', runs: 1, pass_rate: 50 },
        { key: 'main', runs: 6, pass_rate: 66.67 },
      ],
      flaky: [{ suite: 'smoke', test: 'a', sparkline: '✓✗✓✗✓✗', pass_rate: 50 }],
    });
    expect(json.spend_usd).toBeCloseTo(0.242);
    const text = gstack(['summary'], env).stdout;
    expect(text).toMatch(/^7 runs from \S+ to \S+ \(last 1 h ago\), \$0\.2420 spent/);
    // Every group is a table with a header row.
    expect(text).toMatch(/\nsuite\s+runs\s+pass\ndeep\s+1\s+50\.0%\nsmoke\s+6\s+66\.7%\n/);
    expect(text).toMatch(/\nbranch\s+runs\s+pass\nfeature\s+1\s+50\.0%\nmain\s+6\s+66\.7%\n/);
    expect(text).toMatch(/\nflaky test\s+history\s+pass\nsmoke › a\s+✓✗✓✗✓✗\s+50%\n$/);
    // One repository, read locally: no repo or person table.
    expect(text).not.toMatch(/\n(repo|person)\s+runs/);
  });
});

describe('gstack eval cost', () => {
  it('breaks a run down by model with exact/estimated and what-if', () => {
    const { state, env } = workspace();
    const [doc] = writeHistory(state, [{ hoursAgo: 1, tests: { a: true, b: false } }]);
    const file = path.join(state, 'projects', 'acme-app', 'evals', `${doc?.timestamp.replace(/[:.]/g, '-')}-smoke.json`);
    const out = gstack(['cost', file], env);
    expect(out.stdout).toMatch(/local\/t1\s+system\s+2\s+0\s+0\s+0\s+0\s+\$0\.0020\s+estimated/);
    expect(out.stdout).toContain('total $0.0020 = system under test $0.0020 + judge $0');
    expect(JSON.parse(gstack(['cost', file, '--json'], env).stdout)).toMatchObject({ total_usd: 0.002, system_usd: 0.002, judge_usd: 0 });
    const missing = gstack(['cost', path.join(state, 'nope.json')], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.json: no such file');

    // Push limits are for pushing: a run with a huge answer still has a cost report.
    const huge = path.join(state, 'huge.json');
    writeFileSync(huge, JSON.stringify({ ...doc, all_results: doc?.all_results.map((r) => ({ ...r, output: 'x'.repeat(250_000) })) }));
    expect(gstack(['cost', huge], env).code).toBe(0);
  });
});

describe('gstack eval cache', () => {
  it('stats is a table with a header row and a total; counts say their noun', () => {
    const { env } = workspace();
    const stats = spawnSync(process.execPath, [bin, 'eval', 'cache', 'stats'], { env, encoding: 'utf8' });
    expect(stats.stdout.split('\n').map((l) => l.split(/\s+/))).toEqual([['suite', 'entries', 'size'], ['total', '0', '0', 'B'], ['']]);
    const verify = spawnSync(process.execPath, [bin, 'eval', 'cache', 'verify'], { env, encoding: 'utf8' });
    expect(verify.stdout).toBe('checked 0 entries, 0 bad\n');
  });
});

describe('gstack eval watch', () => {
  it('renders a running eval from its partial file', () => {
    const { state, env } = workspace();
    const [doc] = writeHistory(state, [{ hoursAgo: 0, tests: { a: true, b: false } }]);
    const partial = path.join(state, 'projects', 'acme-app', 'evals', 'x_partial.json');
    writeFileSync(partial, JSON.stringify({ ...doc, planned_tests: 4 }));
    const out = gstack(['watch', '--once'], env);
    expect(out.stdout).toBe('smoke  ██████████░░░░░░░░░░ 2/4 done  ✓1 ✗1  $0.0020\n  ✓ a  t1 local/t1\n  ✗ b  t1 local/t1\n');
    const idle = workspace();
    expect(gstack(['watch', '--once'], idle.env).stdout).toContain('no eval is running');
  });
});

describe('gstack eval leaderboard', () => {
  it('ranks machines by runs in the window, with streaks', () => {
    const { state, env } = workspace();
    history(state);
    const json = JSON.parse(gstack(['leaderboard', '--days', '7', '--json'], env).stdout);
    expect(json.entries.map((e: { name: string; runs: number }) => [e.name, e.runs])).toEqual([
      ['laptop', 6],
      ['ci-box', 1],
    ]);
    expect(json.entries[1]).toMatchObject({ pass_rate: 50, streak: 1 });
  });
});
