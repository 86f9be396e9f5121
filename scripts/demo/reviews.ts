/**
 * The demo team's answer reviews: people look at a sample of the last 30 days'
 * ladder answers (read through team_answers, as the dashboard does) and mark
 * them correct or incorrect with review_answer, as the dashboard's form does.
 * A person's verdict follows what a careful reader sees: an answer that states
 * the expected value plainly is correct; "I could not find…" or "not covered"
 * is incorrect; a hedged "It might be X" is where people differ (most call it
 * incorrect, some correct). So the Escalation page gets non-trivial numbers
 * against people: the verifier rejects hedged answers people call right, and
 * the audit sample shows it accepting some wrong ones.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { DEMO_REPOS } from './model.ts';
import { streamFor } from './prng.ts';

interface Answer {
  run_id: string;
  repo_slug: string;
  suite: string;
  test_name: string;
  trial: number;
  attempt: number;
  verifier_model: string | null;
  audit: boolean;
  answer: string | null;
}

/** What a reviewer says about an answer to a test whose right answer contains `expect`. */
export function reviewerVerdict(answer: string, expect: string, rnd: () => number): boolean {
  if (!answer.includes(expect) || /not covered|could not find/i.test(answer)) return false;
  if (answer.startsWith('It might be')) return rnd() < 0.3;
  return true;
}

/**
 * Writes the reviews: of the answers a verifier judged in the last 30 days, every audited one,
 * half of the rejected-looking ones and a tenth of the rest, each by one of `reviewers` (two on
 * every fifth hedged answer, so some answers have a second opinion). Returns how many were written.
 */
export async function seedReviews(seed: number, reader: SupabaseClient, team: string, reviewers: SupabaseClient[]): Promise<number> {
  const { data, error } = await reader.rpc('team_answers', { p_team_id: team, p_days: 30, p_answer_chars: 4000 });
  if (error) throw new Error(`demo seed: team_answers failed: ${error.message}`);
  const expected = new Map<string, string>();
  for (const repo of DEMO_REPOS)
    for (const suite of repo.suites) for (const t of suite.tests) expected.set(`${repo.slug}\u0000${suite.name}\u0000${t.name}`, t.expect);
  const writes: Array<Promise<void>> = [];
  let written = 0;
  for (const a of (data ?? []) as Answer[]) {
    const expect = expected.get(`${a.repo_slug}\u0000${a.suite}\u0000${a.test_name}`);
    if (!a.verifier_model || a.answer === null || expect === undefined) continue;
    const rnd = streamFor(seed, 'review', a.run_id, a.test_name, a.trial, a.attempt);
    const hedged = a.answer.startsWith('It might be');
    const share = a.audit ? 1 : hedged ? 0.5 : 0.1;
    if (rnd() >= share) continue;
    const who = Math.floor(rnd() * reviewers.length);
    const people = hedged && rnd() < 0.2 ? [who, (who + 1) % reviewers.length] : [who];
    for (const p of people) {
      const client = reviewers[p] as SupabaseClient;
      const correct = reviewerVerdict(a.answer, expect, rnd);
      written += 1;
      writes.push(
        (async () => {
          const { error: e } = await client.rpc('review_answer', {
            p_team_id: team,
            p_run_id: a.run_id,
            p_test_name: a.test_name,
            p_trial: a.trial,
            p_attempt: a.attempt,
            p_correct: correct,
            p_note: hedged ? 'Hedged: the right value, but not stated plainly.' : null,
          });
          if (e) throw new Error(`demo seed: review_answer failed: ${e.message}`);
        })(),
      );
    }
  }
  await Promise.all(writes);
  return written;
}
