/**
 * Bidirectional controls in user strings (issue 23, item 8): a commit sha, a
 * label, a branch and a test name carrying U+202E (right-to-left override) are
 * shown with the control as visible text on the runs list and the run page, so
 * no override is ever open in the HTML. Pushed with the real gstack-sync,
 * served by the Node dashboard on the private stack; the run page, the sign-in
 * limit's page and a refused query parameter also in Chromium (desktop and
 * 390 px phone, both themes; screenshots under .gstack-test/screenshots/).
 */
import { person, run } from '@gstack/client/testing/people';
import { sql, stackInfo, unique } from '@gstack/local-stack/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningDashboard, startDashboard } from '../src/node.ts';
import { launchBrowser, screenshotBothThemes, signInWithForm, watchForProblems } from './browser.ts';
import { resultDoc, writeDocs } from './fixtures.ts';
import { signInCookie } from './session.ts';

const RLO = '\u202E';
let dashboard: RunningDashboard;
let cookie: string;
let slug: string;
let runId: string;
let who: Awaited<ReturnType<typeof person>>;
let browser: Browser;

beforeAll(async () => {
  slug = unique('bidi').replace(/_/g, '-').toLowerCase().slice(0, 40);
  who = await person(slug);
  expect((await run('gstack', ['team', 'create', slug], who.env)).code).toBe(0);
  const doc = resultDoc({
    suite: `suite${RLO}fdp.exe`,
    minutesAgo: 5,
    label: `label${RLO}gnp.exe`,
    branch: `main${RLO}exe.txt`,
    tests: [{ name: `test${RLO}exe.txt`, passed: false, judgeReason: `reason${RLO}exe.txt` }],
  });
  doc.git = { branch: doc.git.branch, sha: `sha${RLO}exe.txt` };
  const pushed = await run('gstack-sync', ['push', ...writeDocs([doc])], who.env);
  expect(pushed.code, pushed.stderr).toBe(0);
  runId = (await sql<{ id: string }>('select id from public.eval_runs where run_key = $1', [doc.run_id]))[0]?.id ?? '';
  dashboard = await startDashboard({ supabaseUrl: stackInfo().apiUrl, supabaseKey: stackInfo().publishableKey });
  cookie = await signInCookie(dashboard.url, who);
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
});

it.each(['/runs', '/runs/:id', '', '/tests', '/compare'])('the %s page shows no open override, only its visible name', async (page) => {
  const res = await fetch(`${dashboard.url}/t/${slug}${page.replace(':id', runId)}`, { headers: { cookie } });
  expect(res.status).toBe(200);
  const text = await res.text();
  expect(text).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
  expect(text).toContain('[U+202E]');
});

it('shows the controls as text in Chromium, desktop and phone, and the refusal pages read well', async () => {
  browser = await launchBrowser();
  for (const [width, suffix] of [
    [1280, ''],
    [390, '-phone'],
  ] as const) {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await signInWithForm(context, dashboard.url, who, `/t/${slug}/runs/${runId}`);
    const problems = watchForProblems(page);
    expect(await page.locator('body').textContent()).toContain(`test[U+202E]exe.txt`);
    await screenshotBothThemes(page, `bidi-run-detail${suffix}`);
    expect(problems).toEqual([]);
    // (Chromium logs the 400 itself as a console error: no problem check on this page.)
    await page.goto(`${dashboard.url}/t/${slug}/runs?offset=99999999999999999999`);
    expect(await page.locator('h1').textContent()).toBe('Check the address');
    await screenshotBothThemes(page, `bad-offset${suffix}`);
    await context.close();
  }
  // The sign-in limit's page, from a dashboard that allows one attempt.
  const strict = await startDashboard({
    supabaseUrl: stackInfo().apiUrl,
    supabaseKey: stackInfo().publishableKey,
    signInLimit: { perAddress: 1, perAddressAndEmail: 1 },
  });
  try {
    const context = await browser.newContext({ viewport: { width: 390, height: 800 } });
    const page = await context.newPage();
    for (let i = 0; i < 2; i++) {
      await page.goto(`${strict.url}/login`);
      await page.getByLabel('Email').fill(who.email);
      await page.getByLabel('Password').fill('not the password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForLoadState();
    }
    await expect(page.getByRole('alert').textContent()).resolves.toBe(
      'Too many sign-in attempts from your address. Try again in 5 minutes.',
    );
    await screenshotBothThemes(page, 'login-rate-limited-phone');
    await context.close();
  } finally {
    await strict.close();
  }
});
