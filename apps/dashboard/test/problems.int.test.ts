/**
 * The team-wide Problems page in real Chromium against the private stack: the
 * capitals history (six daily runs whose tests are, by hand, stable-pass,
 * stable-fail, flaky, improving and degrading) plus a failing test in another
 * repo and a failing run on a feature branch. Each group lists its tests with
 * the run, date and commit it dates from (checked against the pushed runs),
 * flips for flaky tests, links to the test page; repo and branch filters; the
 * overview's counts link here. Screenshots in both themes, desktop and phone.
 */
import { type Person, person, run } from '@gstack/client/testing/people';
import { sql, stackInfo, unique } from '@gstack/local-stack/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDashboard, startDashboard } from '../src/node.ts';
import { launchBrowser, screenshotBothThemes, signInWithForm, watchForProblems } from './browser.ts';
import { resultDoc, writeDocs } from './fixtures.ts';
import { historyDocs } from './insights-fixtures.ts';

const slug = (prefix: string) => unique(prefix).replace(/_/g, '-').toLowerCase().slice(0, 40);

let dashboard: RunningDashboard;
let browser: Browser;
let teamSlug: string;
let alice: Person;
/** The capitals runs on main, oldest first: id and commit. */
let days: Array<{ id: string; git_sha: string }>;

beforeAll(async () => {
  teamSlug = slug('problems');
  alice = await person(teamSlug);
  expect((await run('gstack', ['team', 'create', teamSlug], alice.env)).code).toBe(0);
  const docs = [
    ...historyDocs(),
    resultDoc({ suite: 'search', repo: 'other-app', minutesAgo: 30, tests: [{ name: 'elsewhere', passed: false }] }),
    resultDoc({ suite: 'capitals', branch: 'feature/x', minutesAgo: 5, tests: [{ name: 'steady', passed: false }] }),
  ];
  const pushed = await run('gstack-sync', ['push', ...writeDocs(docs)], alice.env);
  expect(pushed.code, pushed.stderr).toBe(0);
  days = await sql<{ id: string; git_sha: string }>(
    `select r.id, r.git_sha from public.eval_runs r join public.teams t on t.id = r.team_id
     where t.slug = $1 and r.suite = 'capitals' and r.branch = 'main' order by r.run_at`,
    [teamSlug],
  );
  expect(days).toHaveLength(6);
  dashboard = await startDashboard({ supabaseUrl: stackInfo().apiUrl, supabaseKey: stackInfo().publishableKey, providers: ['github'] });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
});

const signIn = (context: BrowserContext, who: Person, to = '/') => signInWithForm(context, dashboard.url, who, to);
const tests = (page: Page, kind: string) =>
  page.locator(`section[data-kind="${kind}"] tbody tr`).evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-test')));
const sinceRun = (page: Page, kind: string, test: string) =>
  page.locator(`section[data-kind="${kind}"] tr[data-test="${test}"] td`).nth(2).locator('a').getAttribute('href');

describe('the Problems page', () => {
  it('lists failing, degrading, flaky and newly passing tests across suites, dated by run and commit', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, alice, `/t/${teamSlug}/problems?branch=main`);
    const problems = watchForProblems(page);
    // On main: capitals' broken (all six runs), slipping (failing since day 5), wobbly (first flip day 2, 5 flips),
    // fixed (passing since day 4); other-app's elsewhere fails in its only run.
    expect(await tests(page, 'failing')).toEqual(['elsewhere', 'broken']);
    expect(await tests(page, 'degrading')).toEqual(['slipping']);
    expect(await tests(page, 'flaky')).toEqual(['wobbly']);
    expect(await tests(page, 'newly-passing')).toEqual(['fixed']);
    const d = (i: number) => days[i] as { id: string; git_sha: string };
    expect(await sinceRun(page, 'degrading', 'slipping')).toBe(`/t/${teamSlug}/runs/${d(4).id}`);
    expect(await sinceRun(page, 'flaky', 'wobbly')).toBe(`/t/${teamSlug}/runs/${d(1).id}`);
    expect(await sinceRun(page, 'newly-passing', 'fixed')).toBe(`/t/${teamSlug}/runs/${d(3).id}`);
    expect(await sinceRun(page, 'failing', 'broken')).toBe(`/t/${teamSlug}/runs/${d(0).id}`);
    const broken = page.locator('section[data-kind="failing"] tr[data-test="broken"] td');
    expect(await broken.nth(2).textContent()).toMatch(/^at least since /);
    expect(await broken.nth(4).textContent()).toBe('6 failing');
    const slipping = page.locator('section[data-kind="degrading"] tr[data-test="slipping"] td');
    expect(await slipping.nth(3).textContent()).toBe(d(4).git_sha.slice(0, 8));
    expect(await page.locator('section[data-kind="flaky"] tr[data-test="wobbly"] td').nth(4).textContent()).toBe('5');
    await screenshotBothThemes(page, 'problems');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshotBothThemes(page, 'problems-phone');
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.getByRole('link', { name: 'wobbly' }).click();
    await page.waitForURL(/\/test\?repo=acme-app&suite=capitals&name=wobbly/);
    expect(await page.locator('h1').textContent()).toBe('wobbly');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('filters by repo and branch', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await signIn(context, alice, `/t/${teamSlug}/problems?repo=acme-app&branch=main`);
    expect(await tests(page, 'failing')).toEqual(['broken']);
    // Every branch: the feature branch's failing steady run is capitals' newest, so steady becomes degrading.
    await page.goto(`${dashboard.url}/t/${teamSlug}/problems?repo=acme-app`);
    expect(await tests(page, 'degrading')).toEqual(['steady', 'slipping']);
    // The feature branch alone: one run, steady fails in it.
    await page.getByLabel('Branch').selectOption('feature/x');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/branch=feature%2Fx/);
    expect(await tests(page, 'failing')).toEqual(['steady']);
    expect(await tests(page, 'flaky')).toEqual([]);
    await context.close();
  });

  it('is linked from the overview with its counts', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, alice, `/t/${teamSlug}`);
    // Every branch: failing elsewhere, broken; degrading steady, slipping; flaky wobbly; newly passing fixed.
    expect((await page.locator('p.problem-counts').textContent())?.replace(/\s+/g, ' ').trim()).toBe(
      'Problems across suites: 2 failing · 2 degrading · 1 flaky · 1 newly passing',
    );
    await page.getByRole('link', { name: '1 flaky' }).click();
    await page.waitForURL(/\/problems#flaky$/);
    await context.close();
  });
});
