/**
 * The run page links the pull request `gstack ci report` reported the run on,
 * and says when the CI gate stopped it: the report recorded through the real
 * ci_record_report RPC with a CI token, the page in real Chromium at desktop
 * and phone widths, both themes.
 */
import { type Person, person, run } from '@gstack/client/testing/people';
import { anonClient, sql, stackInfo, unique } from '@gstack/local-stack/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDashboard, startDashboard } from '../src/node.ts';
import { launchBrowser, screenshotBothThemes, signInWithForm, watchForProblems } from './browser.ts';
import { resultDoc, writeDocs } from './fixtures.ts';

let dashboard: RunningDashboard;
let browser: Browser;
let alice: Person;
let teamSlug: string;
let gatedRun: string;
let plainRun: string;

beforeAll(async () => {
  teamSlug = unique('cilink').replace(/_/g, '-').toLowerCase().slice(0, 40);
  alice = await person(teamSlug);
  expect((await run('gstack', ['team', 'create', teamSlug], alice.env)).code).toBe(0);
  const minted = await run('gstack', ['team', 'token', 'create', 'ci', '--json'], alice.env);
  const token = JSON.parse(minted.stdout).token as string;
  const docs = [
    resultDoc({ suite: 'capitals', minutesAgo: 20, branch: 'feature/pr-link', tests: [{ name: 'france', passed: false }] }),
    resultDoc({ suite: 'capitals', minutesAgo: 10, branch: 'main', tests: [{ name: 'france', passed: true }] }),
  ];
  const pushed = await run('gstack-sync', ['push', ...writeDocs(docs)], alice.env);
  expect(pushed.code, pushed.stderr).toBe(0);
  const ids = await Promise.all(
    docs.map(async (d) => (await sql<{ id: string }>('select id from public.eval_runs where run_key = $1', [d.run_id]))[0]?.id ?? ''),
  );
  [gatedRun = '', plainRun = ''] = ids;
  const recorded = await anonClient().rpc('ci_record_report', {
    p_team_id: null,
    p_token: token,
    p_run: docs[0]?.run_id,
    p_report: { gated: true, pull_request: 42, pull_request_url: 'https://github.com/acme/app/pull/42', reasons: ['"france" newly fails'] },
  });
  expect(recorded.error).toBeNull();
  dashboard = await startDashboard({ supabaseUrl: stackInfo().apiUrl, supabaseKey: stackInfo().publishableKey });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
});

describe('run detail: the pull request', () => {
  for (const [label, viewport] of [
    ['desktop', { width: 1280, height: 800 }],
    ['phone', { width: 390, height: 844 }],
  ] as const) {
    it(`links it and says the gate stopped it (${label})`, async () => {
      const context = await browser.newContext({ viewport });
      const page = await signInWithForm(context, dashboard.url, alice, `/t/${teamSlug}/runs/${gatedRun}`);
      const problems = watchForProblems(page);
      const link = page.locator('.meta a', { hasText: '#42' });
      expect(await link.getAttribute('href')).toBe('https://github.com/acme/app/pull/42');
      expect(await page.locator('.meta').textContent()).toContain('stopped by the CI gate');
      // Nothing runs off the side of a phone.
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await screenshotBothThemes(page, `run-detail-pull-request-${label}`);
      // A run no report was made for shows no pull request.
      await page.goto(`${dashboard.url}/t/${teamSlug}/runs/${plainRun}`);
      expect(await page.locator('.meta').textContent()).not.toContain('pull request');
      expect(problems).toEqual([]);
      await context.close();
    });
  }
});
