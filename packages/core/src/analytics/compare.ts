/** The per-test difference between two runs of a suite. */
import type { StandardEvalResult, TestResult } from '../eval-result.ts';

/** How a test changed between a base and a head run. */
export type TestChange = 'newly-failing' | 'newly-passing' | 'still-failing' | 'still-passing' | 'added' | 'removed';

/** What a lead reads first: regressions, then fixes, then what still fails, then the rest. */
export const CHANGE_ORDER: readonly TestChange[] = ['newly-failing', 'newly-passing', 'still-failing', 'added', 'removed', 'still-passing'];

/** The one rule for a test's change (absent on a side: added or removed). */
export function testChange(base: { passed: boolean } | null | undefined, head: { passed: boolean } | null | undefined): TestChange {
  if (!base) return 'added';
  if (!head) return 'removed';
  if (base.passed && !head.passed) return 'newly-failing';
  if (!base.passed && head.passed) return 'newly-passing';
  return head.passed ? 'still-passing' : 'still-failing';
}

export interface TestDiff {
  name: string;
  change: TestChange;
  scoreDelta: number | null;
  costDelta: number | null;
  tierBefore: string | null;
  tierAfter: string | null;
}

export interface RunComparison {
  warnings: string[];
  tests: TestDiff[];
  passRateDelta: number | null;
  costDelta: number;
}

/** One outcome per test name: a test with trials passed only if every trial passed. */
function byName(doc: StandardEvalResult): Map<string, TestResult & { allPassed: boolean }> {
  const map = new Map<string, TestResult & { allPassed: boolean }>();
  for (const r of doc.all_results) {
    const prev = map.get(r.name);
    map.set(r.name, { ...r, allPassed: (prev?.allPassed ?? true) && r.passed });
  }
  return map;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

export function compareRuns(before: StandardEvalResult, after: StandardEvalResult): RunComparison {
  const warnings: string[] = [];
  if (before.suite !== after.suite) warnings.push(`different suites: ${before.suite} vs ${after.suite}`);
  else if (before.prompt_sha && after.prompt_sha && before.prompt_sha !== after.prompt_sha)
    warnings.push('the suite file changed between the runs (prompt_sha differs)');
  if (before.schema_version !== after.schema_version)
    warnings.push(`schema versions differ: ${before.schema_version} vs ${after.schema_version}`);
  const a = byName(before);
  const b = byName(after);
  const names = [...new Set([...a.keys(), ...b.keys()])].sort();
  const tests = names.map((name): TestDiff => {
    const x = a.get(name);
    const y = b.get(name);
    return {
      name,
      change: testChange(x && { passed: x.allPassed }, y && { passed: y.allPassed }),
      scoreDelta: x?.score != null && y?.score != null ? round(y.score - x.score, 4) : null,
      costDelta: x && y ? round(y.cost_usd - x.cost_usd, 8) : null,
      tierBefore: x?.resolved_tier ?? null,
      tierAfter: y?.resolved_tier ?? null,
    };
  });
  return {
    warnings,
    tests,
    passRateDelta: before.pass_rate !== null && after.pass_rate !== null ? round(after.pass_rate - before.pass_rate, 2) : null,
    costDelta: round(after.cost_usd - before.cost_usd, 8),
  };
}
