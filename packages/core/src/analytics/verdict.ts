/**
 * Who decided a verdict. A ladder attempt is accepted or rejected by one of a
 * few sources (a self-certifying tier, the LLM verifier, the test's
 * deterministic assertions) or fails with an error; a test passes or fails by
 * its assertions, among them `judge` rubrics. Pages label every verdict with
 * its source so a green "accept" that a tier gave itself is not mistaken for a
 * checked one. One definition, used by every page that shows attempts.
 */

/** The attempt fields the source is read from (a pushed document's attempt; older ones lack some). */
export interface AttemptForSource {
  verdict: 'accept' | 'escalate' | 'error';
  self_certified?: boolean | null;
  self_certify_rule?: 'entry' | 'provider' | 'last_tier' | 'only_model' | null;
  assertions_passed?: boolean | null;
  verifier?: { model: string; cached: boolean; accept: boolean; audit?: boolean | null; error?: boolean | null } | null;
}

export type VerdictSourceKind =
  | 'error'
  | 'self-certified'
  | 'unchecked'
  | 'verifier-accept'
  | 'verifier-reject'
  | 'verifier-error'
  | 'assertions-failed'
  | 'assertions-passed';

export interface VerdictSource {
  kind: VerdictSourceKind;
  /** What the page shows, e.g. "verifier reject (cached)" or "self-certified: last tier of the chain". */
  label: string;
  /** For an audited answer: what the verifier said although the assertions had decided. */
  audit?: string;
}

const SELF_CERTIFY_RULES: Record<string, string> = {
  entry: "the chain entry's self_certify",
  provider: "the provider's self_certify",
  last_tier: 'last tier of the chain',
  only_model: 'one-model run (--model or --tier)',
};

export function attemptVerdictSource(a: AttemptForSource): VerdictSource {
  if (a.verdict === 'error') return { kind: 'error', label: 'error (no answer to judge)' };
  const v = a.verifier ?? null;
  const freshness = v ? (v.cached ? 'cached' : 'fresh') : '';
  const audit = v?.audit ? `audit: verifier would ${v.accept ? 'accept' : 'reject'} (${freshness})` : undefined;
  if (a.verdict === 'accept') {
    if (v && !v.audit) return { kind: 'verifier-accept', label: `verifier accept (${freshness})` };
    if (a.self_certified || a.self_certify_rule === 'only_model') {
      const rule = a.self_certify_rule ? SELF_CERTIFY_RULES[a.self_certify_rule] : 'rule not recorded';
      return {
        kind: a.self_certified ? 'self-certified' : 'unchecked',
        label: `${a.self_certified ? 'self-certified' : 'not verified'}: ${rule}`,
      };
    }
    if (a.assertions_passed === true) return { kind: 'assertions-passed', label: 'deterministic assertions passed (no verifier)' };
    return { kind: 'unchecked', label: 'accepted without a check' };
  }
  // Rejected (escalate).
  if (a.assertions_passed === false) return { kind: 'assertions-failed', label: 'deterministic assertions failed', audit };
  if (v && !v.audit && !v.error && !v.accept) return { kind: 'verifier-reject', label: `verifier reject (${freshness})` };
  return { kind: 'verifier-error', label: 'verifier error (no verdict)' };
}

/**
 * A test that errored: no model gave an answer (output null), or some attempt failed with an
 * error. Assertion and judge failures are failures, not errors.
 */
export function testErrored(t: { skipped?: boolean; output?: string | null; attempts: Array<{ verdict: string }> }): boolean {
  if (t.skipped) return false;
  return t.output === null || t.attempts.some((a) => a.verdict === 'error');
}

/**
 * The attempt whose answer is the test's output: the accepted one, else (every tier rejected)
 * the strongest tier that answered, as the ladder picks it; null when none answered.
 */
export function finalAttempt<A extends { attempt: number; verdict: string }>(attempts: A[]): A | null {
  const sorted = [...attempts].sort((a, b) => a.attempt - b.attempt);
  return sorted.find((a) => a.verdict === 'accept') ?? sorted.filter((a) => a.verdict !== 'error').at(-1) ?? null;
}

/**
 * Who decided a test's pass or fail: its assertions (deterministic ones and `judge` rubrics,
 * named apart), or the ladder when no tier's answer was accepted or none came back.
 */
export function testVerdictSource(t: {
  passed: boolean;
  skipped?: boolean;
  output?: string | null;
  assertions: Array<{ type: string; passed: boolean }>;
  judge: Array<{ model: string; pass: boolean; cached?: boolean }>;
}): string {
  if (t.skipped) return 'skipped';
  if (t.output === null) return 'no model answered';
  const deterministic = t.assertions.filter((a) => a.type !== 'judge');
  const failedChecks = deterministic.filter((a) => !a.passed).map((a) => a.type);
  const failedJudges = t.judge.filter((j) => !j.pass).map((j) => `judge ${j.model}${j.cached ? ' (cached)' : ''}`);
  if (!t.passed) {
    const by = [...(failedChecks.length ? [`deterministic assertions failed (${failedChecks.join(', ')})`] : []), ...failedJudges];
    return by.length ? `failed by ${by.join('; ')}` : 'failed: no tier’s answer was accepted';
  }
  const parts = [
    ...(deterministic.length ? [`${deterministic.length} deterministic assertion${deterministic.length === 1 ? '' : 's'}`] : []),
    ...t.judge.map((j) => `judge ${j.model}${j.cached ? ' (cached)' : ''}`),
  ];
  return parts.length ? `passed by ${parts.join('; ')}` : 'passed: no assertions (the accepted answer)';
}
