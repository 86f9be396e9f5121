/**
 * Usability of every dashboard page in real Chromium against the private local
 * stack (issue 25): axe-core finds no serious or critical violation and no page
 * scrolls sideways, at 1440 px and at a 390 px phone, in light and dark; the skip
 * link; screenshots of each page at both widths in both themes.
 */
import { type Person, person, run } from '@gstack/client/testing/people';
import { sql, stackInfo, unique } from '@gstack/local-stack/testing';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDashboard, startDashboard } from '../src/node.ts';
import { auditPage, launchBrowser, signInWithForm, watchForProblems } from './browser.ts';
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
});
