/**
 * The escalation ladder's economics, one definition for the dashboard (and
 * anything else that reports them). The rules (also in docs/data-model.md,
 * "Ladder savings and verifier quality"):
 *
 *  - A tier's cost per attempt is its spend divided by its attempts. "Everything
 *    on tier X" prices every test that ran at one attempt of X. The top tier is
 *    the highest-numbered tier that made an attempt (t1 < t2 < … < t10).
 *    Saved = everything-on-top-tier − actual spend. Unknown (null) when no test
 *    ran or the top tier made no attempt.
 *  - The verifier's quality (against people and the assertions) is in verifier.ts.
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
