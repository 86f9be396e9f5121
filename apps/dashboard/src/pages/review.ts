/**
 * `/t/:slug/review`: answers for the signed-in person to label correct or
 * incorrect (the ground truth the verifier is measured against on the
 * Escalation page). Most useful first: answers where the verifier and the
 * assertions (or two reviewers) disagree, then verdicts nothing else could
 * check, then the rest. And POST `/t/:slug/review`, the one place a review is
 * written (from this page, run detail and the test page): a form post that
 * works without script, checked by the CSRF middleware, written through
 * review_answer with the user's JWT so RLS decides, then back to the page it
 * came from.
 */
import { html } from '@gstack/core';
import type { Context, Handler } from 'hono';
import { z } from 'zod';
import { rpc, storeFailed } from '../data.ts';
import type { DashboardEnv } from '../env.ts';
import { DashboardError, notFound } from '../errors.ts';
import { emptyState } from '../ui/components.ts';
import { ago, utc } from '../ui/format.ts';
import { renderPage, teamHref } from '../ui/layout.ts';
import { periodTabs, readPeriod } from '../ui/period.ts';
import { reviewForm } from '../ui/review.ts';

/** Why an answer is in the queue, by review_queue's priority. */
const PRIORITY: Record<number, string> = {
  1: 'disagreement',
  2: 'uncertain',
  3: 'verifier decision',
  4: 'no verifier',
};

interface QueueRow {
  run_id: string;
  run_at: string;
  repo_slug: string;
  suite: string;
  test_name: string;
  trial: number;
  attempt: number;
  tier: string | null;
  model: string | null;
  verdict: string;
  self_certified: boolean;
  verifier_model: string | null;
  verifier_accept: boolean | null;
  verifier_error: boolean;
  audit: boolean;
  assertions_passed: boolean | null;
  answer: string | null;
  answer_length: number | null;
  reviews_correct: number;
  reviews_incorrect: number;
  priority: number;
  waiting: number;
}

/** What the answer's deciders said, in one line (why it is worth a look). */
function whySaid(r: QueueRow): string {
  const assertions =
    r.assertions_passed === null ? 'no deterministic assertion checked it' : `assertions ${r.assertions_passed ? 'passed' : 'failed'}`;
  if (r.reviews_correct > 0 && r.reviews_correct === r.reviews_incorrect)
    return `reviewers disagree (${r.reviews_correct} correct, ${r.reviews_incorrect} incorrect)`;
  if (!r.verifier_model)
    return `${r.self_certified ? 'self-certified' : r.verdict === 'accept' ? 'accepted' : 'rejected'} without a verifier; ${assertions}`;
  if (r.verifier_error) return `the verifier call failed; ${assertions}`;
  return `verifier ${r.verifier_accept ? 'accepted' : 'rejected'}${r.audit ? ' (audit sample)' : ''}; ${assertions}`;
}

const LIMIT = 20;

export async function reviewPage(c: Context<DashboardEnv>): Promise<Response> {
  const period = readPeriod(c, [7, 30, 90], 30);
  const [queue, mine] = await Promise.all([
    rpc(c, 'review_queue', { p_team_id: c.var.team.id, ...period.args, p_limit: LIMIT }) as unknown as Promise<QueueRow[]>,
    c.var.supabase
      .from('answer_reviews')
      .select('run_id, test_name, trial, attempt, correct, note, updated_at', { count: 'exact' })
      .eq('team_id', c.var.team.id)
      .eq('reviewer', c.var.user.id)
      .order('updated_at', { ascending: false })
      .limit(10),
  ]);
  if (mine.error) throw storeFailed('Reading your reviews', mine.error);
  const waiting = queue[0]?.waiting ?? 0;
  const back = `${teamHref(c, '/review')}?${period.query}`;
  const items = queue.map(
    (r, i) => html`<article class="panel answer" id="queue-${String(i)}" data-priority="${String(r.priority)}">
      <h3><span class="chip">${PRIORITY[r.priority] ?? ''}</span> <a href="${teamHref(c, `/runs/${r.run_id}?open=${encodeURIComponent(r.test_name)}`)}">${r.test_name}</a>${r.trial > 1 ? ` trial ${r.trial}` : ''}
        <span class="sub">${r.repo_slug} / ${r.suite} · ${r.tier ?? '—'} ${r.model ?? ''} · attempt ${r.attempt} · <span title="${utc(r.run_at)}">${ago(r.run_at)}</span></span></h3>
      <p class="decided">${whySaid(r)}</p>
      ${r.answer !== null && Number(r.answer_length) > r.answer.length ? html`<p class="sub">First ${r.answer.length} of ${Number(r.answer_length)} characters.</p>` : ''}
      <pre>${r.answer ?? ''}</pre>
      ${reviewForm(
        c,
        { runId: r.run_id, testName: r.test_name, trial: r.trial, attempt: r.attempt },
        { correct: Number(r.reviews_correct), incorrect: Number(r.reviews_incorrect), mine: null },
        back,
        'queue',
      )}
    </article>`,
  );
  const body = html`<h1>Review answers</h1>
  <p class="sub">Mark answers correct or incorrect: the Escalation page measures each verifier against these reviews (and against the deterministic assertions). One review per person per answer; sending the form again changes yours.</p>
  ${periodTabs(c, '/review', [7, 30, 90], period)}
  <h2 id="queue">${waiting} answer${Number(waiting) === 1 ? '' : 's'} waiting for your review${Number(waiting) > LIMIT ? html` <span class="sub">(first ${LIMIT} shown)</span>` : ''}</h2>
  ${items.length ? items : emptyState('Nothing left to review in this period', html`<p>Answers of ladder runs pushed ${period.during} appear here until you review them.</p>`)}
  <h2>Your latest reviews <span class="sub">${mine.count ?? 0} in all</span></h2>
  ${
    mine.data?.length
      ? html`<div class="panel"><table class="my-reviews"><thead><tr><th>Answer</th><th>Your verdict</th><th>When</th></tr></thead><tbody>${mine.data.map(
          (
            m,
          ) => html`<tr><td class="wrap"><a href="${teamHref(c, `/runs/${m.run_id}?open=${encodeURIComponent(m.test_name)}`)}">${m.test_name}</a> <span class="sub">attempt ${m.attempt}</span>${m.note ? html`<br><span class="sub note">${m.note}</span>` : ''}</td>
            <td class="${m.correct ? 'good' : 'bad'}">${m.correct ? 'correct' : 'incorrect'}</td><td>${ago(m.updated_at)}</td></tr>`,
        )}</tbody></table></div>`
      : html`<p class="sub">You have not reviewed an answer yet.</p>`
  }`;
  return renderPage(c, { title: 'Review', nav: 'review', body });
}

const reviewInput = z.object({
  run: z.uuid({ message: 'the run id of the answer' }),
  test: z.string().min(1, 'the test name').max(1000),
  trial: z.coerce.number().int().min(1),
  attempt: z.coerce.number().int().min(1),
  verdict: z.enum(['correct', 'incorrect'], { message: 'choose correct or incorrect' }),
  note: z.string().max(2000, 'at most 2,000 characters').default(''),
  back: z.string().default(''),
  anchor: z
    .string()
    .regex(/^[a-z0-9-]{0,80}$/)
    .default(''),
});

/** Only a page of this team (path and query, no scheme, host or backslash) is a place to go back to. */
function safeBack(c: Context<DashboardEnv>, back: string): string {
  const root = teamHref(c, '/');
  const teamRoot = teamHref(c, '');
  const ok = (back === teamRoot || back.startsWith(root)) && !/[\\\s]|\/\//.test(back.slice(1));
  return ok ? back : teamHref(c, '/review');
}

export const reviewAction: Handler<DashboardEnv> = async (c) => {
  const parsed = reviewInput.safeParse(await c.req.parseBody());
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DashboardError(400, `The review was not saved: ${issue?.path.join('.') || 'form'}: ${issue?.message}.`);
  }
  const f = parsed.data;
  const { error } = await c.var.supabase.rpc('review_answer', {
    p_team_id: c.var.team.id,
    p_run_id: f.run,
    p_test_name: f.test,
    p_trial: f.trial,
    p_attempt: f.attempt,
    p_correct: f.verdict === 'correct',
    p_note: f.note,
  });
  if (error) {
    // A foreign-key miss: no such answer in this team. RLS refusal: not the caller's team.
    if (error.code === '23503' || error.code === '42501') throw notFound('This answer');
    if (error.code === '23514') throw new DashboardError(400, 'The review was not saved: a note is at most 2,000 characters.');
    throw storeFailed('Saving the review', error);
  }
  return c.redirect(`${safeBack(c, f.back)}${f.anchor ? `#${f.anchor}` : ''}`, 303);
};

/** The form posts of this page, added to the team actions. */
export const REVIEW_ACTIONS: Array<{ path: string; handler: Handler<DashboardEnv> }> = [{ path: '/review', handler: reviewAction }];
