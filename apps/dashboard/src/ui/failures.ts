/** Groups a run's failures as "count · reason", most common first. */
import type { TestDetail } from '../data.ts';

/** The first reason a test failed: its error, a failing assertion, a failing judge verdict, the last feedback. */
export function failureReason(t: TestDetail): string {
  if (t.error) return firstLine(t.error);
  const assertion = t.doc?.assertions.find((a) => !a.passed);
  if (assertion) return firstLine(`${assertion.type}: ${assertion.message ?? 'failed'}`);
  const judge = t.doc?.judge.find((j) => !j.pass);
  if (judge) return firstLine(`judge: ${judge.reason ?? judge.rubric}`);
  const feedback = [...t.attempts].reverse().find((a) => a.feedback)?.feedback;
  return feedback ? firstLine(feedback) : 'failed (no reason recorded)';
}

export function groupFailures(tests: TestDetail[]): Array<{ reason: string; count: number }> {
  const counts = new Map<string, number>();
  for (const t of tests) if (!t.passed && !t.skipped) counts.set(failureReason(t), (counts.get(failureReason(t)) ?? 0) + 1);
  return [...counts].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 160 ? `${line.slice(0, 157)}…` : line;
}
