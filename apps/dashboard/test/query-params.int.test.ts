/**
 * Query parameters are checked before they reach the store (issue 23, item 9):
 * a malformed offset or date is a 400 naming the parameter, and a store
 * failure never shows the database's own text. The Node dashboard against the
 * private stack, signed in with the password form over plain HTTP.
 */
import { person, run } from '@gstack/client/testing/people';
import { stackInfo, unique } from '@gstack/local-stack/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDashboard, startDashboard } from '../src/node.ts';
import { signInCookie } from './session.ts';

let dashboard: RunningDashboard;
let cookie: string;
let slug: string;

beforeAll(async () => {
  slug = unique('params').replace(/_/g, '-').toLowerCase().slice(0, 40);
  const who = await person(slug);
  expect((await run('gstack', ['team', 'create', slug], who.env)).code).toBe(0);
  dashboard = await startDashboard({ supabaseUrl: stackInfo().apiUrl, supabaseKey: stackInfo().publishableKey });
  cookie = await signInCookie(dashboard.url, who);
});

afterAll(async () => {
  await dashboard?.close();
});

async function page(pathAndQuery: string) {
  const res = await fetch(`${dashboard.url}/t/${slug}${pathAndQuery}`, { headers: { cookie } });
  return { status: res.status, text: await res.text() };
}

/** Words of Postgres' and PostgREST's errors that must never reach a page. */
const DATABASE_TEXT = /out of range|invalid input syntax|bigint|integer|unicode|escape sequence|PGRST|SQLSTATE|\\u0000/i;

describe('dashboard query parameters', () => {
  it('answers a valid page as before', async () => {
    expect((await page('/runs?offset=50&from=2026-01-01&to=2026-12-31')).status).toBe(200);
  });

  it.each([
    ['offset=99999999999999999999', 'offset: expected a whole number from 0 to 1,000,000,000.'],
    ['offset=-1', 'offset: expected a whole number from 0 to 1,000,000,000.'],
    ['offset=1e3', 'offset: expected a whole number from 0 to 1,000,000,000.'],
    ['from=2026-13-45', 'from: expected a date as YYYY-MM-DD.'],
    ['to=2026-02-30', 'to: expected a date as YYYY-MM-DD.'],
    ['to=yesterday', 'to: expected a date as YYYY-MM-DD.'],
    ['from=2026-10-31&to=2026-10-01', 'from: expected a day on or before to (2026-10-01), got 2026-10-31.'],
  ])('refuses %s with 400 naming the parameter', async (query, message) => {
    const res = await page(`/runs?${query}`);
    expect(res.status).toBe(400);
    expect(res.text).toContain(message);
    expect(res.text).not.toMatch(DATABASE_TEXT);
  });

  it('answers a valid date range on every period page', async () => {
    for (const path of ['/costs', '/trends', '/escalation', '/review', '/leaderboard']) {
      expect((await page(`${path}?from=2026-10-01&to=2026-10-31`)).status, path).toBe(200);
      expect((await page(`${path}?since=2026-10-01`)).status, path).toBe(200);
    }
  });

  it.each([
    ['/costs?from=2026-10-32&to=2026-10-31', 'from: expected a date as YYYY-MM-DD.'],
    ['/trends?from=2026-10-01&to=31-10-2026', 'to: expected a date as YYYY-MM-DD.'],
    ['/escalation?from=2026-10-31&to=2026-10-01', 'from: expected a day on or before to (2026-10-01), got 2026-10-31.'],
    ['/review?to=2026-10-31', 'from: expected a date as YYYY-MM-DD (the first day of the range) with to.'],
    ['/leaderboard?from=2025-01-01&to=2026-10-31', 'from: a range is at most 366 days; 2025-01-01 to 2026-10-31 is 669.'],
    ['/costs?since=2026-02-30', 'since: expected a date as YYYY-MM-DD.'],
    ['/costs?since=2999-01-01', 'since: expected a day on or before today'],
    ['/trends?since=2026-10-01&from=2026-10-01', 'since: give from or since (its older name), not both.'],
  ])('refuses the period %s with 400 naming the parameter', async (query, message) => {
    const res = await page(query);
    expect(res.status).toBe(400);
    expect(res.text).toContain(message);
    expect(res.text).not.toMatch(DATABASE_TEXT);
  });

  it('shows no database text when the store refuses a request', async () => {
    // A NUL character cannot be Postgres text: the RPC fails inside the database.
    const res = await page('/runs?suite=a%00b');
    expect(res.status).toBe(502);
    expect(res.text).toContain('Reading runs_page failed. Try again; if it persists, the server log has the details.');
    expect(res.text).not.toMatch(DATABASE_TEXT);
  });
});
