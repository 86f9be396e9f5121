/**
 * Usability of every dashboard page in real Chromium against the private local
 * stack (issue 25): axe-core finds no serious or critical violation and no page
 * scrolls sideways, at 1440 px and at a 390 px phone, in light and dark; the skip
 * link; the theme toggle (a cookie over prefers-color-scheme); screenshots of
 * each page at both widths in both themes.
 */
import { type Person, person, run } from '@gstack/client/testing/people';
import { sql, stackInfo, unique } from '@gstack/local-stack/testing';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDashboard, startDashboard } from '../src/node.ts';
import { auditPage, launchBrowser, SCREENSHOTS, signInWithForm, watchForProblems } from './browser.ts';
import { resultDoc, writeDocs } from './fixtures.ts';
import { historyDocs, ladderDocs } from './insights-fixtures.ts';

const slug = (prefix: string) => unique(prefix).replace(/_/g, '-').toLowerCase().slice(0, 40);

let dashboard: RunningDashboard;
let browser: Browser;
let teamSlug: string;
let alice: Person;
let baseRunId: string;
let headRunId: string;
/** A long test name without spaces: the kind that broke phone layouts letter by letter. */
const LONG_NAME = 'answers_the_capital_of_every_country_in_south_america_without_hesitation';

async function runIdOf(runKey: string): Promise<string> {
  const rows = await sql<{ id: string }>('select id from public.eval_runs where run_key = $1', [runKey]);
  return rows[0]?.id ?? '';
}

beforeAll(async () => {
  teamSlug = slug('usable');
  alice = await person(teamSlug);
  expect((await run('gstack', ['team', 'create', teamSlug, '--name', 'Acme Usability'], alice.env)).code).toBe(0);
  const base = resultDoc({
    suite: 'geography',
    minutesAgo: 40,
    tests: [
      { name: LONG_NAME, passed: true, judgeReason: 'Names every capital.' },
      { name: 'japan', passed: true, escalated: true, feedback: 'Missing the city name.' },
    ],
  });
  const head = resultDoc({
    suite: 'geography',
    minutesAgo: 20,
    label: 'prompt v2 🚀',
    tests: [
      { name: LONG_NAME, passed: false, judgeReason: 'Says Cusco for Peru.' },
      { name: 'japan', passed: true, escalated: true, feedback: 'Only the country was named.', cost: 0.02 },
    ],
  });
  const pushed = await run('gstack-sync', ['push', ...writeDocs([...historyDocs(), ...ladderDocs(), base, head])], alice.env);
  expect(pushed.code, pushed.stderr).toBe(0);
  [baseRunId, headRunId] = await Promise.all([runIdOf(base.run_id), runIdOf(head.run_id)]);
  dashboard = await startDashboard({ supabaseUrl: stackInfo().apiUrl, supabaseKey: stackInfo().publishableKey, providers: ['github'] });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
});

const signIn = (context: BrowserContext, who: Person, to = '/') => signInWithForm(context, dashboard.url, who, to);

describe('every page is usable on a phone and with assistive technology', () => {
  it('has no serious or critical axe finding and no sideways scrolling, at 1440 and 390 px, light and dark', async () => {
    const context = await browser.newContext();
    const login = await context.newPage();
    await login.goto(`${dashboard.url}/login`);
    const findings = await auditPage(login, 'a11y-login');
    const page = await signIn(context, alice, '/');
    const problems = watchForProblems(page);
    const t = `/t/${teamSlug}`;
    const q = (v: string) => encodeURIComponent(v);
    const pages: Array<[string, string]> = [
      ['teams', '/'],
      ['overview', t],
      ['runs', `${t}/runs`],
      ['run-detail', `${t}/runs/${headRunId}`],
      ['compare', `${t}/compare?base=${baseRunId}&head=${headRunId}`],
      ['trends', `${t}/trends`],
      ['tests', `${t}/tests?repo=acme-app&suite=capitals`],
      ['test', `${t}/test?repo=acme-app&suite=geography&name=${q(LONG_NAME)}`],
      ['costs', `${t}/costs`],
      ['escalation', `${t}/escalation`],
      ['leaderboard', `${t}/leaderboard`],
      ['active', `${t}/active`],
      ['team', `${t}/team`],
    ];
    for (const [name, path] of pages) {
      await page.goto(`${dashboard.url}${path}`);
      // Opened attempts show pass/fail marks on the chip background (the contrast the review found).
      if (name === 'run-detail') for (const summary of await page.locator('details.test > summary').all()) await summary.click();
      findings.push(...(await auditPage(page, `a11y-${name}`)));
    }
    expect(problems).toEqual([]);
    // Last: the browser logs the 404 itself as a console error.
    await page.goto(`${dashboard.url}${t}/runs/00000000-0000-0000-0000-000000000000`);
    findings.push(...(await auditPage(page, 'a11y-not-found')));
    expect(findings).toEqual([]);
    await context.close();
  });

  it('offers a skip link as the first stop of the keyboard, which moves focus to the content', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, alice, `/t/${teamSlug}/runs`);
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to content' });
    await expect(skip.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    // Hidden above the page until focused, then in view.
    expect((await skip.boundingBox())?.y).toBeGreaterThanOrEqual(0);
    await page.keyboard.press('Enter');
    expect(new URL(page.url()).hash).toBe('#main');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('main');
    await context.close();
  });

  it('keeps a theme chosen with the header toggle in a cookie, over the system preference', async () => {
    const context = await browser.newContext({ colorScheme: 'light' });
    const page = await signIn(context, alice, `/t/${teamSlug}/runs`);
    const problems = watchForProblems(page);
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const LIGHT = 'rgb(247, 247, 248)';
    const DARK = 'rgb(15, 17, 21)';
    expect(await background()).toBe(LIGHT);
    expect(await page.locator('html').getAttribute('data-theme')).toBeNull();
    // auto → light → dark: each click returns to the same page with the choice applied.
    await page.getByRole('button', { name: /^Theme: Auto/ }).click();
    await page.waitForURL(`${dashboard.url}/t/${teamSlug}/runs`);
    expect(await page.locator('html').getAttribute('data-theme')).toBe('light');
    await page.getByRole('button', { name: /^Theme: Light/ }).click();
    await page.waitForURL(`${dashboard.url}/t/${teamSlug}/runs`);
    expect(await page.locator('html').getAttribute('data-theme')).toBe('dark');
    expect(await background()).toBe(DARK);
    // The cookie keeps it on other pages, and over a light system setting.
    const cookie = (await context.cookies()).find((c) => c.name === 'gstack_theme');
    expect(cookie).toMatchObject({ value: 'dark', httpOnly: true, sameSite: 'Lax' });
    await page.goto(`${dashboard.url}/t/${teamSlug}/costs`);
    expect(await background()).toBe(DARK);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${SCREENSHOTS}/theme-dark-by-cookie-390.png`, fullPage: true });
    // A chosen light theme wins over a dark system setting too.
    await page.getByRole('button', { name: /^Theme: Dark/ }).click();
    await page.waitForURL(`${dashboard.url}/t/${teamSlug}/costs`);
    expect(await page.locator('html').getAttribute('data-theme')).toBeNull();
    await page.getByRole('button', { name: /^Theme: Auto/ }).click();
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await background()).toBe(LIGHT);
    await page.screenshot({ path: `${SCREENSHOTS}/theme-light-by-cookie-390.png`, fullPage: true });
    // The form refuses to send anyone elsewhere: an outside "next" goes home.
    const res = await page.request.post(`${dashboard.url}/theme`, {
      form: { theme: 'dark', next: '//evil.example/' },
      headers: { origin: dashboard.url },
      maxRedirects: 0,
    });
    expect(res.status()).toBe(303);
    expect(res.headers().location).toBe('/');
    expect(problems).toEqual([]);
    await context.close();
  });
});
