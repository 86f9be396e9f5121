/**
 * Usability of every dashboard page in real Chromium against the private local
 * stack (issue 25): axe-core finds no serious or critical violation and no page
 * scrolls sideways, at 1440 px and at a 390 px phone, in light and dark; the skip
 * link; the theme toggle (a cookie over prefers-color-scheme); screenshots of
 * each page at both widths in both themes.
 */
import { type Person, person, run } from '@gstack/client/testing/people';
import { sql, stackInfo, unique } from '@gstack/local-stack/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
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
  // Two models answered the head run (and a judge, which the model column leaves out).
  head.costs = [
    { model: 'anthropic/claude-sonnet-4-6', purpose: 'system', calls: 2, cost_usd: 0.015, exact: false },
    { model: 'local/qwen3-8b', purpose: 'system', calls: 2, cost_usd: 0, exact: true },
    { model: 'anthropic/claude-haiku-4-5', purpose: 'judge', calls: 2, cost_usd: 0.0004, exact: false },
  ];
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
      ['compare-picker', `${t}/compare`],
      ['trends', `${t}/trends`],
      ['tests', `${t}/tests?repo=acme-app&suite=capitals`],
      ['test', `${t}/test?repo=acme-app&suite=geography&name=${q(LONG_NAME)}`],
      ['costs', `${t}/costs`],
      ['escalation', `${t}/escalation`],
      ['review', `${t}/review`],
      ['problems', `${t}/problems`],
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

  it('draws trend charts tall enough to read on a phone, and not taller than a panel needs on a desktop', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, alice, `/t/${teamSlug}/trends`);
    const heights = async () =>
      page
        .locator('section.trend-panel svg.trend')
        .evaluateAll((svgs) => svgs.map((svg) => [svg.getAttribute('class'), Math.round(svg.getBoundingClientRect().height)] as const));
    const first = page.locator('section.trend-panel').first();
    await page.setViewportSize({ width: 1440, height: 900 });
    // The wide frame is shown and the narrow one takes no room (display: none measures 0).
    const wide = await heights();
    expect(wide.filter(([cls]) => cls === 'trend trend-narrow').every(([, h]) => h === 0)).toBe(true);
    expect(wide.filter(([cls]) => cls === 'trend trend-wide').every(([, h]) => h > 100 && h <= 200)).toBe(true);
    await first.screenshot({ path: `${SCREENSHOTS}/trend-chart-1440.png` });
    await page.setViewportSize({ width: 390, height: 844 });
    const narrow = await heights();
    // A 1200 × 160 drawing at this width was 45 px tall: lines and dates could not be read.
    expect(narrow.filter(([cls]) => cls === 'trend trend-wide').every(([, h]) => h === 0)).toBe(true);
    expect(narrow.filter(([cls]) => cls === 'trend trend-narrow').every(([, h]) => h >= 150)).toBe(true);
    expect(narrow.length).toBeGreaterThan(0);
    await first.screenshot({ path: `${SCREENSHOTS}/trend-chart-390.png` });
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
    // The fragment navigation lands after the key press returns: wait for it, then check.
    await page.waitForURL((url) => url.hash === '#main');
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

  it('sorts the runs on the server by a column in the URL, exports the rows shown as CSV and names the models', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, alice, `/t/${teamSlug}/runs`);
    const problems = watchForProblems(page);
    const [team] = await sql<{ id: string }>('select id from public.teams where slug = $1', [teamSlug]);
    const shownIds = async () =>
      // The run's own link (the row also has a pick checkbox and a "vs previous" link).
      (await page.locator('main table tbody tr td a[href*="/runs/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''))).map(
        (href) => href.split('/').at(-1),
      );
    // Cost, most expensive first: a click on the heading; the order is the database's.
    await page.getByRole('link', { name: 'Cost', exact: true }).click();
    await page.waitForURL(/sort=-cost/);
    const byCost = await sql<{ id: string }>(
      'select id from public.eval_runs where team_id = $1 order by cost_usd desc, run_at desc, id limit 50',
      [team?.id],
    );
    expect(await shownIds()).toEqual(byCost.map((r) => r.id));
    expect(await page.locator('th[aria-sort]').textContent()).toContain('Cost');
    expect(await page.locator('th[aria-sort]').getAttribute('aria-sort')).toBe('descending');
    // Again: cheapest first.
    await page.getByRole('link', { name: 'Cost', exact: true }).click();
    await page.waitForURL(/sort=cost/);
    expect(await shownIds()).toEqual(
      (
        await sql<{ id: string }>('select id from public.eval_runs where team_id = $1 order by cost_usd asc, run_at desc, id limit 50', [
          team?.id,
        ])
      ).map((r) => r.id),
    );
    // The sort survives a filter, and the CSV holds exactly the rows shown, in their order.
    await page.getByLabel('Suite').selectOption('geography');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/suite=geography/);
    expect(new URL(page.url()).searchParams.get('sort')).toBe('cost');
    expect(await shownIds()).toEqual([baseRunId, headRunId]);
    const csvHref = (await page.getByRole('link', { name: 'Download Runs as CSV' }).getAttribute('href')) ?? '';
    const csv = await page.request.get(`${dashboard.url}${csvHref}`);
    expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers()['content-disposition']).toBe(`attachment; filename="${teamSlug}-runs.csv"`);
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('when,suite,branch,who,model,pass_rate,tests,cost,duration');
    expect(lines).toHaveLength(3);
    const [base, head] = await sql<{ run_at: Date; cost_usd: string }>(
      'select run_at, cost_usd from public.eval_runs where id = any($1) order by cost_usd',
      [[baseRunId, headRunId]],
    );
    expect(lines[1]?.split(',')[0]).toBe(base?.run_at.toISOString());
    expect(lines[1]).toContain(',acme-app/geography,main,');
    expect(lines[1]).toContain(`,100,2,${Number(base?.cost_usd)},`);
    expect(lines[2]).toContain(',anthropic/claude-sonnet-4-6 local/qwen3-8b,50,2,');
    expect(lines[2]).toContain(`,${Number(head?.cost_usd)},`);
    // The model column: the first model and how many more; the judge is not one of them.
    const headRow = page.locator('main table tbody tr', { has: page.locator(`a[href$="${headRunId}"]`) });
    expect(await headRow.locator('td').nth(5).textContent()).toBe('anthropic/claude-sonnet-4-6 +1');
    expect(await headRow.locator('td').nth(5).locator('[title]').getAttribute('title')).toBe('anthropic/claude-sonnet-4-6, local/qwen3-8b');
    expect(await auditPage(page, 'runs-sorted')).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('sorts and exports the tests, costs and leaderboard tables, as shown', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, alice, `/t/${teamSlug}/tests?repo=acme-app&suite=capitals`);
    const names = () => page.locator('main table tbody tr td:first-child').allTextContents();
    // Most flips first by default.
    expect((await names())[0]).toBe('wobbly');
    await page.getByRole('link', { name: 'Test', exact: true }).click();
    await page.waitForURL(/sort=test/);
    expect(await names()).toEqual(['broken', 'fixed', 'slipping', 'steady', 'wobbly']);
    await page.getByRole('link', { name: 'Pass rate' }).click();
    await page.waitForURL(/sort=-pass_rate/);
    const csv = async (p: Page, name: string) => {
      const href = (await p.getByRole('link', { name: `Download ${name} as CSV` }).getAttribute('href')) ?? '';
      return (await (await p.request.get(`${dashboard.url}${href}`)).text()).trimEnd().split('\r\n');
    };
    const testsCsv = await csv(page, 'Tests');
    expect(testsCsv[0]).toBe('test,class,history,flips,streak,pass_rate,tier');
    expect(testsCsv.slice(1).map((l) => l.split(',')[0])).toEqual(await names());
    const rates = testsCsv.slice(1).map((l) => Number(l.split(',')[5]));
    expect(rates).toEqual([...rates].sort((a, b) => b - a));
    expect(rates[0]).toBe(100);
    // The CSV holds the raw values of what the page shows rounded.
    const shownRates = await page.locator('main table tbody tr td:nth-child(6)').allTextContents();
    expect(shownRates).toEqual(rates.map((r) => `${r.toFixed(1)}%`));

    await page.goto(`${dashboard.url}/t/${teamSlug}/costs`);
    await page.getByRole('link', { name: 'Calls' }).click();
    await page.waitForURL(/sort=-calls/);
    const calls = (await page.locator('table.models tbody tr td:nth-child(3)').allTextContents()).map(Number);
    expect(calls).toEqual([...calls].sort((a, b) => b - a));
    const modelsCsv = await csv(page, 'Cost per model');
    expect(modelsCsv[0]).toBe(
      'model,purpose,calls,cached_calls,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,cost_usd,cost_is',
    );
    expect(modelsCsv.slice(1).map((l) => Number(l.split(',')[2]))).toEqual(calls);
    // The most expensive suites and tests, as listed.
    const suitesCsv = await csv(page, 'Most expensive suites');
    expect(suitesCsv[0]).toBe('suite,runs,cost_usd,judge_cost_usd');
    expect(suitesCsv[1]).toBe('acme-app/ladder,1,0.045,0');
    expect(suitesCsv).toHaveLength((await page.locator('table.cost-suites tbody tr').count()) + 1);
    const testsCostCsv = await csv(page, 'Most expensive tests');
    expect(testsCostCsv[0]).toBe('repo,suite,test,runs,cost_usd');
    expect(testsCostCsv[1]).toBe('acme-app,geography,japan,2,0.032');
    expect(testsCostCsv).toHaveLength((await page.locator('table.cost-tests tbody tr').count()) + 1);

    await page.goto(`${dashboard.url}/t/${teamSlug}/leaderboard?sort=-cost`);
    expect(await page.locator('th[aria-sort="descending"]').textContent()).toContain('Cost');
    const board = await csv(page, 'Leaderboard');
    expect(board[0]).toBe('rank,who,runs,ships,activity,pass_rate,streak,cost');
    expect(board).toHaveLength(2);
    const [mine] = await sql<{ runs: string; cost: string }>(
      "select count(*) as runs, sum(cost_usd) as cost from public.eval_runs r join public.teams t on t.id = r.team_id where t.slug = $1 and r.user_id is not null and r.run_at > now() - interval '7 days'",
      [teamSlug],
    );
    expect(board[1]?.split(',').slice(2, 3)).toEqual([mine?.runs]);
    expect(Number(board[1]?.split(',')[7])).toBeCloseTo(Number(mine?.cost), 10);
    await context.close();
  });

  it('opens the runs of a day from a trend point and of a week from a cost bar, and takes a custom date range', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, alice, `/t/${teamSlug}/trends`);
    const problems = watchForProblems(page);
    const capitals = page.locator('section[data-suite="acme-app/capitals"]');
    const points = capitals.locator('svg.trend-wide a.point');
    // One link per day with runs: six daily runs of capitals.
    expect(await points.count()).toBe(6);
    const label = (await points.first().getAttribute('aria-label')) ?? '';
    const day = label.slice(0, 10);
    await points.first().click();
    await page.waitForURL(/\/runs\?/);
    const url = new URL(page.url());
    expect(Object.fromEntries(url.searchParams)).toEqual({ repo: 'acme-app', suite: 'capitals', from: day, to: day });
    const [onDay] = await sql<{ n: string }>(
      `select count(*) as n from public.eval_runs r join public.teams t on t.id = r.team_id
       where t.slug = $1 and r.suite = 'capitals' and r.run_at >= $2::date and r.run_at < $2::date + 1`,
      [teamSlug, day],
    );
    expect(await page.locator('main table tbody tr').count()).toBe(Number(onDay?.n));
    expect(label).toContain(`${onDay?.n} ${onDay?.n === '1' ? 'run' : 'runs'}`);

    await page.goto(`${dashboard.url}/t/${teamSlug}/costs`);
    const bars = page.locator('svg.bars a.point');
    expect(await bars.count()).toBeGreaterThan(0);
    await bars.last().click();
    await page.waitForURL(/\/runs\?from=/);
    const week = new URL(page.url()).searchParams;
    const from = week.get('from') ?? '';
    expect(new Date(`${from}T00:00:00Z`).getUTCDay()).toBe(1);
    expect(week.get('to')).toBe(new Date(Date.parse(`${from}T00:00:00Z`) + 6 * 86_400_000).toISOString().slice(0, 10));

    // A custom range beside the fixed periods (the form, no script): nine days back through today is ten days.
    const since = new Date(Date.now() - 9 * 86_400_000).toISOString().slice(0, 10);
    const today = new Date().toISOString().slice(0, 10);
    await page.goto(`${dashboard.url}/t/${teamSlug}/costs`);
    await page.getByLabel('From', { exact: true }).fill(since);
    await page.getByLabel('To', { exact: true }).fill(today);
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/from=/);
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ from: since, to: today });
    const range = (await page.locator('nav.tabs[aria-label=Period] a[aria-current=true]').textContent()) ?? '';
    expect(range).toMatch(/^\d{1,2} \w{3}( \d{4})? – \d{1,2} \w{3} \d{4}$/);
    expect(await page.locator('.card .label').first().textContent()).toBe(`Spend, ${range}`);
    expect(await auditPage(page, 'costs-range')).toEqual([]);
    await page.goto(`${dashboard.url}/t/${teamSlug}/trends?since=${since}`);
    expect(await auditPage(page, 'trends-since')).toEqual([]);
    expect(problems).toEqual([]);
    // Last (the browser logs the 400 itself): a start date in the future is a 400 naming the parameter.
    const future = await page.goto(`${dashboard.url}/t/${teamSlug}/costs?since=2999-01-01`);
    expect(future?.status()).toBe(400);
    expect(await page.locator('main').textContent()).toContain('since: expected a day on or before today');
    await context.close();
  });
});
