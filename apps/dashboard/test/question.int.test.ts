/**
 * What each test asked and expected, in real Chromium against the private
 * stack: a version 2 run (pushed with the real gstack-sync) shows every test's
 * messages after vars, its vars and its expected value on run detail and the
 * test page, the bound marked where the engine cut, hostile strings as text;
 * a version 1 run of the same suite still opens and says the input was not
 * recorded. Compare: regressions first, then fixes; each side's output with
 * its failure reason beside it, a word diff; two runs picked with the runs
 * list's checkboxes (script off). Screenshots in both themes, desktop and phone.
 */
import { type Person, person, run } from '@gstack/client/testing/people';
import { sql, stackInfo, unique } from '@gstack/local-stack/testing';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDashboard, startDashboard } from '../src/node.ts';
import { launchBrowser, screenshotBothThemes, signInWithForm, watchForProblems } from './browser.ts';
import { HOSTILE, writeDocs } from './fixtures.ts';
import { LONG_CUT, questionDocs } from './question-fixtures.ts';

const slug = (prefix: string) => unique(prefix).replace(/_/g, '-').toLowerCase().slice(0, 40);

let dashboard: RunningDashboard;
let browser: Browser;
let teamSlug: string;
let alice: Person;
let baseRun: string;
let headRun: string;

beforeAll(async () => {
  teamSlug = slug('question');
  alice = await person(teamSlug);
  expect((await run('gstack', ['team', 'create', teamSlug], alice.env)).code).toBe(0);
  const pushed = await run('gstack-sync', ['push', ...writeDocs(questionDocs())], alice.env);
  expect(pushed.code, pushed.stderr).toBe(0);
  const runs = await sql<{ id: string }>(
    `select r.id from public.eval_runs r join public.teams t on t.id = r.team_id where t.slug = $1 order by r.run_at`,
    [teamSlug],
  );
  [baseRun, headRun] = runs.map((r) => r.id) as [string, string];
  dashboard = await startDashboard({ supabaseUrl: stackInfo().apiUrl, supabaseKey: stackInfo().publishableKey, providers: ['github'] });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
});

const signIn = (context: BrowserContext, who: Person, to = '/') => signInWithForm(context, dashboard.url, who, to);

describe('what each test asked and expected', () => {
  it('shows the input after vars, the vars and the expected value on run detail, cut and hostile strings as recorded', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, alice, `/t/${teamSlug}/runs/${headRun}?open=capital`);
    const problems = watchForProblems(page);
    const capital = page.locator('details.test[open] .question');
    expect(await capital.locator('.role').allTextContents()).toEqual(['system', 'user', 'vars']);
    expect(await capital.locator('pre').allTextContents()).toEqual([
      'Answer briefly.',
      'What is the capital of France?',
      '- contains: "Paris"',
    ]);
    expect(await capital.locator('dl.vars dt').allTextContents()).toEqual(['country']);
    expect(await capital.locator('dl.vars dd').allTextContents()).toEqual(['France']);

    await page.goto(`${dashboard.url}/t/${teamSlug}/runs/${headRun}?open=long`);
    const long = page.locator('details.test[open] .question');
    expect(await long.locator('h3').first().textContent()).toBe('Input (cut: long parts end with “… [N more characters]”)');
    expect(await long.locator('pre').first().textContent()).toContain(`… [${LONG_CUT} more characters]`);
    expect(await long.locator('p.sub').textContent()).toBe('No assertions: any answer the ladder accepts passes.');

    await page.goto(`${dashboard.url}/t/${teamSlug}/runs/${headRun}?open=hostile`);
    const hostile = page.locator('details.test[open] .question');
    expect(await hostile.locator('pre').first().textContent()).toBe(HOSTILE.script);
    expect(await hostile.locator('dl.vars dd').textContent()).toBe(HOSTILE.img);
    expect(await page.locator('main script, main img').count()).toBe(0);
    await screenshotBothThemes(page, 'question-run-detail');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshotBothThemes(page, 'question-run-detail-phone');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('still opens a version 1 run, saying the input was not recorded; the test page shows the question', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, alice, `/t/${teamSlug}/runs/${baseRun}?open=capital`);
    const problems = watchForProblems(page);
    expect(await page.locator('details.test[open] .question p.sub').allTextContents()).toEqual([
      'Not recorded (result format version 1).',
      'Not recorded (result format version 1).',
    ]);
    await page.goto(`${dashboard.url}/t/${teamSlug}/test?repo=acme-app&suite=questions&name=peru`);
    const q = page.locator('main .question').first();
    expect(await q.locator('pre').allTextContents()).toEqual(['What is the capital of Peru?', '- contains: "Lima"']);
    await screenshotBothThemes(page, 'question-test-page');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('compares: regressions first, then fixes; outputs with their reasons beside them and a word diff', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, alice, `/t/${teamSlug}/compare?base=${baseRun}&head=${headRun}`);
    const problems = watchForProblems(page);
    const rows = page.locator('table.compare > tbody > tr.test-row');
    expect(
      await rows.evaluateAll((trs) => trs.map((tr) => `${tr.querySelector('td')?.textContent?.trim()}:${tr.getAttribute('data-change')}`)),
    ).toEqual(['peru:newly-failing', 'chile:newly-passing', 'capital:still-passing', 'hostile:still-passing', 'long:still-passing']);
    // The regression is open: the head's answer, and the reason beside it (before, the reason replaced the answer).
    const peru = page.locator('tr.detail[data-test="peru"] details[open]');
    const head = peru.locator('.side').nth(1);
    expect(await head.locator('pre').textContent()).toBe('The capital of Peru is Cusco, in the mountains.');
    expect((await head.locator('p.reason').textContent())?.replace(/\s+/g, ' ').trim()).toBe('reason: contains: expected "Lima"');
    expect(await peru.locator('.side').first().locator('pre').textContent()).toBe('The capital of Peru is Lima, on the coast.');
    expect((await peru.locator('.word-diff del').allTextContents()).join('')).toContain('Lima');
    expect((await peru.locator('.word-diff ins').allTextContents()).join('')).toContain('Cusco');
    expect(await peru.locator('.word-diff').textContent()).toContain('The capital of Peru is ');
    // The question as the head recorded it.
    expect(await peru.locator('.question pre').allTextContents()).toEqual(['What is the capital of Peru?', '- contains: "Lima"']);
    // The fix: the base's reason beside the base's answer.
    const chile = page.locator('tr.detail[data-test="chile"]');
    await chile.locator('summary').click();
    expect((await chile.locator('.side').first().locator('p.reason').textContent())?.replace(/\s+/g, ' ').trim()).toBe(
      'reason: contains: expected "Santiago"',
    );
    expect(await chile.locator('.side').first().locator('pre').textContent()).toBe('Valparaiso.');
    await screenshotBothThemes(page, 'compare-diff');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshotBothThemes(page, 'compare-diff-phone');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('picks two runs from the runs list with checkboxes, without script; or one run against the previous', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await signIn(context, alice, `/t/${teamSlug}/runs`);
    // Newest first: the head, then the base. Ticked in that order, the older still becomes the baseline.
    const boxes = page.locator('input[type=checkbox][name=run]');
    expect(await boxes.count()).toBe(2);
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await page.getByRole('button', { name: 'Compare the ticked runs' }).click();
    await page.waitForURL(`**/compare?base=${baseRun}&head=${headRun}`);
    expect(await page.locator('nav.tabs a').first().textContent()).toBe('all 5');

    await page.goto(`${dashboard.url}/t/${teamSlug}/runs`);
    await page.locator('input[type=checkbox][name=run]').first().check();
    await page.getByRole('button', { name: 'Compare the ticked runs' }).click();
    expect(await page.locator('main p.error').textContent()).toBe('Tick exactly two runs to compare (1 ticked).');
    await screenshotBothThemes(page, 'compare-picker');

    await page.goto(`${dashboard.url}/t/${teamSlug}/runs`);
    await page.getByRole('link', { name: 'vs previous' }).first().click();
    await page.waitForURL(`**/compare?head=${headRun}`);
    expect(await page.locator('table.compare > tbody > tr.test-row').first().getAttribute('data-change')).toBe('newly-failing');
    await context.close();
  });
});
