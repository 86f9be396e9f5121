/**
 * The dashboard end to end in real Chromium against the private local stack:
 * data pushed with the real gstack-sync, the Node server started in-process.
 * Sign in (form and PKCE), overview numbers equal to SQL, runs, a run with an
 * expanded attempt, compare, sign out, another team's user gets 404, security
 * headers and CSRF, and an XSS probe. Screenshots of every page in both themes.
 */
import { type Person, person, run } from '@gstack/client/testing/people';
import { sql, stackInfo, unique } from '@gstack/local-stack/testing';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDashboard, startDashboard } from '../src/node.ts';
import { launchBrowser, screenshotBothThemes, signInWithForm, watchForProblems } from './browser.ts';
import { HOSTILE, resultDoc, writeDocs } from './fixtures.ts';

const slug = (prefix: string) => unique(prefix).replace(/_/g, '-').toLowerCase().slice(0, 40);

let dashboard: RunningDashboard;
let browser: Browser;
let teamSlug: string;
let teamId: string;
let alice: Person;
let carol: Person;
let baseRunId: string;
let headRunId: string;
let xssRunId: string;
/** Pushed by the XSS test itself, so the other pages' screenshots show ordinary data. */
let xssDoc: ReturnType<typeof resultDoc>;
const RUNS = 9;

async function pushAs(who: Person, docs: ReturnType<typeof resultDoc>[]): Promise<void> {
  const pushed = await run('gstack-sync', ['push', ...writeDocs(docs)], who.env);
  expect(pushed.code, pushed.stderr).toBe(0);
}

async function runIdOf(runKey: string): Promise<string> {
  const rows = await sql<{ id: string }>('select id from public.eval_runs where run_key = $1', [runKey]);
  return rows[0]?.id ?? '';
}

beforeAll(async () => {
  teamSlug = slug('dash');
  const otherSlug = slug('other');
  [alice, carol] = await Promise.all([person(teamSlug), person(otherSlug)]);
  const created = await Promise.all([
    run('gstack', ['team', 'create', teamSlug, '--name', 'Acme Evals'], alice.env),
    run('gstack', ['team', 'create', otherSlug], carol.env),
  ]);
  expect(created.map((c) => c.code)).toEqual([0, 0]);
  teamId = (await sql<{ id: string }>('select id from public.teams where slug = $1', [teamSlug]))[0]?.id ?? '';
});

// Separate hooks: each step spawns CLIs, which are slow on a busy machine.
beforeAll(async () => {
  const base = resultDoc({
    suite: 'capitals',
    minutesAgo: 30,
    tests: [
      { name: 'france', passed: true, judgeReason: 'Names Paris.' },
      { name: 'japan', passed: true, escalated: true, feedback: 'Missing the city name.' },
      { name: 'peru', passed: false, judgeReason: 'Says Cusco.' },
      { name: 'kenya', passed: true },
    ],
  });
  const head = resultDoc({
    suite: 'capitals',
    minutesAgo: 10,
    tests: [
      { name: 'france', passed: false, error: null, judgeReason: 'Says Lyon.' },
      { name: 'japan', passed: true, escalated: true, feedback: 'Only the country was named.', cost: 0.02 },
      { name: 'peru', passed: true, judgeReason: 'Names Lima.' },
      { name: 'kenya', passed: true },
    ],
  });
  const other = resultDoc({ suite: 'summaries', repo: 'acme-docs', minutesAgo: 20, tests: [{ name: 'short', passed: true }] });
  const xss = resultDoc({
    suite: 'xss-probe',
    minutesAgo: 5,
    label: HOSTILE.script,
    branch: HOSTILE.img,
    tests: [
      {
        name: HOSTILE.script,
        passed: false,
        escalated: true,
        output: `${HOSTILE.img} ${HOSTILE.link}`,
        feedback: HOSTILE.link,
        judgeReason: HOSTILE.slack,
      },
      { name: HOSTILE.img, passed: false, output: HOSTILE.script, error: HOSTILE.slack },
    ],
  });
  // Earlier runs, so the sparklines have a history.
  const failing = [2, 1, 0, 1, 1];
  const history = [180, 150, 120, 90, 60].map((minutesAgo, i) =>
    resultDoc({
      suite: 'capitals',
      minutesAgo,
      tests: ['kenya', 'japan', 'peru', 'france'].map((name, k) => ({ name, passed: k >= (failing[i] ?? 0), escalated: k === 1 })),
    }),
  );
  const olderSummaries = resultDoc({
    suite: 'summaries',
    repo: 'acme-docs',
    minutesAgo: 100,
    interrupted: true,
    tests: [{ name: 'short', passed: false }],
  });
  await pushAs(alice, [...history, olderSummaries, base, head, other]);
  [baseRunId, headRunId] = await Promise.all([runIdOf(base.run_id), runIdOf(head.run_id)]);
  xssDoc = xss;
});

beforeAll(async () => {
  dashboard = await startDashboard({ supabaseUrl: stackInfo().apiUrl, supabaseKey: stackInfo().publishableKey, providers: ['github'] });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
});

const signIn = (context: BrowserContext, who: Person, to = '/') => signInWithForm(context, dashboard.url, who, to);

describe('dashboard in Chromium', () => {
  it('signs in with the form and shows the overview numbers SQL computes', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(dashboard.url);
    expect(new URL(page.url()).pathname).toBe('/login');
    await screenshotBothThemes(page, 'login');
    await page.getByLabel('Email').fill(alice.email);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Wrong email or password');
    // From here on (the refused sign-in above answered 400 on purpose) nothing may fail.
    const problems = watchForProblems(page);

    await page.getByLabel('Password').fill(alice.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // The only team: straight to its overview.
    await page.waitForURL(`${dashboard.url}/t/${teamSlug}`);
    const [expected] = await sql<{ runs: string; week: string; rate: string | null; cost: string }>(
      `select count(*) as runs,
              count(*) filter (where run_at >= date_trunc('week', now() at time zone 'utc') at time zone 'utc') as week,
              round(100.0 * sum(passed) filter (where run_at >= date_trunc('week', now() at time zone 'utc') at time zone 'utc')
                / nullif(sum(total_tests - skipped) filter (where run_at >= date_trunc('week', now() at time zone 'utc') at time zone 'utc'), 0), 1) as rate,
              coalesce(sum(cost_usd) filter (where run_at >= date_trunc('week', now() at time zone 'utc') at time zone 'utc'), 0) as cost
       from public.eval_runs where team_id = $1`,
      [teamId],
    );
    expect(Number(expected?.runs)).toBe(RUNS);
    const cardValue = (label: string) => page.locator('.card', { hasText: label }).locator('.value').textContent();
    expect(await cardValue('Runs this week')).toBe(expected?.week);
    expect(await cardValue('Pass rate this week')).toBe(expected?.rate === null ? '—' : `${Number(expected?.rate).toFixed(1)}%`);
    const cost = Number(expected?.cost);
    expect(await cardValue('Cost this week')).toBe(cost < 1 ? `$${cost.toFixed(4)}` : `$${cost.toFixed(2)}`);
    expect(await page.locator('.card', { hasText: 'Active now' }).textContent()).toContain(`${RUNS} runs in all`);
    // Each suite with its sparkline and latest result.
    expect(await page.locator('main table').first().locator('tbody tr').count()).toBe(2);
    expect(await page.locator('svg.spark[role=img]').count()).toBe(2);
    // The capitals sparkline has a point per run (7), oldest first.
    expect(await page.locator('svg.spark[role=img]').first().getAttribute('aria-label')).toBe(
      'capitals pass rate, last 7 runs: 50.0%, 75.0%, 100.0%, 75.0%, 75.0%, 75.0%, 75.0%',
    );
    await screenshotBothThemes(page, 'overview');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('lists runs with filters in the URL, opens a run, expands an attempt and compares with the previous run', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, alice, `/t/${teamSlug}/runs`);
    const problems = watchForProblems(page);
    expect(await page.locator('main table tbody tr').count()).toBe(RUNS);
    expect(await page.locator('tbody tr', { has: page.locator('.badge', { hasText: 'interrupted' }) }).textContent()).toContain(
      'summaries',
    );
    await screenshotBothThemes(page, 'runs');
    // Dates filter on the server; a range after today is empty and says so.
    await page.goto(`${dashboard.url}/t/${teamSlug}/runs?from=2999-01-01`);
    expect(await page.locator('.empty').textContent()).toContain('No runs match');
    await page.goto(`${dashboard.url}/t/${teamSlug}/runs`);
    await page.getByLabel('Suite').selectOption('capitals');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/suite=capitals/);
    expect(await page.locator('main table tbody tr').count()).toBe(7);

    await page.locator(`a[href="/t/${teamSlug}/runs/${headRunId}"]`).click();
    await page.waitForURL(`**/runs/${headRunId}`);
    expect(await page.locator('.reasons li').allTextContents()).toEqual(['1 · contains: expected "Paris"']);
    const japan = page.locator('details.test', { hasText: 'japan' });
    await expect(japan.locator('table').isVisible()).resolves.toBe(false);
    await japan.locator('summary').click();
    const attempts = japan.locator('table tbody tr');
    expect(await attempts.count()).toBe(2);
    expect(await attempts.nth(0).textContent()).toContain('Only the country was named.');
    expect(await attempts.nth(0).textContent()).toContain('warm');
    expect(await attempts.nth(1).textContent()).toContain('anthropic/claude-sonnet-4-6');
    expect(await attempts.nth(1).textContent()).toContain('1024/256');
    await screenshotBothThemes(page, 'run-detail');

    await page.getByRole('link', { name: 'failed 1' }).click();
    expect(await page.locator('details.test summary .name').allTextContents()).toEqual(['france']);
    await page.getByRole('link', { name: 'all 4' }).click();
    await page.getByLabel('Search tests').fill('jap');
    await page.getByRole('button', { name: 'Search' }).click();
    expect(await page.locator('details.test summary .name').allTextContents()).toEqual(['japan']);

    await page.getByRole('link', { name: 'Compare with the previous run' }).click();
    await page.waitForURL(`**/compare?base=${baseRunId}&head=${headRunId}`);
    const tabs = await page.locator('nav.tabs a').allTextContents();
    expect(tabs).toContain('pass → fail 1');
    expect(tabs).toContain('fail → pass 1');
    expect(tabs).toContain('still passing 2');
    const japanRow = page.locator('tbody tr', { hasText: 'japan' });
    // Cost went up on japan: a delta in the bad colour.
    expect(await japanRow.locator('.delta.bad').count()).toBeGreaterThan(0);
    await screenshotBothThemes(page, 'compare');
    await page.getByRole('link', { name: 'pass → fail 1' }).click();
    expect(await page.locator('main table tbody tr.test-row').allTextContents()).toHaveLength(1);
    expect(await page.locator('main table tbody tr.test-row').textContent()).toContain('france');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('signs out and then asks to sign in again', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, alice);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${dashboard.url}/login`);
    await page.goto(`${dashboard.url}/t/${teamSlug}`);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe(`/t/${teamSlug}`);
    await context.close();
  });

  it('signs in through PKCE with "Continue with GitHub" (the local stack stands in for the provider)', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${dashboard.url}/login?next=/t/${teamSlug}/runs`);
    await page.getByRole('link', { name: 'Continue with GitHub' }).click();
    await page.waitForURL(/\/auth\/v1\/authorize/);
    await page.getByLabel(/email/i).fill(alice.email);
    await page.getByLabel(/password/i).fill(alice.password);
    await page.locator('form button, form input[type=submit]').first().click();
    await page.waitForURL(`${dashboard.url}/t/${teamSlug}/runs`);
    expect(await page.locator('h1').textContent()).toContain(`${RUNS} runs`);
    await context.close();
  });

  it("gives another team's member 404 for this team's pages", async () => {
    const context = await browser.newContext();
    const page = await signIn(context, carol);
    for (const path of [
      `/t/${teamSlug}`,
      `/t/${teamSlug}/runs`,
      `/t/${teamSlug}/runs/${headRunId}`,
      `/t/${teamSlug}/compare?base=${baseRunId}&head=${headRunId}`,
    ]) {
      const response = await page.goto(`${dashboard.url}${path}`);
      expect(response?.status(), path).toBe(404);
      expect(await page.locator('h1').textContent()).toBe('Not found');
    }
    await screenshotBothThemes(page, 'not-found');
    await context.close();
  });

  it('sends security headers and refuses cross-site form posts', async () => {
    const res = await fetch(`${dashboard.url}/login`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'nonce-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(await res.text()).toContain(`nonce="${nonce}"`);

    const forged = await fetch(`${dashboard.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      body: new URLSearchParams({ email: alice.email, password: alice.password }),
      redirect: 'manual',
    });
    expect(forged.status).toBe(403);
    expect(forged.headers.get('set-cookie')).toBeNull();
  });

  it('shows hostile strings verbatim and runs none of them (XSS probe)', async () => {
    await pushAs(alice, [xssDoc]);
    xssRunId = await runIdOf(xssDoc.run_id);
    const context = await browser.newContext();
    const page = await signIn(context, alice, `/t/${teamSlug}/runs/${xssRunId}`);
    const problems = watchForProblems(page);
    await page.reload();
    for (const summary of await page.locator('details.test > summary').all()) await summary.click();
    const text = (await page.locator('main').textContent()) ?? '';
    for (const hostile of Object.values(HOSTILE)) expect(text, hostile).toContain(hostile);
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.locator('main script').count()).toBe(0);
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    expect(await page.locator('[onerror]').count()).toBe(0);
    await screenshotBothThemes(page, 'xss-probe');
    for (const path of [`/t/${teamSlug}`, `/t/${teamSlug}/runs`]) {
      await page.goto(`${dashboard.url}${path}`);
      expect((await page.locator('main').textContent()) ?? '').toContain(HOSTILE.img);
    }
    // The costs page lists test names from the daily test-cost rollup.
    await page.goto(`${dashboard.url}/t/${teamSlug}/costs?days=7`);
    expect((await page.locator('main').textContent()) ?? '').toContain(HOSTILE.script);
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.locator('main script').count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });
});
