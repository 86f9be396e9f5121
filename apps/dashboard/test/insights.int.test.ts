/**
 * Dashboard part 2 in real Chromium against the private local stack: data
 * pushed with the real gstack-sync (a member's runs and a CI token's runs),
 * the Node server in-process. Tests (classes, strip, sort, filter) and a test
 * page, Escalation and verifier quality against hand-computed numbers, Costs,
 * Trends with the regression marked, the Leaderboard with CI grouped; another
 * team's member gets 404; Active now and the team switcher. Screenshots of every page in both themes.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { baseEnv, type Person, person, run } from '@gstack/client/testing/people';
import { sql, stackInfo, unique } from '@gstack/local-stack/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDashboard, startDashboard } from '../src/node.ts';
import { launchBrowser, screenshotBothThemes, signInWithForm, watchForProblems } from './browser.ts';
import { writeDocs } from './fixtures.ts';
import { HISTORY, historyDocs, LADDER_EXPECTED, ladderDocs } from './insights-fixtures.ts';

const slug = (prefix: string) => unique(prefix).replace(/_/g, '-').toLowerCase().slice(0, 40);

let dashboard: RunningDashboard;
let browser: Browser;
let teamSlug: string;
let alice: Person;
let carol: Person;
let secondSlug: string;

beforeAll(async () => {
  teamSlug = slug('insights');
  const otherSlug = slug('elsewhere');
  [alice, carol] = await Promise.all([person(teamSlug), person(otherSlug)]);
  expect((await run('gstack', ['team', 'create', teamSlug, '--name', 'Acme Insights'], alice.env)).code).toBe(0);
  expect((await run('gstack', ['team', 'create', otherSlug], carol.env)).code).toBe(0);
  // A second team of alice's, for the switcher.
  secondSlug = slug('second');
  expect((await run('gstack', ['team', 'create', secondSlug, '--name', 'Beta Team'], alice.env)).code).toBe(0);

  const pushed = await run('gstack-sync', ['push', ...writeDocs(historyDocs())], alice.env);
  expect(pushed.code, pushed.stderr).toBe(0);
  // The ladder runs come from CI: a team token, no signed-in user.
  const token = await run('gstack', ['team', 'token', 'create', 'github-actions', '--json'], alice.env);
  expect(token.code, token.stderr).toBe(0);
  const ciEnv = {
    ...baseEnv(mkdtempSync(path.join(os.tmpdir(), 'gstack-ci-')), teamSlug),
    GSTACK_SYNC_TOKEN: JSON.parse(token.stdout).token as string,
  };
  const ci = await run('gstack-sync', ['push', ...writeDocs(ladderDocs())], ciEnv);
  expect(ci.code, ci.stderr).toBe(0);

  dashboard = await startDashboard({ supabaseUrl: stackInfo().apiUrl, supabaseKey: stackInfo().publishableKey, providers: ['github'] });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
});

const signIn = (context: BrowserContext, who: Person, to = '/') => signInWithForm(context, dashboard.url, who, to);

const cells = (page: Page, row: string) => page.locator(row).locator('td').allTextContents();
const clean = (texts: string[]) => texts.map((t) => t.replace(/\s+/g, ' ').trim());

describe('dashboard part 2 in Chromium', () => {
  it('classifies every test of a suite, filters by class, sorts by flakiness and opens a test page', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, alice, `/t/${teamSlug}/tests?repo=acme-app&suite=capitals`);
    const problems = watchForProblems(page);
    const rows = page.locator('main table tbody tr');
    expect(await rows.count()).toBe(5);
    const classes = Object.fromEntries(
      await Promise.all(
        (await rows.all()).map(async (r) => [await r.locator('td a').first().textContent(), await r.getAttribute('data-class')]),
      ),
    );
    expect(classes).toEqual(Object.fromEntries(Object.entries(HISTORY).map(([name, h]) => [name, h.expected])));
    // Most flips first: wobbly flipped 5 times.
    expect(clean(await cells(page, 'main table tbody tr >> nth=0'))).toEqual([
      'wobbly',
      'flaky',
      '✓✗✓✗✓✗',
      '5',
      '1 failing',
      '50.0%',
      't1',
    ]);
    await screenshotBothThemes(page, 'tests');

    await page.getByRole('link', { name: 'degrading 1' }).click();
    await page.waitForURL(/class=degrading/);
    expect(clean(await page.locator('main table tbody tr td a').allTextContents())).toEqual(['slipping']);
    await page.getByRole('link', { name: 'all 5' }).click();

    await page.getByRole('link', { name: 'wobbly' }).click();
    await page.waitForURL(/\/test\?/);
    expect(await page.locator('h1').textContent()).toBe('wobbly');
    expect(await page.locator('main table tbody tr').count()).toBe(6);
    expect(await page.locator('.card', { hasText: 'Class' }).locator('.value').textContent()).toBe('flaky');
    expect(await page.locator('main table tbody tr').first().textContent()).toContain('wobbly missed the capital on day 6');
    const outputs = await page.locator('main pre').allTextContents();
    expect(outputs).toEqual(['wobbly answer on day 6', 'wobbly answer on day 5']);
    await screenshotBothThemes(page, 'test-page');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows escalation savings and verifier quality equal to the hand-computed numbers', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, alice, `/t/${teamSlug}/escalation`);
    const problems = watchForProblems(page);
    const card = (label: string) => page.locator('.card', { hasText: label });
    const e = LADDER_EXPECTED;
    expect(await card('Ladder spend').locator('.value').textContent()).toBe(e.team.actual);
    expect(await card('Everything on the top tier').locator('.value').textContent()).toBe(e.team.allTop);
    expect(await card('Saved by the ladder').locator('.value').textContent()).toBe(e.team.saved);
    expect(await card('Saved by the ladder').locator('.delta').textContent()).toBe(e.team.savedPercent);
    for (const [suite, x] of [
      ['acme-app/ladder', e.ladder],
      ['acme-app/judged-only', e.judgedOnly],
    ] as const) {
      const row = page.locator(`table.ladder tr[data-suite="${suite}"]`);
      const texts = clean(await row.locator('td').allTextContents());
      expect(texts[1], suite).toBe(x.tests);
      expect(texts.at(-3), suite).toBe(x.actual);
      expect(texts.at(-2), suite).toBe(`${x.allTop} t2`);
      expect(texts.at(-1), suite).toBe(`${x.saved} ${x.savedPercent}`);
    }
    // ladder: 3 of 5 tests resolved at t1, 2 at t2.
    expect(clean(await page.locator('table.ladder tr[data-suite="acme-app/ladder"] td').allTextContents()).slice(2, 4)).toEqual([
      '60.0% $0.0050',
      '40.0% $0.0400',
    ]);
    const row = async (table: string, model: string) =>
      clean(await page.locator(`table.${table} tr[data-model="${model}"] td`).allTextContents());
    expect(await row('verifier-models', e.haiku.model)).toEqual([e.haiku.model, ...e.haiku.decisions]);
    expect(await row('verifier-assertions', e.haiku.model)).toEqual([e.haiku.model, ...e.haiku.assertions]);
    expect(await row('verifier-people', e.haiku.model)).toEqual([e.haiku.model, ...e.haiku.people]);
    expect(await row('verifier-assertions', e.local.model)).toEqual([e.local.model, ...e.local.assertions]);
    expect(await page.locator('table.verifier-suites tbody tr').count()).toBe(2);
    await screenshotBothThemes(page, 'escalation');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows costs per week, per model, the most expensive suites and tests, and the same work on each tier', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, alice, `/t/${teamSlug}/costs`);
    const problems = watchForProblems(page);
    // capitals: 6 runs × $0.002; ladder $0.045; judged-only $0.022.
    expect(await page.locator('.card', { hasText: 'Spend, last 30 days' }).locator('.value').textContent()).toBe('$0.0790');
    // Exact: only local/qwen3-8b's $0.007 of $0.079.
    expect(await page.locator('.card', { hasText: 'Exact' }).locator('.value').textContent()).toBe('8.9%');
    expect(await page.locator('svg.bars[role=group]').count()).toBe(1);
    const qwen = clean(await page.locator('table.models tr', { hasText: 'local/qwen3-8b' }).locator('td').allTextContents());
    expect(qwen).toEqual(['local/qwen3-8b', 'system', '7', '4', '700', '140', '0', '0', '$0.0070', 'exact']);
    // Two runs, two answers from the response cache each.
    expect(await page.locator('.card', { hasText: 'Response cache' }).locator('.value').textContent()).toBe('4');
    expect(clean(await page.locator('table.cost-suites tbody tr').first().locator('td').allTextContents())).toEqual([
      'acme-app ladder',
      '1',
      '$0.0450',
      '$0',
    ]);
    expect(await page.locator('table.cost-tests tbody tr').first().textContent()).toContain('$0.0210');
    expect(clean(await page.locator('table.what-if tr[data-tier="t2"] td').allTextContents())).toEqual([
      't2',
      '$0.1400',
      '+$0.0730',
      '2 of 3',
    ]);
    expect(clean(await page.locator('table.what-if tr[data-tier="t1"] td').allTextContents())).toEqual([
      't1',
      '$0.0070',
      '−$0.0600',
      '3 of 3',
    ]);
    await screenshotBothThemes(page, 'costs');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('draws daily pass rates per suite with the regressed run marked', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, alice, `/t/${teamSlug}/trends`);
    const problems = watchForProblems(page);
    const capitals = page.locator('section[data-suite="acme-app/capitals"]');
    expect(await capitals.locator('h2').textContent()).toContain('6 runs');
    expect(await capitals.locator('svg.trend-wide circle.regression').count()).toBe(1);
    expect(await capitals.locator('svg.trend-wide rect.runs').count()).toBe(6);
    expect(await page.locator('section[data-suite="acme-app/ladder"] svg.trend-wide circle.regression').count()).toBe(0);
    await screenshotBothThemes(page, 'trends');
    await page.getByRole('link', { name: 'last 90 days' }).click();
    await page.waitForURL(/days=90/);
    expect(await page.locator('section[data-suite="acme-app/capitals"] svg.trend-wide circle.regression').count()).toBe(1);
    // At the team's own threshold (alice is admin and can read it): a 16-point drop is under 20.
    await sql(`insert into public.team_settings (team_id, alert_threshold_pp) select id, 20 from public.teams where slug = $1`, [teamSlug]);
    await page.reload();
    expect(await page.locator('section[data-suite="acme-app/capitals"] svg.trend-wide circle.regression').count()).toBe(0);
    expect(await page.locator('main p.sub').first().textContent()).toContain('more than 20 points below');
    // A regression alert that reached Slack is marked whatever the rule says now.
    await sql(
      `insert into public.alert_deliveries (run_id, team_id, repo_slug, suite, run_at, decision, status)
       select r.id, r.team_id, r.repo_slug, r.suite, r.run_at, 'regression', 'sent' from public.eval_runs r
       join public.teams t on t.id = r.team_id
       where t.slug = $1 and r.repo_slug = 'acme-app' and r.suite = 'capitals'
       order by r.pass_rate, r.run_at desc limit 1
       on conflict (run_id) do update set decision = 'regression', status = 'sent'`,
      [teamSlug],
    );
    await page.reload();
    expect(await capitals.locator('svg.trend-wide circle.regression').count()).toBe(1);
    expect(await capitals.locator('h2').textContent()).toContain('1 alerted in Slack');
    expect(await page.locator('section[data-suite="acme-app/ladder"] h2').textContent()).not.toContain('alerted');
    await sql('delete from public.team_settings where team_id = (select id from public.teams where slug = $1)', [teamSlug]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('ranks people with CI tokens grouped as CI', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, alice, `/t/${teamSlug}/leaderboard`);
    const problems = watchForProblems(page);
    const rows = page.locator('table.leaderboard tbody tr');
    expect(await rows.count()).toBe(2);
    const first = clean(await rows.nth(0).locator('td').allTextContents());
    // alice: 6 runs, 16 of 30 tests passed, a run on each of 6 days, 30 tests × $0.0004.
    // Columns: #, who, runs, ships, activity (runs + ships: the rank), pass rate, streak, cost.
    expect([first[0], first[2], first[3], first[4], first[5], first[6], first[7]]).toEqual([
      '1',
      '6',
      '0',
      '6',
      '53.3%',
      '6 days',
      '$0.0120',
    ]);
    // CI: 2 runs, 6 of 7 passed.
    expect(clean(await rows.nth(1).locator('td').allTextContents())).toEqual(['2', 'CI', '2', '0', '2', '85.7%', '1 day', '$0.0670']);
    await screenshotBothThemes(page, 'leaderboard');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows who is active now and switches team from the header, keeping the section', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, alice, `/t/${teamSlug}/active`);
    const problems = watchForProblems(page);
    // gstack-sync push sent alice's heartbeat.
    const rows = page.locator('table.active tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().locator('td').first().textContent()).toBe(alice.email.split('@')[0]);
    expect(await page.locator('h1').textContent()).toContain('1 person in the last 15 minutes');
    await screenshotBothThemes(page, 'active-now');

    await page.goto(`${dashboard.url}/t/${teamSlug}/costs`);
    await page.locator('details.switcher > summary').click();
    const links = page.locator('details.switcher a');
    expect(await links.allTextContents()).toEqual(['Acme Insights', 'Beta Team']);
    expect(await page.locator('details.switcher a[aria-current=true]').textContent()).toBe('Acme Insights');
    await screenshotBothThemes(page, 'team-switcher');
    await page.getByRole('link', { name: 'Beta Team' }).click();
    await page.waitForURL(`${dashboard.url}/t/${secondSlug}/costs`);
    expect(await page.locator('.card', { hasText: 'Spend, last 30 days' }).locator('.value').textContent()).toBe('$0');
    expect(problems).toEqual([]);
    await context.close();
  });

  it("gives another team's member 404 for the part 2 pages", async () => {
    const context = await browser.newContext();
    const page = await signIn(context, carol, '/');
    for (const to of [
      '/tests',
      '/test?repo=acme-app&suite=capitals&name=wobbly',
      '/costs',
      '/escalation',
      '/review',
      '/trends',
      '/leaderboard',
      '/active',
      '/team',
    ]) {
      const response = await page.goto(`${dashboard.url}/t/${teamSlug}${to}`);
      expect(response?.status(), to).toBe(404);
    }
    await context.close();
  });
});
