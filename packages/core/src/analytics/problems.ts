/**
 * The team-wide problem list: every test classified by the one trend rule
 * (trend.ts, over its newest TREND_RULES.window outcomes) and put in one of
 * four groups, each with the run it dates from:
 *
 *  - failing: stable-fail; since = the first run of the current failing streak
 *    in the history read (`sinceAtLeast` when the streak covers all of it)
 *  - degrading: degrading; since = the first run of the current failing streak
 *  - flaky: flaky; since = the run of the window's first flip; flips counted
 *  - newly-passing: improving; since = the first run of the current passing streak
 *
 * stable-pass tests are no problem and are left out. Groups come in that order;
 * within a group the newest problem (latest `since`) first.
 */
import { classifyTrend, type TestTrend } from './trend.ts';

export interface RunOutcome {
  run_id: string;
  run_at: string;
  sha: string | null;
  passed: boolean;
}

export type ProblemKind = 'failing' | 'degrading' | 'flaky' | 'newly-passing';

export const PROBLEM_KINDS: readonly ProblemKind[] = ['failing', 'degrading', 'flaky', 'newly-passing'];

export interface ProblemTest {
  repo_slug: string;
  suite: string;
  test: string;
  kind: ProblemKind;
  trend: TestTrend;
  /** The run the problem dates from (see the module comment). */
  since: RunOutcome;
  /** The streak reaches back past the history read: it started at `since` or earlier. */
  sinceAtLeast: boolean;
  latest: RunOutcome;
}

const KIND: Partial<Record<TestTrend['classification'], ProblemKind>> = {
  'stable-fail': 'failing',
  degrading: 'degrading',
  flaky: 'flaky',
  improving: 'newly-passing',
};

/** The first outcome of the run of identical outcomes at the end, and whether it is the very first. */
function streakStart(outcomes: RunOutcome[]): { start: RunOutcome; all: boolean } {
  const last = outcomes.at(-1) as RunOutcome;
  let i = outcomes.length - 1;
  while (i > 0 && outcomes[i - 1]?.passed === last.passed) i -= 1;
  return { start: outcomes[i] as RunOutcome, all: i === 0 };
}

/** Classifies each test's history (outcomes oldest first); stable passes are left out. */
export function problemTests(
  rows: Array<{ repo_slug: string; suite: string; test_name: string; outcomes: RunOutcome[] }>,
  window?: number,
): ProblemTest[] {
  const out: ProblemTest[] = [];
  for (const row of rows) {
    if (!row.outcomes.length) continue;
    const trend = classifyTrend(
      row.outcomes.map((o) => o.passed),
      window,
    );
    const kind = KIND[trend.classification];
    if (!kind) continue;
    let since: RunOutcome;
    let sinceAtLeast = false;
    if (kind === 'flaky') {
      const inWindow = row.outcomes.slice(-trend.outcomes.length);
      const flip = inWindow.findIndex((o, i) => i > 0 && o.passed !== inWindow[i - 1]?.passed);
      since = inWindow[Math.max(flip, 0)] as RunOutcome;
    } else {
      const streak = streakStart(row.outcomes);
      since = streak.start;
      sinceAtLeast = streak.all;
    }
    out.push({
      repo_slug: row.repo_slug,
      suite: row.suite,
      test: row.test_name,
      kind,
      trend,
      since,
      sinceAtLeast,
      latest: row.outcomes.at(-1) as RunOutcome,
    });
  }
  return out.sort(
    (a, b) =>
      PROBLEM_KINDS.indexOf(a.kind) - PROBLEM_KINDS.indexOf(b.kind) ||
      Date.parse(b.since.run_at) - Date.parse(a.since.run_at) ||
      a.repo_slug.localeCompare(b.repo_slug) ||
      a.suite.localeCompare(b.suite) ||
      a.test.localeCompare(b.test),
  );
}

/** How many tests are in each group. */
export function problemCounts(problems: ProblemTest[]): Record<ProblemKind, number> {
  const counts = { failing: 0, degrading: 0, flaky: 0, 'newly-passing': 0 };
  for (const p of problems) counts[p.kind] += 1;
  return counts;
}
