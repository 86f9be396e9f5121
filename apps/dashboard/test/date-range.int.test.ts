/**
 * A custom date range on the period pages (issue 25), in real Chromium against
 * the private stack: runs on known days inside October 2026 and just outside
 * it (the minute before 1 Oct, the first instant of 1 Nov), and the Costs,
 * Trends, Leaderboard, Escalation and Review pages asked for
 * ?from=2026-10-01&to=2026-10-31 show exactly that month's numbers, worked out
 * by hand below; `to` is included (a run at 23:59:59 on 31 Oct counts, one at
 * 00:00 on 1 Nov does not). Also: the CSV exports of the escalation tables,
 * compare and run detail, with text a spreadsheet would run as a formula
 * escaped.
 */
import { type Person, person, run } from '@gstack/client/testing/people';
import type { StandardEvalResultInput } from '@gstack/core';
import { sql, stackInfo, unique } from '@gstack/local-stack/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDashboard, startDashboard } from '../src/node.ts';
import { auditPage, launchBrowser, signInWithForm, watchForProblems } from './browser.ts';
import { resultDoc, writeDocs } from './fixtures.ts';
import { HAIKU, ladderDoc, ladderDocs } from './insights-fixtures.ts';

const RANGE = 'from=2026-10-01&to=2026-10-31';
const LABEL = '1 Oct – 31 Oct 2026';

/** A run of "ranged" at `at`: alpha escalates to t2 (costing `cost`), beta stays on t1 at $0. */
function ranged(at: string, betaPasses: boolean, cost: number): StandardEvalResultInput {
  const doc = resultDoc({
    suite: 'ranged',
    minutesAgo: 0,
    tests: [
      { name: 'alpha', passed: true, escalated: true, cost },
      { name: 'beta', passed: betaPasses, cost: 0 },
    ],
  });
  doc.timestamp = at;
  return doc;
}

function at(doc: StandardEvalResultInput, timestamp: string): StandardEvalResultInput {
  doc.timestamp = timestamp;
  return doc;
}

/**
 * Worked by hand. In October: ranged at 1 Oct 00:00 ($0.001, 2 of 2 pass), 15 Oct ($0.002, 1 of
 * 2), 31 Oct 23:59:59 ($0.004, 2 of 2), and ranged-ladder on 10 Oct (one test the Haiku verifier
 * accepted on t1, $0.001). Outside: ranged at 30 Sep 23:59 ($0.016) and 1 Nov 00:00 ($0.008), and
 * ranged-ladder at 1 Nov 00:00 (two Haiku decisions, $0.022). So in the range: spend $0.008 (4
 * runs); ranged's tests ran 3 times each (alpha $0.007, beta $0); pass rate 6 of 7 (85.7 %);
 * ladder: ranged 6 tests, t1 6 attempts $0 resolving 3 (50 %), t2 3 attempts $0.007 resolving 3
 * (50 %), all on t2 = 6 × $0.007/3 = $0.014, saved $0.007 (50 %); ranged-ladder 1 test on t1;
 * Haiku 1 decision, accepted; answers to review: 3 × 2 + 1 = 7.
 */
const EXPECTED = { spend: '$0.0080', runs: 4, passRate: (100 * 6) / 7, answers: 7 };

const slug = (prefix: string) => unique(prefix).replace(/_/g, '-').toLowerCase().slice(0, 40);

let dashboard: RunningDashboard;
let browser: Browser;
let teamSlug: string;
let alice: Person;
let formulaRunId: string;
let formulaBaseId: string;

/** Test names a spreadsheet would run as formulas. */
const FORMULA = '=1+2';
const AT_SIGN = '@SUM(A1)';

beforeAll(async () => {
  teamSlug = slug('ranges');
  alice = await person(teamSlug);
  expect((await run('gstack', ['team', 'create', teamSlug, '--name', 'Acme Ranges'], alice.env)).code).toBe(0);
  const formulas = (minutesAgo: number, passed: boolean) =>
    resultDoc({
      suite: 'formulas',
      minutesAgo,
      tests: [
        { name: FORMULA, passed, escalated: true, feedback: '-1 is not the answer' },
        { name: AT_SIGN, passed: true },
      ],
    });
  const [base, head] = [formulas(30, true), formulas(20, false)];
  const docs = [
    ranged('2026-09-30T23:59:00Z', false, 0.016),
    ranged('2026-10-01T00:00:00Z', true, 0.001),
    ranged('2026-10-15T12:00:00Z', false, 0.002),
    ranged('2026-10-31T23:59:59Z', true, 0.004),
    ranged('2026-11-01T00:00:00Z', false, 0.008),
    at(ladderDoc('ranged-ladder', [{ name: 'inside', accepted: true, t1Assertions: true, verifier: HAIKU }]), '2026-10-10T08:00:00Z'),
    at(
      ladderDoc('ranged-ladder', [
        { name: 'after-a', accepted: true, t1Assertions: true, verifier: HAIKU },
        { name: 'after-b', accepted: false, t1Assertions: true, verifier: HAIKU },
      ]),
      '2026-11-01T00:00:00Z',
    ),
    ...ladderDocs(),
    base,
    head,
    // "Last 30 days" starts 30 × 24 h ago, part way into that UTC day: a run just after the start.
    resultDoc({ suite: 'edge', minutesAgo: 30 * 1440 - 5, tests: [{ name: 'early', passed: true }] }),
  ];
  const pushed = await run('gstack-sync', ['push', ...writeDocs(docs)], alice.env);
  expect(pushed.code, pushed.stderr).toBe(0);
  const ids = await sql<{ id: string; run_key: string }>('select id, run_key from public.eval_runs where run_key = any($1)', [
    [base.run_id, head.run_id],
  ]);
  formulaBaseId = ids.find((r) => r.run_key === base.run_id)?.id ?? '';
  formulaRunId = ids.find((r) => r.run_key === head.run_id)?.id ?? '';
  dashboard = await startDashboard({ supabaseUrl: stackInfo().apiUrl, supabaseKey: stackInfo().publishableKey, providers: ['github'] });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
});

const signIn = (context: BrowserContext, to: string) => signInWithForm(context, dashboard.url, alice, to);

/** The CSV behind a "Download <name> as CSV" link, as lines. */
async function csvOf(page: Page, name: string): Promise<string[]> {
  const href = (await page.getByRole('link', { name: `Download ${name} as CSV` }).getAttribute('href')) ?? '';
  const res = await page.request.get(`${dashboard.url}${href}`);
  expect(res.headers()['content-type']).toBe('text/csv; charset=utf-8');
  return (await res.text()).trimEnd().split('\r\n');
}

describe('a custom date range, both days included', () => {
  it('costs: the form sets the range; totals, leaders, models and weekly bars count exactly October', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, `/t/${teamSlug}/costs`);
    const problems = watchForProblems(page);
    // A GET form (no script): the URL carries from and to.
    await page.getByLabel('From', { exact: true }).fill('2026-10-01');
    await page.getByLabel('To', { exact: true }).fill('2026-10-31');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/from=2026-10-01&to=2026-10-31/);
    expect(await page.locator('h1 .sub').textContent()).toBe(LABEL);
    expect(await page.locator('nav.tabs[aria-label=Period] a[aria-current=true]').textContent()).toBe(LABEL);
    expect(
      await page
        .locator('.card', { hasText: `Spend, ${LABEL}` })
        .locator('.value')
        .textContent(),
    ).toBe(EXPECTED.spend);
    expect(await csvOf(page, 'Most expensive suites')).toEqual([
      'suite,runs,cost_usd,judge_cost_usd',
      'acme-app/ranged,3,0.007,0',
      'acme-app/ranged-ladder,1,0.001,0',
    ]);
    expect(await csvOf(page, 'Most expensive tests')).toEqual([
      'repo,suite,test,runs,cost_usd',
      'acme-app,ranged,alpha,3,0.007',
      'acme-app,ranged-ladder,inside,1,0.001',
      'acme-app,ranged,beta,3,0',
    ]);
    const models = await csvOf(page, 'Cost per model');
    expect(models.slice(1).map((l) => l.split(',').slice(0, 4).join(','))).toEqual([
      'anthropic/claude-sonnet-4-6,system,6,0',
      'local/qwen3-8b,system,1,2',
    ]);
    // Weeks from Thursday 1 Oct: 1–4, 5–11, 12–18, 19–25, 26–31; the last opens 26–31 Oct's one run.
    const bars = page.locator('svg.bars a.point');
    expect(await bars.count()).toBe(5);
    expect(await bars.last().getAttribute('href')).toBe(`/t/${teamSlug}/runs?from=2026-10-26&to=2026-10-31`);
    expect(await auditPage(page, 'range-costs')).toEqual([]);
    await bars.last().click();
    await page.waitForURL(/\/runs\?from=2026-10-26/);
    expect(await page.locator('main table tbody tr').count()).toBe(1);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("trends: the range's days only, the chart spanning 1 to 31 October", async () => {
    const context = await browser.newContext();
    const page = await signIn(context, `/t/${teamSlug}/trends?${RANGE}`);
    const section = page.locator('section[data-suite="acme-app/ranged"]');
    expect(await section.locator('h2 .sub').textContent()).toBe('3 runs');
    expect(await section.locator('svg.trend-wide a.point').evaluateAll((as) => as.map((a) => a.getAttribute('aria-label')))).toEqual([
      '2026-10-01: 100.0%, 1 run. Open the runs of that day',
      '2026-10-15: 50.0%, 1 run. Open the runs of that day',
      '2026-10-31: 100.0%, 1 run. Open the runs of that day',
    ]);
    expect(await section.locator('svg.trend-wide text.axis').allTextContents()).toEqual(['0', '50', '100', '2026-10-01', '2026-10-31']);
    expect(await page.locator('section[data-suite="acme-app/ranged-ladder"] h2 .sub').textContent()).toBe('1 run');
    expect(await page.locator('section.trend-panel').count()).toBe(2);
    expect(await auditPage(page, 'range-trends')).toEqual([]);
    await context.close();
  });

  it("leaderboard: runs, pass rate and cost of the range; a name opens that person's runs of the range", async () => {
    const context = await browser.newContext();
    const page = await signIn(context, `/t/${teamSlug}/leaderboard?${RANGE}`);
    const board = await csvOf(page, 'Leaderboard');
    expect(board).toHaveLength(2);
    const row = board[1]?.split(',') ?? [];
    expect(row[2]).toBe(String(EXPECTED.runs));
    expect(Number(row[5])).toBeCloseTo(EXPECTED.passRate, 1);
    expect(Number(row[7])).toBeCloseTo(0.008, 10);
    await page.locator('table.leaderboard tbody a').first().click();
    await page.waitForURL(/\/runs\?who=/);
    const query = new URL(page.url()).searchParams;
    expect([query.get('from'), query.get('to')]).toEqual(['2026-10-01', '2026-10-31']);
    expect(await page.locator('main table tbody tr').count()).toBe(EXPECTED.runs);
    await page.goto(`${dashboard.url}/t/${teamSlug}/leaderboard?${RANGE}`);
    expect(await auditPage(page, 'range-leaderboard')).toEqual([]);
    // On a phone the key columns fit inside the panel (none cut off), the name wraps by words' room.
    await page.setViewportSize({ width: 390, height: 844 });
    const fit = await page
      .locator('table.leaderboard')
      .evaluate((t) => ({ table: t.scrollWidth, panel: t.parentElement?.clientWidth ?? 0 }));
    expect(fit.table).toBeLessThanOrEqual(fit.panel);
    expect(await page.locator('table.leaderboard thead th:visible').allTextContents()).toEqual([
      '# ▲',
      'Who',
      'Activity',
      'Pass rate',
      'Cost',
    ]);
    await context.close();
  });

  it('escalation and review: the ladder, the verifier decisions and the answers of the range', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, `/t/${teamSlug}/escalation?${RANGE}`);
    expect(await page.locator('.card', { hasText: 'Ladder spend' }).locator('.value').textContent()).toBe(EXPECTED.spend);
    const ladder = await csvOf(page, 'Ladder per suite');
    expect(ladder[0]).toBe(
      'repo,suite,tests,t1_resolved_percent,t1_spend,t2_resolved_percent,t2_spend,actual,all_on_top_tier,top_tier,saved,saved_percent',
    );
    const [r, ...rest] = ladder[1]?.split(',') ?? [];
    expect([r, ...rest.slice(0, 5)]).toEqual(['acme-app', 'ranged', '6', '50', '0', '50']);
    expect(rest.slice(5).map((v) => (Number.isNaN(Number(v)) ? v : Number(Number(v).toFixed(6))))).toEqual([
      0.007,
      0.007,
      0.014,
      't2',
      0.007,
      50,
    ]);
    expect(ladder[2]).toBe('acme-app,ranged-ladder,1,100,0.001,,,0.001,0.001,t1,0,0');
    expect(await csvOf(page, 'Verifier decisions')).toEqual([
      'verifier,decisions,accepted,audit_sample,reviewed_by_people,tied',
      `${HAIKU},1,1,0,0,0`,
    ]);
    // Links to Review and Costs keep the range.
    expect(await page.locator('main').getByRole('link', { name: 'Review', exact: true }).getAttribute('href')).toBe(
      `/t/${teamSlug}/review?${RANGE}`,
    );
    expect(await page.getByRole('link', { name: 'Costs per model →' }).getAttribute('href')).toBe(`/t/${teamSlug}/costs?${RANGE}`);
    expect(await auditPage(page, 'range-escalation')).toEqual([]);
    await page.goto(`${dashboard.url}/t/${teamSlug}/review?${RANGE}`);
    expect(await page.locator('h2#queue').textContent()).toBe(`${EXPECTED.answers} answers waiting for your review`);
    // A review sent from the page returns to the same range.
    expect(await page.locator('form.review input[name=back]').first().getAttribute('value')).toBe(`/t/${teamSlug}/review?${RANGE}`);
    await context.close();
  });

  it("draws a run of a preset period's first, partial day inside the chart", async () => {
    const context = await browser.newContext();
    const page = await signIn(context, `/t/${teamSlug}/trends?days=30`);
    const chart = page.locator('section[data-suite="acme-app/edge"] svg.trend-wide');
    // The plot starts at x = 30 (the axis labels are left of it); the day's point sits in its slot.
    const x = Number(await chart.locator('circle.dot').getAttribute('cx'));
    expect(x).toBeGreaterThan(30);
    const first = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    expect((await chart.locator('text.axis').allTextContents()).at(-2)).toBe(first);
    await context.close();
  });

  it('keeps ?since= as a start date through today', async () => {
    const context = await browser.newContext();
    const since = new Date(Date.now() - 9 * 86_400_000).toISOString().slice(0, 10);
    const page = await signIn(context, `/t/${teamSlug}/costs?since=${since}`);
    const [total] = await sql<{ cost: string }>(
      `select sum(r.cost_usd) as cost from public.eval_runs r join public.teams t on t.id = r.team_id
       where t.slug = $1 and r.run_at >= $2::date`,
      [teamSlug, since],
    );
    const label = (await page.locator('h1 .sub').textContent()) ?? '';
    expect(label).toMatch(/ – \d+ \w{3} \d{4}$/);
    expect(
      await page
        .locator('.card', { hasText: `Spend, ${label}` })
        .locator('.value')
        .textContent(),
    ).toBe(`$${Number(total?.cost).toFixed(4)}`);
    // The period's links carry it as from (through today, whenever the link is opened).
    expect(await page.locator('nav.tabs[aria-label=Period] a[aria-current=true]').getAttribute('href')).toBe(
      `/t/${teamSlug}/costs?from=${since}`,
    );
    await context.close();
  });
});

describe('CSV of the remaining tables', () => {
  it('compare and run detail export the rows shown; formula-looking text is escaped', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, `/t/${teamSlug}/compare?base=${formulaBaseId}&head=${formulaRunId}`);
    const compare = await csvOf(page, 'Tests compared');
    expect(compare[0]).toBe(
      'test,trial,change,baseline,head,baseline_tier,head_tier,baseline_cost,head_cost,cost_delta,baseline_ms,head_ms,latency_delta_ms',
    );
    // Regressions first: =1+2 went from pass to fail (the apostrophe keeps a spreadsheet from running it).
    expect(compare[1]).toBe(`'${FORMULA},1,pass → fail,pass,fail,t2,t2,0.012,0.012,0,1700,1700,0`);
    expect(compare[2]).toBe(`'${AT_SIGN},1,still passing,pass,pass,t1,t1,0.0004,0.0004,0,300,300,0`);
    expect(compare).toHaveLength(3);
    // The change filter applies to the download too.
    await page.goto(`${dashboard.url}/t/${teamSlug}/compare?base=${formulaBaseId}&head=${formulaRunId}&only=newly-failing`);
    expect(await csvOf(page, 'Tests compared')).toHaveLength(2);
    expect(await auditPage(page, 'csv-compare')).toEqual([]);

    await page.goto(`${dashboard.url}/t/${teamSlug}/runs/${formulaRunId}`);
    expect(await csvOf(page, 'Tests')).toEqual([
      'test,trial,result,tier,model,cost,duration_ms,error',
      `'${FORMULA},1,fail,t2,anthropic/claude-sonnet-4-6,0.012,1700,`,
      `'${AT_SIGN},1,pass,t1,local/qwen3-8b,0.0004,300,`,
    ]);
    const attempts = await csvOf(page, 'Ladder attempts');
    expect(attempts[0]).toBe(
      'test,trial,attempt,tier,model,warm,verdict,decided_by,why,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,cost,cost_is,duration_ms',
    );
    expect(attempts).toHaveLength(4);
    // The feedback starts with "-": escaped too.
    expect(attempts[1]).toMatch(/^'=1\+2,1,1,t1,local\/qwen3-8b,warm,escalate,[^,]*,'-1 is not the answer,120,40,0,0,0,exact,300$/);
    // The "failed" filter: only the failing test and its attempts.
    await page.goto(`${dashboard.url}/t/${teamSlug}/runs/${formulaRunId}?show=failed`);
    expect(await csvOf(page, 'Tests')).toHaveLength(2);
    expect(await csvOf(page, 'Ladder attempts')).toHaveLength(3);
    expect(await auditPage(page, 'csv-run-detail')).toEqual([]);
    await context.close();
  });

  it('escalation exports each table as shown (default period)', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, `/t/${teamSlug}/escalation`);
    const ladder = await csvOf(page, 'Ladder per suite');
    expect(ladder).toHaveLength((await page.locator('table.ladder tbody tr').count()) + 1);
    const row = ladder.find((l) => l.startsWith('acme-app,ladder,'))?.split(',') ?? [];
    // LADDER_EXPECTED.ladder: actual $0.045, all on t2 $0.10, saved $0.055 (55 %).
    expect(row.slice(-5).map((v) => (Number.isNaN(Number(v)) ? v : Number(Number(v).toFixed(6))))).toEqual([0.045, 0.1, 't2', 0.055, 55]);
    const verifiers = await csvOf(page, 'Verifier decisions');
    expect(verifiers).toContain(`${HAIKU},5,3,0,0,0`);
    const assertions = await csvOf(page, 'Verifier against the deterministic assertions');
    expect(assertions[0]).toBe(
      'verifier,labelled,right,wrong,agreement_percent,agreement_low,agreement_high,agreement_count,agreement_of,false_accepts_percent,false_accepts_low,false_accepts_high,false_accepts_count,false_accepts_of,false_rejects_percent,false_rejects_low,false_rejects_high,false_rejects_count,false_rejects_of',
    );
    // Under the minimum sample the page shows no rate, and neither does the CSV: counts only.
    expect(assertions).toContain(`${HAIKU},3,2,1,,,,1,3,,,,1,1,,,,1,2`);
    const people = await csvOf(page, 'Verifier against people');
    expect(people).toContain(`${HAIKU},0,0,0,,,,0,0,,,,0,0,,,,0,0`);
    const perSuite = await csvOf(page, 'Verifier quality per suite');
    expect(perSuite[0]).toBe(
      'repo,suite,verifier,decisions,agreement_people_percent,agreement_people_low,agreement_people_high,agreement_people_count,agreement_people_of,agreement_assertions_percent,agreement_assertions_low,agreement_assertions_high,agreement_assertions_count,agreement_assertions_of',
    );
    expect(perSuite).toContain(`acme-app,ladder,${HAIKU},5,,,,0,0,,,,1,3`);
    expect(await auditPage(page, 'csv-escalation')).toEqual([]);
    await context.close();
  });
});
