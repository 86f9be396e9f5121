import { describe, expect, it } from 'vitest';
import { describeRate, MIN_SAMPLE, peopleLabel, rateEstimate, verifierOutcome, verifierQuality, wilsonInterval } from './verifier.ts';

describe('the 95 % Wilson interval', () => {
  it('matches the published values (1 of 10: 1.79–40.4 %; 0 of 10: 0–27.8 %; 5 of 10: 23.7–76.3 %)', () => {
    const r = (k: number, n: number) => {
      const ci = wilsonInterval(k, n);
      return ci && [Math.round(ci.low * 10_000) / 10_000, Math.round(ci.high * 10_000) / 10_000];
    };
    expect(r(1, 10)).toEqual([0.0179, 0.4042]);
    expect(r(0, 10)).toEqual([0, 0.2775]);
    expect(r(5, 10)).toEqual([0.2366, 0.7634]);
    expect(r(10, 10)).toEqual([0.7225, 1]);
    expect(wilsonInterval(0, 0)).toBeNull();
  });

  it('reports count, denominator, percent and interval, and whether the sample is enough', () => {
    expect(rateEstimate(1, 10)).toEqual({ count: 1, of: 10, percent: 10, low: 1.8, high: 40.4, enough: true });
    expect(rateEstimate(0, 0)).toEqual({ count: 0, of: 0, percent: null, low: null, high: null, enough: false });
    expect(rateEstimate(0, MIN_SAMPLE - 1).enough).toBe(false);
  });
});

describe('verifier quality', () => {
  it('judges a decision by a ground truth on the same answer', () => {
    expect(verifierOutcome(true, true)).toBe('true-accept');
    expect(verifierOutcome(true, false)).toBe('false-accept');
    expect(verifierOutcome(false, true)).toBe('false-reject');
    expect(verifierOutcome(false, false)).toBe('true-reject');
    expect(verifierOutcome(false, null)).toBe('unknown');
  });

  it("takes the people's majority; a tie is no label", () => {
    expect(peopleLabel(2, 1)).toBe(true);
    expect(peopleLabel(0, 1)).toBe(false);
    expect(peopleLabel(1, 1)).toBeNull();
    expect(peopleLabel(0, 0)).toBeNull();
  });

  it('counts rates over the truth classes, against people and assertions apart (hand-computed)', () => {
    const q = verifierQuality([
      // 6 accepts the assertions passed; people reviewed 4 of them: 3 correct, 1 incorrect.
      { accepted: true, assertionsPassed: true, reviewsCorrect: 1, count: 3 },
      { accepted: true, assertionsPassed: true, reviewsIncorrect: 1 },
      { accepted: true, assertionsPassed: true, count: 2 },
      // 2 audited answers that failed the assertions: the verifier accepted 1 (people agree it is wrong).
      { accepted: true, assertionsPassed: false, audit: true, reviewsIncorrect: 2 },
      { accepted: false, assertionsPassed: false, audit: true },
      // 3 rejects of answers the assertions passed: people say 2 wrong, 1 disputed.
      { accepted: false, assertionsPassed: true, reviewsIncorrect: 1, count: 2 },
      { accepted: false, assertionsPassed: true, reviewsCorrect: 1, reviewsIncorrect: 1 },
      // 1 reject no assertions could judge.
      { accepted: false, assertionsPassed: null },
    ]);
    expect([q.decisions, q.accepts, q.rejects, q.audits, q.reviewed, q.disputed]).toEqual([12, 7, 5, 2, 8, 1]);
    // Assertions: right = 6 + 3 = 9 (3 false rejects), wrong = 2 (1 false accept); agree 6 + 1 = 7 of 11.
    expect(q.assertions).toMatchObject({ labelled: 11, right: 9, wrong: 2 });
    expect([q.assertions.agreement.count, q.assertions.agreement.of]).toEqual([7, 11]);
    expect([q.assertions.falseAccepts.count, q.assertions.falseAccepts.of, q.assertions.falseAccepts.enough]).toEqual([1, 2, false]);
    expect([q.assertions.falseRejects.count, q.assertions.falseRejects.of, q.assertions.falseRejects.percent]).toEqual([3, 9, 33.3]);
    // People: labelled 3 correct-accepts, 1 incorrect-accept, 1 incorrect audit accept, 2 incorrect rejects (tie unlabelled).
    // right = 3 (0 rejected), wrong = 4 (2 accepted); agree 3 + 2 = 5 of 7.
    expect(q.people).toMatchObject({ labelled: 7, right: 3, wrong: 4 });
    expect([q.people.agreement.count, q.people.agreement.of, q.people.agreement.percent]).toEqual([5, 7, 71.4]);
    expect([q.people.falseAccepts.count, q.people.falseAccepts.of]).toEqual([2, 4]);
    expect([q.people.falseRejects.count, q.people.falseRejects.of, q.people.falseRejects.enough]).toEqual([0, 3, false]);
  });

  it('has no rate (not 0 %) when the truth has no label of a class', () => {
    // Verifier asked only after the assertions passed: no wrong answers, so no false-accept rate.
    const q = verifierQuality([{ accepted: true, assertionsPassed: true, count: 20 }]);
    expect(q.assertions.falseAccepts).toMatchObject({ count: 0, of: 0, percent: null, enough: false });
    expect(q.assertions.falseRejects).toMatchObject({ count: 0, of: 20, percent: 0, enough: true, high: 16.1 });
    expect(q.people.labelled).toBe(0);
  });
});

describe('a rate in words', () => {
  it('gives count, denominator, percent and interval, or says why not', () => {
    expect(describeRate(rateEstimate(8, 10))).toBe('8 of 10 (80%, 95% CI 49–94.3%)');
    expect(describeRate(rateEstimate(1, 4))).toBe('1 of 4 (not enough: 10 needed)');
    expect(describeRate(rateEstimate(0, 0))).toBe('none');
  });
});
