/**
 * How good the ladder's verifier is, measured against two independent ground
 * truths: people (answer reviews: "correct" or "incorrect") and the test's
 * deterministic assertions on the same answer (every type but `judge`; the
 * audit sample makes the verifier also judge answers that failed them). One
 * definition for the dashboard, the docs (docs/dashboard-insights.md) and the
 * tests:
 *
 *  - A decision is the verifier's accept or reject of one answer.
 *  - Agreement: decisions whose verdict matches the ground truth (accept and
 *    right, reject and wrong) over the decisions that truth has a label for.
 *  - False accept rate: of the answers the truth calls wrong, the share the
 *    verifier accepted. False reject rate: of the answers it calls right, the
 *    share the verifier rejected. (The denominators are the truth's classes,
 *    as for biometric FAR/FRR, so a sample with no wrong answers says "not
 *    enough" instead of 0 %.)
 *  - Every rate comes with its count, its denominator and a 95 % Wilson score
 *    interval; below MIN_SAMPLE labelled answers it is reported as not enough.
 *  - An answer several people reviewed takes the majority label; a tie has no
 *    label (it counts as reviewed-but-disputed, never as right or wrong).
 */

/** Labelled answers a rate needs before the dashboard shows it. */
export const MIN_SAMPLE = 10;

/**
 * The 95 % Wilson score interval of k successes in n trials, as fractions.
 * Written out rather than imported: it is one formula, and the npm packages
 * that offer it (wilson-score and the like) are unmaintained; simple-statistics
 * has no binomial interval.
 */
export function wilsonInterval(k: number, n: number, z = 1.959964): { low: number; high: number } | null {
  if (n <= 0) return null;
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** One rate as the dashboard shows it: k of n, percent, 95 % interval, and whether n is enough. */
export interface RateEstimate {
  count: number;
  of: number;
  /** k / n in percent (one decimal); null when n is 0. */
  percent: number | null;
  /** The 95 % Wilson interval in percent (one decimal); null when n is 0. */
  low: number | null;
  high: number | null;
  /** n ≥ MIN_SAMPLE: only then is the rate shown as a number. */
  enough: boolean;
}

const pct1 = (x: number) => Math.round(x * 1000) / 10;

export function rateEstimate(count: number, of: number, min = MIN_SAMPLE): RateEstimate {
  const ci = wilsonInterval(count, of);
  return {
    count,
    of,
    percent: of > 0 ? pct1(count / of) : null,
    low: ci ? pct1(ci.low) : null,
    high: ci ? pct1(ci.high) : null,
    enough: of >= min,
  };
}

/** A rate in words: "10 of 11 (90.9%, 95% CI 62.3–98.4%)", or "1 of 4 (not enough: 10 needed)", "none". */
export function describeRate(r: RateEstimate): string {
  if (r.of === 0) return 'none';
  if (!r.enough || r.percent === null) return `${r.count} of ${r.of} (not enough: ${MIN_SAMPLE} needed)`;
  return `${r.count} of ${r.of} (${r.percent}%, 95% CI ${r.low}–${r.high}%)`;
}

/** How a verifier decision turned out against a ground truth (null: the truth has no label). */
export type VerifierOutcome = 'true-accept' | 'false-accept' | 'true-reject' | 'false-reject' | 'unknown';

export function verifierOutcome(accepted: boolean, right: boolean | null): VerifierOutcome {
  if (right === null) return 'unknown';
  if (accepted) return right ? 'true-accept' : 'false-accept';
  return right ? 'false-reject' : 'true-reject';
}

/** The verifier against one ground truth. */
export interface TruthAgreement {
  /** Decisions this truth has a label for. */
  labelled: number;
  /** Answers the truth calls right / wrong. */
  right: number;
  wrong: number;
  agreement: RateEstimate;
  /** Accepted among the wrong answers. */
  falseAccepts: RateEstimate;
  /** Rejected among the right answers. */
  falseRejects: RateEstimate;
}

export interface VerifierQuality {
  decisions: number;
  accepts: number;
  rejects: number;
  /** Decisions made for the audit sample (on answers that had failed the assertions). */
  audits: number;
  /** Decisions on answers people reviewed, and those whose reviewers tied. */
  reviewed: number;
  disputed: number;
  people: TruthAgreement;
  assertions: TruthAgreement;
}

/** One group of identical decisions (the SQL aggregate's row). */
export interface VerifierDecision {
  accepted: boolean;
  /** The deterministic assertions on the same answer; null when not checked. */
  assertionsPassed: boolean | null;
  /** Reviews of the answer: how many said correct, how many incorrect (0/0: not reviewed). */
  reviewsCorrect?: number;
  reviewsIncorrect?: number;
  audit?: boolean;
  count?: number;
}

/** The people's label of an answer: the majority of its reviews; null when unreviewed or tied. */
export function peopleLabel(correct: number, incorrect: number): boolean | null {
  if (correct === incorrect) return null;
  return correct > incorrect;
}

function agreementWith(decisions: Array<{ accepted: boolean; right: boolean | null; n: number }>): TruthAgreement {
  let right = 0;
  let wrong = 0;
  let agree = 0;
  let fa = 0;
  let fr = 0;
  for (const d of decisions) {
    const outcome = verifierOutcome(d.accepted, d.right);
    if (outcome === 'unknown') continue;
    if (d.right) right += d.n;
    else wrong += d.n;
    if (outcome === 'true-accept' || outcome === 'true-reject') agree += d.n;
    if (outcome === 'false-accept') fa += d.n;
    if (outcome === 'false-reject') fr += d.n;
  }
  return {
    labelled: right + wrong,
    right,
    wrong,
    agreement: rateEstimate(agree, right + wrong),
    falseAccepts: rateEstimate(fa, wrong),
    falseRejects: rateEstimate(fr, right),
  };
}

/** Counts grouped decisions against people and against the assertions. */
export function verifierQuality(decisions: VerifierDecision[]): VerifierQuality {
  let total = 0;
  let accepts = 0;
  let audits = 0;
  let reviewed = 0;
  let disputed = 0;
  for (const d of decisions) {
    const n = d.count ?? 1;
    total += n;
    if (d.accepted) accepts += n;
    if (d.audit) audits += n;
    const c = d.reviewsCorrect ?? 0;
    const i = d.reviewsIncorrect ?? 0;
    if (c + i > 0) reviewed += n;
    if (c + i > 0 && c === i) disputed += n;
  }
  const people = agreementWith(
    decisions.map((d) => ({ accepted: d.accepted, right: peopleLabel(d.reviewsCorrect ?? 0, d.reviewsIncorrect ?? 0), n: d.count ?? 1 })),
  );
  const assertions = agreementWith(decisions.map((d) => ({ accepted: d.accepted, right: d.assertionsPassed, n: d.count ?? 1 })));
  return { decisions: total, accepts, rejects: total - accepts, audits, reviewed, disputed, people, assertions };
}
