/**
 * The escalation ladder's economics and the verifier's quality, one definition
 * each for the dashboard (and anything else that reports them). The rules
 * (also in docs/data-model.md, "Ladder savings and verifier quality"):
 *
 *  - A tier's cost per attempt is its spend divided by its attempts. "Everything
 *    on tier X" prices every test that ran at one attempt of X. The top tier is
 *    the highest-numbered tier that made an attempt (t1 < t2 < … < t10).
 *    Saved = everything-on-top-tier − actual spend. Unknown (null) when no test
 *    ran or the top tier made no attempt.
 *  - A verifier decision is judged by the test's deterministic assertions (every
 *    type but `judge`) on the same answer: accepted and they failed → false
 *    accept; rejected and they passed → false reject. When the assertions were
 *    not checked (the test has none), the decision cannot be judged: it counts
 *    as unknown, never as correct.
 */

/** Spend and attempts of one ladder tier (for one suite, or the whole team). */
export interface TierSpend {
  tier: string;
  attempts: number;
  costUsd: number;
}

export interface LadderSavings {
  /** Tests that ran (each priced at one attempt in the "everything on" rows). */
  tests: number;
  actualUsd: number;
  /** Per tier, lowest first: what every test at one attempt of that tier would cost. */
  everythingOn: Array<{ tier: string; costPerAttempt: number; costUsd: number }>;
  topTier: string | null;
  /** everything on the top tier − actual; null when it cannot be told. */
  savedUsd: number | null;
  /** savedUsd as a percent of everything on the top tier; null when that is 0 or unknown. */
  savedPercent: number | null;
}

/** Orders ladder tiers t1, t2, …, t10 (numerically, not as strings); others after, by name. */
export function compareTiers(a: string, b: string): number {
  const n = (t: string) => (/^t(\d+)$/.exec(t) ? Number(/^t(\d+)$/.exec(t)?.[1]) : Number.POSITIVE_INFINITY);
  return n(a) - n(b) || a.localeCompare(b);
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

export function ladderSavings(tests: number, tiers: TierSpend[]): LadderSavings {
  const used = tiers.filter((t) => t.attempts > 0).sort((a, b) => compareTiers(a.tier, b.tier));
  const actualUsd = round6(tiers.reduce((sum, t) => sum + t.costUsd, 0));
  const everythingOn = used.map((t) => {
    const costPerAttempt = t.costUsd / t.attempts;
    return { tier: t.tier, costPerAttempt: round6(costPerAttempt), costUsd: round6(costPerAttempt * tests) };
  });
  const top = everythingOn.at(-1) ?? null;
  const savedUsd = tests > 0 && top ? round6(top.costUsd - actualUsd) : null;
  const savedPercent = savedUsd !== null && top && top.costUsd > 0 ? Math.round((savedUsd / top.costUsd) * 1000) / 10 : null;
  return { tests, actualUsd, everythingOn, topTier: top?.tier ?? null, savedUsd, savedPercent };
}

/** How a verifier decision turned out against the deterministic assertions. */
export type VerifierOutcome = 'true-accept' | 'false-accept' | 'true-reject' | 'false-reject' | 'unknown';

/**
 * One verifier decision: `accepted` is the verifier's verdict; `assertionsPassed` is whether the
 * same answer passed the test's deterministic assertions, null when they were not checked.
 */
export function verifierOutcome(accepted: boolean, assertionsPassed: boolean | null): VerifierOutcome {
  if (assertionsPassed === null) return 'unknown';
  if (accepted) return assertionsPassed ? 'true-accept' : 'false-accept';
  return assertionsPassed ? 'false-reject' : 'true-reject';
}

/** Decisions of one verifier (model, per suite or overall), counted by outcome. */
export interface VerifierQuality {
  decisions: number;
  accepts: number;
  rejects: number;
  falseAccepts: number;
  falseRejects: number;
  /** Decisions the assertions could not judge. */
  unknown: number;
  /** false accepts / accepts that could be judged, percent; null when none could. */
  falseAcceptRate: number | null;
  /** false rejects / rejects that could be judged, percent; null when none could. */
  falseRejectRate: number | null;
}

/** Counts grouped decisions: `count` decisions with the same verdict and assertion outcome. */
export function verifierQuality(
  decisions: Array<{ accepted: boolean; assertionsPassed: boolean | null; count?: number }>,
): VerifierQuality {
  const q = { decisions: 0, accepts: 0, rejects: 0, falseAccepts: 0, falseRejects: 0, unknown: 0 };
  let judgedAccepts = 0;
  let judgedRejects = 0;
  for (const d of decisions) {
    const n = d.count ?? 1;
    q.decisions += n;
    if (d.accepted) q.accepts += n;
    else q.rejects += n;
    const outcome = verifierOutcome(d.accepted, d.assertionsPassed);
    if (outcome === 'unknown') q.unknown += n;
    else if (d.accepted) judgedAccepts += n;
    else judgedRejects += n;
    if (outcome === 'false-accept') q.falseAccepts += n;
    if (outcome === 'false-reject') q.falseRejects += n;
  }
  const pct = (x: number, of: number) => (of > 0 ? Math.round((x / of) * 1000) / 10 : null);
  return { ...q, falseAcceptRate: pct(q.falseAccepts, judgedAccepts), falseRejectRate: pct(q.falseRejects, judgedRejects) };
}
