/**
 * Retention end to end (issue 26, item 3): 26 ladder runs over 77 days pushed with the real
 * gstack-sync (verifier decisions, cached judge and verifier verdicts, an answer review), every
 * period page read through the Node dashboard with a signed-in cookie, then `gstack team set
 * retention-days 30` and the scheduled job's own command. Raw rows older than 30 days are gone,
 * newer ones intact; every page's figures for the pruned period are unchanged; the run page and
 * compare of a pruned run, `gstack eval show|compare --team`, and the Tests and Problems pages
 * say what was removed.
 */
import { type Person, person, run } from '@gstack/client/testing/people';
import type { StandardEvalResultInput } from '@gstack/core';
import { sql, stackInfo, unique } from '@gstack/local-stack/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDashboard, startDashboard } from '../src/node.ts';
import { writeDocs } from './fixtures.ts';
import { HAIKU, ladderDoc } from './insights-fixtures.ts';
import { signInCookie } from './session.ts';

const DAY_MS = 86_400_000;
const RUNS = 26;

/** Run i: 2 + 3i days ago (2 … 77), two suites, a varying set of tests, cached verdicts on some. */
function doc(i: number): StandardEvalResultInput {
  const tests = [
    { name: 'a-true-accept', accepted: true, t1Assertions: true, verifier: HAIKU },
    { name: 'b-false-accept', accepted: true, t1Assertions: false, verifier: HAIKU },
    { name: 'c-false-reject', accepted: false, t1Assertions: true, verifier: HAIKU },
    { name: 'd-reject-unknown', accepted: false, t1Assertions: null, verifier: 'local/verifier-7b' },
    { name: 'e-accept-unknown', accepted: true, t1Assertions: null, verifier: HAIKU },
  ].filter((_, t) => i % 3 !== 0 || t !== i % 5);
  const d = ladderDoc(i % 2 ? 'ladder-b' : 'ladder-a', tests);
  d.timestamp = new Date(Date.now() - (2 + 3 * i) * DAY_MS - 30 * 60_000).toISOString();
  for (const result of d.all_results) {
    const first = result.attempts?.[0];
    if (first?.verifier && i % 2 === 0) Object.assign(first.verifier, { cached: true, saved_usd: 0.0004 });
    for (const judge of result.judge ?? []) if (i % 4 === 0) Object.assign(judge, { cached: true, saved_usd: 0.0001 });
  }
  return d;
}

let dashboard: RunningDashboard;
let alice: Person;
let slug: string;
let team: string;
let cookie: string;
let docs: StandardEvalResultInput[];

const daysAgo = (n: number) => new Date(Date.now() - n * DAY_MS).toISOString().slice(0, 10);
/** The pages, each over a period reaching back before the retention horizon (80 days, or 90). */
const PAGES = () => [
  '',
  `/trends?since=${daysAgo(79)}`,
  '/trends?days=90',
  `/costs?since=${daysAgo(79)}`,
  '/costs?days=90',
  `/escalation?since=${daysAgo(79)}`,
  '/escalation?days=90',
  `/leaderboard?since=${daysAgo(79)}`,
  `/runs?from=${daysAgo(80)}&to=${daysAgo(31)}`,
];

async function page(path: string): Promise<string> {
  const res = await fetch(`${dashboard.url}/t/${slug}${path}`, { headers: { cookie } });
  expect(res.status, path).toBe(200);
  return res.text();
}

/** The figures a page shows: the numbers, amounts and percentages of its main content, in order (relative times left out). */
function figures(htmlText: string): string[] {
  const main = htmlText.slice(htmlText.indexOf('<main'), htmlText.indexOf('</main>'));
  const text = main
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&[#\w]+;/g, ' ')
    .replace(/\b\d+\s+(seconds?|minutes?|hours?|days?|weeks?|months?)\s+ago\b/g, ' ');
  return text.match(/[-+−]?\$?\d[\d,]*(?:\.\d+)?\s?%?/g) ?? [];
}

const rawRows = async (older: boolean) =>
  (
    await sql<{ runs: number; results: number; attempts: number; pruned: number; documents: number }>(
      `select count(*)::int as runs,
              coalesce(sum((select count(*) from public.eval_results e where e.run_id = r.id)), 0)::int as results,
              coalesce(sum((select count(*) from public.eval_attempts a where a.run_id = r.id)), 0)::int as attempts,
              count(*) filter (where r.pruned_at is not null)::int as pruned,
              count(*) filter (where r.result ? 'all_results')::int as documents
       from public.eval_runs r where r.team_id = $1 and (r.run_at < now() - interval '30 days') = $2`,
      [team, older],
    )
  )[0];

beforeAll(async () => {
  slug = unique('retention').replace(/_/g, '-').toLowerCase().slice(0, 40);
  alice = await person(slug);
  expect((await run('gstack', ['team', 'create', slug, '--name', 'Retention'], alice.env)).code).toBe(0);
  docs = Array.from({ length: RUNS }, (_, i) => doc(i));
  const pushed = await run('gstack-sync', ['push', ...writeDocs(docs)], alice.env);
  expect(pushed.code, pushed.stderr).toBe(0);
  team = (await sql<{ id: string }>('select id from public.teams where slug = $1', [slug]))[0]?.id ?? '';
  // Two reviews of answers in runs the prune will remove: their counts are part of the verifier figures.
  const [old] = await sql<{ id: string }>('select id from public.eval_runs where run_key = $1', [docs[20]?.run_id]);
  await sql(
    `insert into public.answer_reviews (team_id, run_id, test_name, trial, attempt, reviewer, correct)
     select $1, $2, t, 1, 1, u.id, t = 'a-true-accept' from auth.users u, unnest(array['a-true-accept', 'b-false-accept']) t where u.email = $3`,
    [team, old?.id, alice.email],
  );
  dashboard = await startDashboard({ supabaseUrl: stackInfo().apiUrl, supabaseKey: stackInfo().publishableKey });
  cookie = await signInCookie(dashboard.url, alice);
});

afterAll(async () => {
  await dashboard?.close();
});

describe('retention', () => {
  it('prunes what is older than the setting and every page shows the same figures for the pruned period', async () => {
    expect(await page('/tests?repo=acme-app&suite=ladder-a')).not.toContain('data-pruned');
    expect(await page('/problems')).not.toContain('data-pruned');
    const before = new Map<string, string[]>();
    for (const path of PAGES()) before.set(path, figures(await page(path)));
    // The pages show real figures for the old period: the Costs page's leaders and savings among them.
    const costs = await page('/costs?days=90');
    expect(costs).toContain('b-false-accept');
    expect(before.get('/costs?days=90')?.length).toBeGreaterThan(30);
    expect(before.get('/escalation?days=90')?.length).toBeGreaterThan(20);
    const fresh = await rawRows(false);
    const old = await rawRows(true);
    expect(old).toMatchObject({ runs: 16, pruned: 0, documents: 16 });
    expect(old?.results).toBeGreaterThan(60);

    const set = await run('gstack', ['team', 'set', 'retention-days', '30'], alice.env);
    expect([set.code, set.stderr]).toEqual([0, '']);
    expect(JSON.parse((await run('gstack', ['team', 'settings', '--json'], alice.env)).stdout)).toMatchObject({ retention_days: 30 });
    const bad = await run('gstack', ['team', 'set', 'retention-days', '3'], alice.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('retention-days must be days runs keep their results, attempts and outputs, 14 to 3650, or forever');

    // What the scheduler runs, as it runs it.
    const [job] = await sql<{ command: string }>(`select command from cron.job where jobname = 'gstack-retention-prune'`);
    await sql(job?.command ?? '');

    expect(await rawRows(true)).toEqual({ runs: 16, results: 0, attempts: 0, pruned: 16, documents: 0 });
    expect(await rawRows(false)).toEqual(fresh);
    for (const path of PAGES()) expect(figures(await page(path)), path).toEqual(before.get(path));
  });

  it('says on the run page, on compare and in gstack eval show --team that a pruned run lost its tests, and keeps its totals', async () => {
    const [pruned] = await sql<{ id: string; passed: number; newer: string }>(
      `select r.id, r.passed,
              (select n.id from public.eval_runs n where n.team_id = r.team_id and n.suite = r.suite and n.pruned_at is null order by n.run_at limit 1) as newer
       from public.eval_runs r where r.run_key = $1`,
      [docs[20]?.run_id],
    );
    expect(pruned?.newer).toBeTruthy();
    const today = new Date().toISOString().slice(0, 10);
    const notice = `Results, attempts and outputs of this run were removed on ${today} under the team's retention of 30 days; its totals and costs are kept.`;
    const detail = await page(`/runs/${pruned?.id}`);
    expect(detail).toContain(notice.replace("'", '&#39;'));
    expect(detail).toContain(`${pruned?.passed} passed`);
    const compare = await page(`/compare?base=${pruned?.id}&head=${pruned?.newer}`);
    expect(compare).toContain(`Baseline: ${notice.replace("'", '&#39;')}`);
    expect(compare).not.toContain('class="compare"');
    // Tests and Problems read per-test outcomes of recent runs: they say how many were pruned.
    expect(await page('/tests?repo=acme-app&suite=ladder-a')).toContain(
      "8 of the suite's last 20 runs are past the team's retention: their per-test outcomes were removed, so they are not counted here.",
    );
    expect(await page('/problems')).toContain("16 runs of the last 90 days are past the team's retention");
    // A run inside the retention is whole: no notice.
    expect(await page(`/runs/${pruned?.newer}`)).not.toContain('data-pruned');

    const shown = await run('gstack', ['eval', 'show', String(docs[20]?.run_id), '--team'], { ...alice.env, NO_COLOR: '1' });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(notice);
    const compared = await run('gstack', ['eval', 'compare', String(docs[20]?.run_id), String(docs[0]?.run_id), '--team'], {
      ...alice.env,
      NO_COLOR: '1',
    });
    expect(compared.code, compared.stderr).toBe(0);
    expect(compared.stdout).toContain(`before: ${notice}`);
    expect(compared.stdout).toContain("only the totals compare: the test-by-test diff needs both runs' results");
    expect(compared.stdout).not.toContain('newly failing');
  });

  it('the Team page shows the retention and an admin sets it back to forever', async () => {
    const teamPage = await page('/team');
    expect(teamPage).toMatch(/name="retention_days"[^>]*value="30"/);
    const form = [...teamPage.matchAll(/<form class="stack" method="post" action="([^"]*settings)">([\s\S]*?)<\/form>/g)][0];
    expect(form).toBeTruthy();
    const fields = new URLSearchParams();
    for (const [, name, value] of (form?.[2] ?? '').matchAll(/<input(?![^>]*type="checkbox")[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g))
      fields.set(name as string, (value as string).replace(/&amp;/g, '&'));
    for (const [, name, value] of (form?.[2] ?? '').matchAll(/<select name="([^"]+)">[\s\S]*?<option value="([^"]*)" selected/g))
      fields.set(name as string, value as string);
    const post = (retention: string) => {
      fields.set('retention_days', retention);
      return fetch(`${dashboard.url}${form?.[1]}`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: dashboard.url },
        body: fields,
        redirect: 'manual',
      });
    };
    const refused = await post('3');
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('retention_days: must be at least 14 days');
    expect(await sql('select retention_days from public.team_settings where team_id = $1', [team])).toEqual([{ retention_days: 30 }]);
    expect((await post('forever')).status).toBe(303);
    expect(await sql('select retention_days from public.team_settings where team_id = $1', [team])).toEqual([{ retention_days: null }]);
  });
});
