/**
 * Reviewing an answer: the form (a plain POST, works without script) that
 * run detail, the test page and the Review page show beside an answer, what
 * the team said about it so far, and the small styles they need. The POST
 * goes to pages/review.ts (reviewAction).
 */
import { html, type SafeHtml } from '@gstack/core';
import type { Context } from 'hono';
import type { DashboardEnv } from '../env.ts';
import { teamHref } from './layout.ts';

/** One answer: a ladder attempt of one test (and trial) of one run. */
export interface AnswerKey {
  runId: string;
  testName: string;
  trial: number;
  attempt: number;
}

/** The team's reviews of one answer, and the signed-in person's own. */
export interface AnswerReviews {
  correct: number;
  incorrect: number;
  mine: { correct: boolean; note: string | null } | null;
}

export interface ReviewRow {
  test_name: string;
  trial: number;
  attempt: number;
  reviewer: string;
  correct: boolean;
  note: string | null;
}

export const REVIEW_STYLES = `
form.review{display:flex;flex-wrap:wrap;gap:8px 12px;align-items:center;margin:6px 0 0}
form.review fieldset{display:contents}form.review legend{font-size:12px;color:var(--muted);margin-right:4px}
form.review label.choice{flex-direction:row;align-items:center;gap:5px;font-size:13px;color:var(--text)}
form.review input[type=radio]{height:auto;width:auto;padding:0;margin:0;accent-color:var(--accent)}
form.review label.note{flex:1;min-width:12em}form.review input[type=text]{width:100%}
.answer{border-left:3px solid var(--line);padding:4px 0 4px 10px;margin:8px 0}
.decided{font-size:12px}
`;

const keyOf = (k: { test_name: string; trial: number; attempt: number }) => `${k.test_name}\u0000${k.trial}\u0000${k.attempt}`;

/** Groups review rows of one run by answer, marking the signed-in person's. */
export function reviewsByAnswer(rows: ReviewRow[], me: string): Map<string, AnswerReviews> {
  const map = new Map<string, AnswerReviews>();
  for (const r of rows) {
    const k = keyOf(r);
    const entry = map.get(k) ?? { correct: 0, incorrect: 0, mine: null };
    if (r.correct) entry.correct += 1;
    else entry.incorrect += 1;
    if (r.reviewer === me) entry.mine = { correct: r.correct, note: r.note };
    map.set(k, entry);
  }
  return map;
}

export function reviewsOf(map: Map<string, AnswerReviews>, testName: string, trial: number, attempt: number): AnswerReviews {
  return map.get(keyOf({ test_name: testName, trial, attempt })) ?? { correct: 0, incorrect: 0, mine: null };
}

/** "2 reviews: 1 correct · 1 incorrect", or "not reviewed yet". */
export function reviewSummary(r: { correct: number; incorrect: number }): SafeHtml {
  const n = r.correct + r.incorrect;
  if (!n) return html`<span class="sub">not reviewed yet</span>`;
  return html`<span class="sub">${n} review${n === 1 ? '' : 's'}: ${r.correct} correct · ${r.incorrect} incorrect</span>`;
}

/**
 * The review form. `back` is the page (path and query, inside this team) to return to; `anchor`
 * the element id to scroll back to.
 */
export function reviewForm(c: Context<DashboardEnv>, key: AnswerKey, reviews: AnswerReviews, back: string, anchor: string): SafeHtml {
  const mine = reviews.mine;
  const label = `${key.testName} attempt ${key.attempt}`;
  return html`<form class="review" method="post" action="${teamHref(c, '/review')}" aria-label="Review the answer of ${label}">
    <input type="hidden" name="run" value="${key.runId}">
    <input type="hidden" name="test" value="${key.testName}">
    <input type="hidden" name="trial" value="${String(key.trial)}">
    <input type="hidden" name="attempt" value="${String(key.attempt)}">
    <input type="hidden" name="back" value="${back}">
    <input type="hidden" name="anchor" value="${anchor}">
    <fieldset>
      <legend>${mine ? 'Your review' : 'Is this answer right?'}</legend>
      <label class="choice"><input type="radio" name="verdict" value="correct" required${mine?.correct === true ? html` checked` : ''}> correct</label>
      <label class="choice"><input type="radio" name="verdict" value="incorrect"${mine?.correct === false ? html` checked` : ''}> incorrect</label>
      <label class="note">Note <input type="text" name="note" maxlength="2000" value="${mine?.note ?? ''}"></label>
      <button type="submit" class="secondary">${mine ? 'Change review' : 'Save review'}</button>
    </fieldset>
    ${reviewSummary(reviews)}
  </form>`;
}

/** An id usable as a fragment: letters, digits and dashes only. */
export function answerAnchor(index: number, attempt: number): string {
  return `answer-${index}-${attempt}`;
}
