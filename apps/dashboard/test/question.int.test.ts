/**
 * What each test asked and expected, in real Chromium against the private
 * stack: a version 2 run (pushed with the real gstack-sync) shows every test's
 * messages after vars, its vars and its expected value on run detail and the
 * test page, the bound marked where the engine cut, hostile strings as text;
 * a version 1 run of the same suite still opens and says the input was not
 * recorded. Screenshots in both themes, desktop and phone.
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
    expect(await capital.locator('pre').allTextContents()).toEqual(['Answer briefly.', 'What is the capital of France?', '- contains: "Paris"']);
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
});
