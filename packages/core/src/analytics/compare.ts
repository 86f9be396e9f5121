/** The per-test difference between two runs of a suite. */
import type { StandardEvalResult, TestResult } from '../eval-result.ts';

export interface TestDiff {
  name: string;
  change: 'newly-failing' | 'newly-passing' | 'still-failing' | 'still-passing' | 'added' | 'removed';
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
    let change: TestDiff['change'];
    if (!x) change = 'added';
    else if (!y) change = 'removed';
    else if (x.allPassed && !y.allPassed) change = 'newly-failing';
    else if (!x.allPassed && y.allPassed) change = 'newly-passing';
    else change = y.allPassed ? 'still-passing' : 'still-failing';
    return {
      name,
      change,
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
