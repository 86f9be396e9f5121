/**
 * The Monday digest read as a channel member: a fixture week with ladder
 * attempts and verifier decisions pushed through the real CLI, sent by the
 * real weekly-digest function to the stack's Slack sink, every figure checked
 * against the numbers worked out by hand below, and every link in the message
 * opened in Chromium, signed in, landing on the page it names.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Person, person, run } from '@gstack/client/testing/people';
import { passRatePercent, type StandardEvalResultInput } from '@gstack/core';
import { eventually, serviceClient, sinkMessages, sql, stackInfo, unique } from '@gstack/local-stack/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDashboard, startDashboard } from '../src/node.ts';
import { launchBrowser, signInWithForm } from './browser.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'gstack-digest-links-'));
const slug = unique('digestlinks').replace(/_/g, '-').toLowerCase().slice(0, 40);
const hook = `/digest-links/${slug}`;
let admin: Person;
let teamId: string;
let dashboard: RunningDashboard;
let browser: Browser;

/** One ladder attempt: tier tN on model local/tN, judged by the verifier local/v at $0.0002. */
interface Try {
  tier: 't1' | 't2';
  cost: number;
  accept: boolean;
  /** The answer passed the test's deterministic assertions. */
  assertions: boolean;
}

/** A result document whose costs add up: each test costs its attempts plus $0.0002 per verifier call. */
function doc(suite: string, at: string, tests: Record<string, { passed: boolean; tries: Try[] }>): StandardEvalResultInput {
  const results = Object.entries(tests).map(([name, t]) => {
    const last = t.tries.at(-1) as Try;
    const attempts = t.tries.map((a, i) => ({
      attempt: i + 1,
      model: `local/${a.tier}`,
      tier: a.tier,
      duration_ms: 100,
      verdict: a.accept ? ('accept' as const) : ('escalate' as const),
      cost_usd: a.cost,
      verifier: { model: 'local/v', cached: false, cost_usd: 0.0002, accept: a.accept },
      assertions_passed: a.assertions,
    }));
    return {
      name,
      passed: t.passed,
      cost_usd: t.tries.reduce((sum, a) => sum + a.cost + 0.0002, 0),
      judge_cost_usd: 0.0002 * t.tries.length,
      resolved_tier: last.tier,
      resolved_model: `local/${last.tier}`,
      error: t.passed ? null : 'wrong answer',
      assertions: [{ type: 'contains', passed: t.passed }],
      attempts,
    };
  });
  const byModel = new Map<string, { purpose: 'system' | 'judge'; calls: number; cost: number }>();
  for (const r of results)
    for (const a of r.attempts) {
      for (const [model, purpose, cost] of [
        [a.model, 'system', a.cost_usd],
        ['local/v', 'judge', 0.0002],
      ] as const) {
        const m = byModel.get(model) ?? { purpose, calls: 0, cost: 0 };
        byModel.set(model, { purpose, calls: m.calls + 1, cost: m.cost + cost });
      }
    }
  const passed = results.filter((r) => r.passed).length;
  return {
    schema_version: 1,
    version: '0.1.0',
    run_id: unique('digest-run'),
    suite,
    tier: 'ladder',
    repo_slug: 'acme-app',
    git: { branch: 'main', sha: 'abc1234' },
    hostname: 'laptop',
    timestamp: at,
    prompt_sha: 'p1',
    duration_ms: 1000,
    totals: { tests: results.length, passed, failed: results.length - passed, skipped: 0, errors: 0 },
    pass_rate: passRatePercent(passed, results.length),
    cost_usd: results.reduce((sum, r) => sum + r.cost_usd, 0),
    judge_cost_usd: results.reduce((sum, r) => sum + r.judge_cost_usd, 0),
    cost_exact: false,
    costs: [...byModel].map(([model, m]) => ({ model, purpose: m.purpose, calls: m.calls, cost_usd: m.cost, exact: false })),
    by_category: { general: { tests: results.length, passed, failed: results.length - passed } },
    all_results: results,
  };
}

async function push(d: StandardEvalResultInput): Promise<string> {
  const file = path.join(dir, `${d.run_id}.json`);
  writeFileSync(file, JSON.stringify(d));
  const pushed = await run('gstack-sync', ['push', file], admin.env);
  expect(pushed.code, pushed.stderr).toBe(0);
  return (
    (await sql<{ id: string }>('select id from public.eval_runs where team_id = $1 and run_key = $2', [teamId, d.run_id]))[0]?.id ?? ''
  );
}

/** The digest among the messages the team's webhook got (the live suite's regression alert is there too). */
async function digestMessage() {
  return (await sinkMessages(hook)).find((m) => String(m.payload.text).includes('Weekly digest'));
}

const t1ok: Try = { tier: 't1', cost: 0.001, accept: true, assertions: true };
let runs: { r1: string; r2: string; bad: string };

beforeAll(async () => {
  admin = await person(slug);
  expect((await run('gstack', ['team', 'create', slug, '--name', 'Links & Co'], admin.env)).code).toBe(0);
  teamId = (await sql<{ id: string }>('select id from public.teams where slug = $1', [slug]))[0]?.id ?? '';
  dashboard = await startDashboard({ supabaseUrl: stackInfo().apiUrl, supabaseKey: stackInfo().publishableKey });
  for (const [setting, value] of [
    ['slack-webhook', `${stackInfo().slackSinkUrl}${hook}`],
    ['dashboard-url', `${dashboard.url}/t/${slug}`],
  ]) {
    const set = await run('gstack', ['team', 'set', setting as string, value as string], admin.env);
    expect(set.code, set.stderr).toBe(0);
  }
  // The week of Monday 2026-10-05.
  // R1: p and q pass at t1 (verifier accepts, assertions pass).
  const r1 = await push(doc('smoke', '2026-10-06T10:00:00Z', { p: { passed: true, tries: [t1ok] }, q: { passed: true, tries: [t1ok] } }));
  // R2: p is rejected at t1 (rightly: assertions fail) and passes at t2 for $0.01; q is accepted at t1
  // but fails its assertions (a false accept) and fails.
  const r2 = await push(
    doc('smoke', '2026-10-07T10:00:00Z', {
      p: {
        passed: true,
        tries: [
          { tier: 't1', cost: 0.001, accept: false, assertions: false },
          { tier: 't2', cost: 0.01, accept: true, assertions: true },
        ],
      },
      q: { passed: false, tries: [{ tier: 't1', cost: 0.001, accept: true, assertions: false }] },
    }),
  );
  // Today, suite live: two good runs then r fails: an open episode ("still failing").
  const now = Date.now();
  const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();
  await push(doc('live', at(30), { r: { passed: true, tries: [t1ok] }, s: { passed: true, tries: [t1ok] } }));
  await push(doc('live', at(20), { r: { passed: true, tries: [t1ok] }, s: { passed: true, tries: [t1ok] } }));
  const bad = await push(doc('live', at(10), { r: { passed: false, tries: [t1ok] }, s: { passed: true, tries: [t1ok] } }));
  await eventually('the episode of live', async () => {
    const { data } = await serviceClient().from('alert_episodes').select('tests').eq('team_id', teamId).eq('suite', 'live');
    return data?.length ? data : undefined;
  });
  runs = { r1, r2, bad };
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
});

describe('the Monday digest', () => {
  it('says the numbers worked out by hand, with their nouns, one cost per tier in every section', async () => {
    const res = await fetch(`${stackInfo().functionsUrl}/weekly-digest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stackInfo().serviceRoleKey}` },
      body: JSON.stringify({ team_id: teamId, week_start: '2026-10-05' }),
    });
    expect((await res.json()).results[0].outcome).toBe('sent');
    const message = await digestMessage();
    const blocks = JSON.stringify(message?.payload.blocks);
    const base = `${dashboard.url}/t/${slug}`;
    // Runs 2; passed 2 + 1 of 4 = 75%. Cost: R1 2 × ($0.001 + $0.0002) = $0.0024, R2 p $0.0114 + q $0.0012
    // = $0.0126: $0.015 in all, of which the verifier (judge) 5 × $0.0002 = $0.001.
    expect(blocks).toContain(`*<${base}/runs|Runs>*: 2 (last week 0)`);
    expect(blocks).toContain(`*<${base}/trends|Pass rate>*: 75%`);
    expect(blocks).toContain(`*<${base}/costs?days=7|Cost>*: $0.0150 (nothing last week); system $0.0140, judge $0.0010`);
    // Model calls: t2 once ($0.01), t1 four times ($0.004), the verifier five times ($0.001).
    expect(blocks).toContain('• local/t2 (system): $0.0100, 1 call');
    expect(blocks).toContain('• local/t1 (system): $0.0040, 4 calls');
    expect(blocks).toContain('• local/v (judge): $0.0010, 5 calls');
    // Resolved: t1 p, q (R1) and q (R2): 3 of 4 tests, 2 passed; t2 p (R2). Spend per tier is its
    // attempts, the model table's numbers. Everything on t2: 4 tests × $0.01 = $0.04 − $0.014 spent.
    expect(blocks).toContain('• t1: 75% of tests resolved here, 2/3 passed; 4 attempts, $0.0040');
    expect(blocks).toContain('• t2: 25% of tests resolved here, 1/1 passed; 1 attempt, $0.0100');
    expect(blocks).toContain('• saved vs everything on t2: $0.0260');
    // Verifier: 5 decisions, 4 accepts (q in R2 a false accept: 1 of 4, 25%), 1 reject (right: 0 of 1).
    expect(blocks).toContain('• local/v: 5 decisions, 4 accepted, 1 rejected; 1 false accept (25%), 0 false rejects (0%)');
    // R2's 50% has one earlier run (R1's 100%): too few for a verdict, so no regression.
    expect(blocks).toContain('Top regressions (0)');
    // q passed in R1 and failed in R2: one flip, degrading; nothing flips twice.
    expect(blocks).toContain(`*<${base}/tests|Degrading (1)>*`);
    expect(blocks).not.toContain('Flaky (');
    expect(blocks).toMatch(
      new RegExp(
        `• acme-app / live \\(main\\): <${base}/test\\?repo=acme-app&amp;suite=live&amp;name=r\\|r> since <${base}/runs/${runs.bad}\\|`,
      ),
    );
    expect(blocks).toContain(`Still failing (1)`);
  });

  it('links every section to the dashboard page it names', async () => {
    const message = await digestMessage();
    const links = [...JSON.stringify(message?.payload.blocks).matchAll(/<(http[^|>]+)\|([^>]+)>/g)].map(([, url, label]) => ({
      url: (url ?? '').replaceAll('&amp;', '&'),
      label: label ?? '',
    }));
    const expected: Record<string, string> = {
      Runs: 'Runs',
      'Pass rate': 'Trends',
      Cost: 'Costs',
      'Top regressions (0)': 'Trends',
      'Still failing (1)': 'Tests',
      r: 'r',
      'Degrading (1)': 'Tests',
      q: 'q',
      'Cost by model': 'Costs',
      Escalation: 'Escalation',
      Verifier: 'Escalation',
    };
    for (const label of Object.keys(expected))
      expect(
        links.map((l) => l.label),
        label,
      ).toContain(label);
    const context = await browser.newContext();
    const page = await signInWithForm(context, dashboard.url, admin, `/t/${slug}`);
    for (const link of links) {
      expect(link.url.startsWith(`${dashboard.url}/t/${slug}/`), link.url).toBe(true);
      const response = await page.goto(link.url);
      expect(response?.status(), link.url).toBe(200);
      const h1 = (await page.locator('main h1').first().textContent())?.trim() ?? '';
      if (expected[link.label]) expect(h1.startsWith(expected[link.label] as string), `${link.label} → ${h1}`).toBe(true);
      else expect(h1, `${link.label} → ${link.url}`).toMatch(/^live|^r$/); // the run where r started failing
    }
    await context.close();
  });
});
