/**
 * Answer reviews end to end in real Chromium with script turned off (the
 * forms must work without it): nine reviews already stored, the tenth written
 * through run detail's form; the Escalation page's numbers against people move
 * from "not enough" to the hand-computed agreement with its 95 % interval. The
 * Review page offers what is left, uncertain verdicts first, and takes a
 * review. Run detail says who decided each attempt and counts only errors
 * under "errors". A member of another team can neither write nor read a
 * review. Screenshots at desktop and phone width, both themes.
 */
import { type Person, person, run } from '@gstack/client/testing/people';
import { sql, stackInfo, unique } from '@gstack/local-stack/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDashboard, startDashboard } from '../src/node.ts';
import { launchBrowser, screenshotBothThemes, signInWithForm, watchForProblems } from './browser.ts';
import { writeDocs } from './fixtures.ts';
import { HAIKU, type LadderTest, ladderDoc } from './insights-fixtures.ts';

const slug = (prefix: string) => unique(prefix).replace(/_/g, '-').toLowerCase().slice(0, 40);

/**
 * Thirteen verifier decisions of one model. Stored reviews (correct ✓ / incorrect ✗): r01–r06 accepted ✓,
 * r07 accepted ✗, r08 and r09 rejected ✗. The form adds r10 (rejected) ✓.
 */
const TESTS: LadderTest[] = [
  ...['r01', 'r02', 'r03', 'r04', 'r05', 'r06', 'r07'].map((name) => ({ name, accepted: true, t1Assertions: true, verifier: HAIKU })),
  { name: 'r08', accepted: false, t1Assertions: false, verifier: HAIKU },
  { name: 'r09', accepted: false, t1Assertions: false, verifier: HAIKU },
  { name: 'r10', accepted: false, t1Assertions: true, verifier: HAIKU },
  { name: 'r11', accepted: true, t1Assertions: true, verifier: HAIKU },
  { name: 'r12', accepted: false, t1Assertions: null, verifier: HAIKU },
  // Accepted by the verifier, failed by its assertions: the test fails (a failure, not an error).
  { name: 'r13', accepted: true, t1Assertions: false, verifier: HAIKU },
];
const STORED: Array<[string, boolean]> = [
  ['r01', true],
  ['r02', true],
  ['r03', true],
  ['r04', true],
  ['r05', true],
  ['r06', true],
  ['r07', false],
  ['r08', false],
  ['r09', false],
];

let dashboard: RunningDashboard;
let browser: Browser;
let teamSlug: string;
let alice: Person;
let carol: Person;
let runId: string;

beforeAll(async () => {
  teamSlug = slug('review');
  [alice, carol] = await Promise.all([person(teamSlug), person(slug('outside'))]);
  expect((await run('gstack', ['team', 'create', teamSlug, '--name', 'Acme Review'], alice.env)).code).toBe(0);
  expect((await run('gstack', ['team', 'create', carol.env.GSTACK_TEAM as string], carol.env)).code).toBe(0);
  const pushed = await run('gstack-sync', ['push', ...writeDocs([ladderDoc('verified', TESTS)])], alice.env);
  expect(pushed.code, pushed.stderr).toBe(0);
  const [row] = await sql<{ id: string; user_id: string }>(
    `select r.id, r.user_id from public.eval_runs r join public.teams t on t.id = r.team_id where t.slug = $1`,
    [teamSlug],
  );
  runId = row?.id as string;
  // Nine reviews already there (written as alice, as the form would).
  for (const [test, correct] of STORED) {
    await sql(
      `insert into public.answer_reviews (team_id, run_id, test_name, trial, attempt, reviewer, correct)
       select team_id, id, $2, 1, 1, user_id, $3 from public.eval_runs where id = $1`,
      [runId, test, correct],
    );
  }
  dashboard = await startDashboard({ supabaseUrl: stackInfo().apiUrl, supabaseKey: stackInfo().publishableKey, providers: ['github'] });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
});

const noScript = () => browser.newContext({ javaScriptEnabled: false });
const signIn = (context: BrowserContext, who: Person, to = '/') => signInWithForm(context, dashboard.url, who, to);
const clean = (texts: string[]) => texts.map((t) => t.replace(/\s+/g, ' ').trim());
const peopleRow = (page: Page) => page.locator(`table.verifier-people tr[data-model="${HAIKU}"] td`).allTextContents().then(clean);

describe('answer reviews', () => {
  it('a review written through the form moves the Escalation numbers to the hand-computed ones', async () => {
    const context = await noScript();
    const page = await signIn(context, alice, `/t/${teamSlug}/escalation`);
    const problems = watchForProblems(page);
    // Before: 9 labelled (6 right, 3 wrong); 8 agree; under 10: not enough.
    expect(await peopleRow(page)).toEqual([
      HAIKU,
      '9 (6 · 3)',
      'not enough reviews (8 of 9; 10 needed)',
      'not enough reviews (1 of 3; 10 needed)',
      'not enough reviews (0 of 6; 10 needed)',
    ]);
    // Against the assertions: right r01–r07, r10, r11 (9), wrong r08, r09, r13 (3); agree 8 + 2 = 10 of 12
    // (Wilson 55.2–95.3 %); r13 accepted though wrong, r10 rejected though right.
    expect(clean(await page.locator(`table.verifier-assertions tr[data-model="${HAIKU}"] td`).allTextContents())).toEqual([
      HAIKU,
      '12 (9 · 3)',
      '83.3% 10 of 12 · 95%: 55.2–95.3%',
      'not enough answers (1 of 3; 10 needed)',
      'not enough answers (1 of 9; 10 needed)',
    ]);

    // Run detail: r10's rejected t1 answer, who decided it, and its form.
    await page.goto(`${dashboard.url}/t/${teamSlug}/runs/${runId}?open=r10`);
    const r10 = page.locator('details.test[open]');
    expect(await r10.locator('summary .name').textContent()).toBe('r10');
    expect(clean(await r10.locator('td.decided').allTextContents())).toEqual([
      'verifier reject (fresh)',
      'self-certified: rule not recorded',
    ]);
    const answer = r10.locator('.answer', { hasText: 't1 answer to r10' });
    expect(await answer.locator('.decided').textContent()).toBe('attempt 1: verifier reject (fresh)');
    expect(await answer.locator('form.review .sub').last().textContent()).toBe('not reviewed yet');
    await answer.getByLabel('correct', { exact: true }).check();
    await answer.getByLabel('Note').fill('Right city, the verifier was too strict <b>really</b>');
    await answer.getByRole('button', { name: 'Save review' }).click();
    await page.waitForURL(/open=r10/);
    const after = page.locator('details.test[open] .answer', { hasText: 't1 answer to r10' });
    expect(await after.locator('form.review .sub').last().textContent()).toBe('1 review: 1 correct · 0 incorrect');
    expect(await after.getByLabel('correct', { exact: true }).isChecked()).toBe(true);
    expect(await after.getByLabel('Note').inputValue()).toBe('Right city, the verifier was too strict <b>really</b>');
    expect(await after.getByRole('button', { name: 'Change review' }).count()).toBe(1);
    await screenshotBothThemes(page, 'review-run-detail');
    const stored = await sql<{ correct: boolean; note: string }>(
      `select correct, note from public.answer_reviews where run_id = $1 and test_name = 'r10' and attempt = 1`,
      [runId],
    );
    expect(stored).toEqual([{ correct: true, note: 'Right city, the verifier was too strict <b>really</b>' }]);

    // After: 10 labelled (7 right, 3 wrong); agree 6 + 2 = 8 of 10: 80.0 %, Wilson 49.0–94.3 %.
    await page.goto(`${dashboard.url}/t/${teamSlug}/escalation`);
    expect(await peopleRow(page)).toEqual([
      HAIKU,
      '10 (7 · 3)',
      '80.0% 8 of 10 · 95%: 49.0–94.3%',
      'not enough reviews (1 of 3; 10 needed)',
      'not enough reviews (1 of 7; 10 needed)',
    ]);
    expect(clean(await page.locator(`table.verifier-models tr[data-model="${HAIKU}"] td`).allTextContents())).toEqual([
      HAIKU,
      '13',
      '9',
      '0',
      '10',
    ]);
    await screenshotBothThemes(page, 'review-escalation');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshotBothThemes(page, 'review-escalation-phone');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('offers the rest on the Review page, uncertain verdicts first, and takes a review there', async () => {
    const context = await noScript();
    const page = await signIn(context, alice, `/t/${teamSlug}/review`);
    const problems = watchForProblems(page);
    // Left for alice: r13 t1 (verifier accepted, assertions failed: a disagreement), r12 t1 (rejected,
    // nothing could check it: uncertain), r11 t1 (verifier decision), the self-certified t2 answers of r08, r09, r10, r12.
    expect(await page.locator('h2#queue').textContent()).toBe('7 answers waiting for your review');
    const items = page.locator('article.answer');
    expect(
      await items.evaluateAll((els) => els.map((e) => `${e.querySelector('h3 a')?.textContent}:${e.getAttribute('data-priority')}`)),
    ).toEqual(['r13:1', 'r12:2', 'r11:3', 'r08:4', 'r09:4', 'r10:4', 'r12:4']);
    expect(await items.first().locator('.decided').textContent()).toBe('verifier accepted; assertions failed');
    expect(await items.nth(1).locator('.decided').textContent()).toBe('verifier rejected; no deterministic assertion checked it');
    await screenshotBothThemes(page, 'review-page');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshotBothThemes(page, 'review-page-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
    const r11 = items.nth(2);
    await r11.getByLabel('incorrect').check();
    await r11.getByRole('button', { name: 'Save review' }).click();
    await page.waitForURL(/\/review\?days=30/);
    expect(await page.locator('h2#queue').textContent()).toBe('6 answers waiting for your review');
    expect(clean(await page.locator('table.my-reviews tbody tr').first().locator('td').allTextContents()).slice(0, 2)).toEqual([
      'r11 attempt 1',
      'incorrect',
    ]);
    // r11 accepted but wrong: 4 wrong answers, 2 accepted.
    await page.goto(`${dashboard.url}/t/${teamSlug}/escalation`);
    expect((await peopleRow(page))[3]).toBe('not enough reviews (2 of 4; 10 needed)');
    expect(problems).toEqual([]);
    await context.close();
  });

  it("refuses another team's member both the form and the reviews", async () => {
    const context = await noScript();
    const page = await signIn(context, carol, '/');
    for (const to of ['/review', `/runs/${runId}`]) {
      expect((await page.goto(`${dashboard.url}/t/${teamSlug}${to}`))?.status(), to).toBe(404);
    }
    const posted = await page.request.post(`${dashboard.url}/t/${teamSlug}/review`, {
      form: { run: runId, test: 'r01', trial: '1', attempt: '1', verdict: 'incorrect', note: 'from outside' },
      headers: { Origin: dashboard.url },
      maxRedirects: 0,
    });
    expect(posted.status()).toBe(404);
    // Not even through the API with carol's own session: RLS.
    const carolId = (await sql<{ id: string }>('select id from auth.users where email = $1', [carol.email]))[0]?.id;
    expect(await sql('select 1 from public.answer_reviews where reviewer = $1', [carolId])).toEqual([]);
    expect(await sql('select count(*)::int as n from public.answer_reviews where run_id = $1', [runId])).toEqual([{ n: 11 }]);
    await context.close();
  });

  it('labels who decided every attempt and counts only errors under "errors"', async () => {
    const context = await noScript();
    const page = await signIn(context, alice, `/t/${teamSlug}/runs/${runId}`);
    // r13 failed its assertions (its error text is the assertion message): a failure, not an error.
    expect(await page.locator('nav.tabs a', { hasText: 'errors' }).textContent()).toBe('errors 0');
    expect(await page.locator('nav.tabs a', { hasText: 'failed' }).textContent()).toBe('failed 1');
    await page.goto(`${dashboard.url}/t/${teamSlug}/runs/${runId}?open=r13`);
    expect(await page.locator('details.test[open] p.test-verdict').textContent()).toBe(
      'Test verdict: failed by deterministic assertions failed (contains)',
    );
    await page.goto(`${dashboard.url}/t/${teamSlug}/runs/${runId}?open=r01`);
    expect(clean(await page.locator('details.test[open] td.decided').allTextContents())).toEqual(['verifier accept (fresh)']);
    expect(await page.locator('details.test[open] p.test-verdict').textContent()).toBe('Test verdict: passed by 1 deterministic assertion');
    await context.close();
  });
});
