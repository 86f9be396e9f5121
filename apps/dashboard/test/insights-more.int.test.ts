/**
 * The smaller wrong answers of issue 21, in real Chromium against the private
 * stack: the Costs chart follows the period selector (days for 7, weeks for
 * 30 and 90) and says what the judge cache saved; the Leaderboard shows every
 * column its rule counts (runs + ships) and states the rule, names open the
 * person's runs; Trends counts a drop that lasts as one regression and each
 * point opens that day's runs. Numbers against hand-computed fixtures;
 * screenshots in both themes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { baseEnv, type Person, person, run } from '@gstack/client/testing/people';
import type { StandardEvalResultInput } from '@gstack/core';
import { sql, stackInfo, unique } from '@gstack/local-stack/testing';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDashboard, startDashboard } from '../src/node.ts';
import { launchBrowser, screenshotBothThemes, signInWithForm, watchForProblems } from './browser.ts';
import { resultDoc, writeDocs } from './fixtures.ts';

const slug = (prefix: string) => unique(prefix).replace(/_/g, '-').toLowerCase().slice(0, 40);
const DAY = 1440;

let dashboard: RunningDashboard;
let browser: Browser;
let teamSlug: string;
let alice: Person;
let bob: Person;
let bobId: string;

/** One test costing `cost` (so a run costs exactly that). */
const costly = (suite: string, daysAgo: number, cost: number) =>
  resultDoc({ suite, minutesAgo: daysAgo * DAY + 30, tests: [{ name: 'only', passed: true, cost }] });

/** A run whose judge verdicts came from the cache: $0.003 and $0.002 saved, one older hit without the cost. */
function cachedRun(): StandardEvalResultInput {
  const doc = resultDoc({
    suite: 'cached',
    minutesAgo: 20,
    tests: [
      { name: 'a', passed: true, cost: 0 },
      { name: 'b', passed: true, cost: 0 },
    ],
  });
  const judge = { rubric: 'Right?', model: 'anthropic/claude-haiku-4-5', pass: true, score: 1, reason: 'ok', cached: true, cost_usd: 0 };
  const [a, b] = doc.all_results as [StandardEvalResultInput['all_results'][number], StandardEvalResultInput['all_results'][number]];
  a.judge = [{ ...judge, saved_usd: 0.003 }];
  b.judge = [{ ...judge }];
  const attempt = a.attempts?.[0];
  if (attempt) attempt.verifier = { model: 'anthropic/claude-haiku-4-5', cached: true, cost_usd: 0, accept: true, saved_usd: 0.002 };
  return doc;
}

/** Two tests a day for seven days: both pass on days 1–4, one fails on days 5–7 (pass rates 100 ×4, 50 ×3). */
function persistingDrop(): StandardEvalResultInput[] {
  return [6, 5, 4, 3, 2, 1, 0].map((daysAgo, i) =>
    resultDoc({
      suite: 'persist',
      minutesAgo: daysAgo * DAY + 60,
      tests: [
        { name: 'x', passed: true, cost: 0 },
        { name: 'y', passed: i < 4, cost: 0 },
      ],
    }),
  );
}

beforeAll(async () => {
  teamSlug = slug('more');
  [alice, bob] = await Promise.all([person(teamSlug), person(teamSlug)]);
  expect((await run('gstack', ['team', 'create', teamSlug], alice.env)).code).toBe(0);
  const code = JSON.parse((await run('gstack', ['team', 'invite', '--json'], alice.env)).stdout).code as string;
  expect((await run('gstack', ['team', 'join', code], bob.env)).code).toBe(0);
  bobId = (await sql<{ id: string }>('select id from auth.users where email = $1', [bob.email]))[0]?.id as string;

  // Costs: $0.50 today, $0.25 three days ago, $2.00 twenty days ago, $4.00 sixty days ago (alice).
  // Trends: the persisting drop (alice). Judge cache: the cached run (alice).
  const mine = [
    costly('spend', 0, 0.5),
    costly('spend', 3, 0.25),
    costly('spend', 20, 2),
    costly('spend', 60, 4),
    cachedRun(),
    ...persistingDrop(),
  ];
  let pushed = await run('gstack-sync', ['push', ...writeDocs(mine)], alice.env);
  expect(pushed.code, pushed.stderr).toBe(0);
  // Leaderboard (7 days): alice 2 + 1 + 7 = 10 runs in the week... see the test for the hand count.
  pushed = await run('gstack-sync', ['push', ...writeDocs([costly('bobs', 1, 0), costly('bobs', 2, 0)])], bob.env);
  expect(pushed.code, pushed.stderr).toBe(0);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gstack-ships-'));
  for (let i = 0; i < 12; i++) {
    const file = path.join(dir, `ship-${i}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        repo_slug: 'acme-app',
        git_sha: `${i}`.padStart(40, 'a'),
        shipped_at: new Date(Date.now() - i * 3_600_000).toISOString(),
      }),
    );
    expect((await run('gstack-sync', ['push-ship', file], bob.env)).code).toBe(0);
  }
  const token = await run('gstack', ['team', 'token', 'create', 'ci', '--json'], alice.env);
  const ciEnv = {
    ...baseEnv(mkdtempSync(path.join(os.tmpdir(), 'gstack-ci-')), teamSlug),
    GSTACK_SYNC_TOKEN: JSON.parse(token.stdout).token as string,
  };
  pushed = await run('gstack-sync', ['push', ...writeDocs(Array.from({ length: 11 }, () => costly('nightly', 1, 0)))], ciEnv);
  expect(pushed.code, pushed.stderr).toBe(0);

  dashboard = await startDashboard({ supabaseUrl: stackInfo().apiUrl, supabaseKey: stackInfo().publishableKey, providers: ['github'] });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
});

const signIn = (context: BrowserContext, who: Person, to = '/') => signInWithForm(context, dashboard.url, who, to);

describe('costs, leaderboard and trends, as a lead reads them', () => {
  it('draws the Costs chart over the chosen period and says what the judge cache saved', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, alice, `/t/${teamSlug}/costs?days=7`);
    const problems = watchForProblems(page);
    const bars = page.locator('svg.bars > g');
    // 7 days: one bar per UTC day of the period (8 calendar days: the period starts 7 × 24 h ago).
    expect(await bars.count()).toBe(8);
    const values = async () => (await page.locator('svg.bars text.bar-value').allTextContents()).filter((v) => v !== '$0');
    // $0.50 today and $0.25 three days ago; the $2.00 of twenty days ago is outside the period.
    expect(await values()).toEqual(['$0.2500', '$0.5000']);
    expect(await page.locator('main h2', { hasText: 'Per day' }).count()).toBe(1);
    // Judge cache: 3 cached verdicts, $0.003 + $0.002 saved; one older hit without its cost.
    const saved = page.locator('.card', { hasText: 'Judge cache saved' });
    expect(await saved.locator('.value').textContent()).toBe('$0.0050');
    expect(await saved.locator('.delta').textContent()).toBe(
      '3 cached verdicts, each priced at its first paid call (1 from older results without that cost, not counted)',
    );
    await screenshotBothThemes(page, 'costs-7-days');

    await page.getByRole('link', { name: 'last 30 days' }).click();
    await page.waitForURL(/days=30/);
    expect(await page.locator('main h2', { hasText: 'Per week' }).count()).toBe(1);
    expect(await values()).toContain('$2.00');
    expect(await values()).not.toContain('$4.00');
    await page.getByRole('link', { name: 'last 90 days' }).click();
    await page.waitForURL(/days=90/);
    expect(await values()).toContain('$4.00');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('ranks the leaderboard by what it shows (runs + ships), says so, and links names to their runs', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, alice, `/t/${teamSlug}/leaderboard`);
    const problems = watchForProblems(page);
    const rows = page.locator('table.leaderboard tbody tr');
    const cells = async (i: number) => (await rows.nth(i).locator('td').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
    // Last 7 days: bob 2 runs + 12 ships = 14; CI 11 runs; alice: spend today and 3 days ago (2),
    // the cached run (1), persist's 7 daily runs = 10. So bob first with fewer runs than CI.
    expect((await cells(0)).slice(0, 5)).toEqual(['1', bob.email.split('@')[0], '2', '12', '14']);
    expect((await cells(1)).slice(0, 5)).toEqual(['2', 'CI', '11', '0', '11']);
    expect((await cells(2)).slice(0, 5)).toEqual(['3', alice.email.split('@')[0], '10', '0', '10']);
    expect(await page.locator('main p.sub').textContent()).toContain('Ranked by activity (runs + ships), then pass rate, then name.');
    await screenshotBothThemes(page, 'leaderboard-rule');
    await rows.nth(1).getByRole('link').click();
    await page.waitForURL(/\/runs\?who=ci$/);
    expect(await page.locator('main table tbody tr').count()).toBe(11);
    await page.goBack();
    await rows.nth(0).getByRole('link').click();
    await page.waitForURL(new RegExp(`/runs\\?who=${bobId}$`));
    expect(await page.locator('main table tbody tr').count()).toBe(2);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('counts a drop that lasts as one regression on Trends, and a point opens that day’s runs', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, alice, `/t/${teamSlug}/trends`);
    const problems = watchForProblems(page);
    const persist = page.locator('section[data-suite="acme-app/persist"]');
    // Days 5, 6 and 7 are all below the earlier mean; only day 5 starts a regression.
    expect(await persist.locator('svg.trend-wide circle.regression').count()).toBe(1);
    expect(await persist.locator('h2 .regressions').textContent()).toBe('1 regression');
    const points = persist.locator('svg.trend-wide a.point');
    expect(await points.count()).toBe(7);
    await screenshotBothThemes(page, 'trends-regressions');
    const href = await points.nth(4).getAttribute('href');
    const day = new Date(Date.now() - 2 * 86_400_000 - 3_600_000).toISOString().slice(0, 10);
    expect(href).toBe(`/t/${teamSlug}/runs?repo=acme-app&suite=persist&from=${day}&to=${day}`);
    await page.goto(`${dashboard.url}${href}`);
    expect(await page.locator('main table tbody tr').count()).toBe(1);
    expect(problems).toEqual([]);
    await context.close();
  });
});
