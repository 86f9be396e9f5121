/**
 * The CI report's two RPCs: who may call them (a member for their team, a CI
 * token for its own team, nobody else), which run is the baseline, and which
 * history the flaky classifier gets.
 */
import { randomUUID } from 'node:crypto';
import { anonClient, createTeam, pushRun, signedInClient, stackInfo } from '@gstack/local-stack/testing';
import type { SupabaseClient } from '@supabase/supabase-js';
import { beforeAll, describe, expect, it } from 'vitest';

const HOUR = 3_600_000;
const now = Date.now();

function payload(key: string, branch: string | null, hoursAgo: number, tests: Record<string, boolean | boolean[]>, suite = 'smoke') {
  const results = Object.entries(tests).flatMap(([test_name, v]) =>
    (Array.isArray(v) ? v : [v]).map((passed, i) => ({ test_name, trial: i + 1, passed, duration_ms: 100, cost_usd: 0.001 })),
  );
  const passed = results.filter((r) => r.passed).length;
  return {
    run: {
      run_key: key,
      repo_slug: 'acme-app',
      branch,
      git_sha: `${key}-sha`,
      suite,
      run_at: new Date(now - hoursAgo * HOUR).toISOString(),
      total_tests: results.length,
      passed,
      failed: results.length - passed,
      cost_usd: results.length * 0.001,
    },
    results,
  };
}

let admin: SupabaseClient;
let outsider: SupabaseClient;
let team: string;
let otherTeam: string;
let token: string;
let otherToken: string;
const keys: Record<string, string> = {};

async function mint(client: SupabaseClient, teamId: string): Promise<string> {
  const { data, error } = await client.rpc('create_team_token', { p_team_id: teamId, p_name: `ci-${randomUUID()}` });
  if (error) throw new Error(error.message);
  return (data as Array<{ token: string }>)[0]?.token as string;
}

beforeAll(async () => {
  admin = (await signedInClient()).client;
  outsider = (await signedInClient()).client;
  team = await createTeam(admin, 'cirep');
  otherTeam = await createTeam(outsider, 'cirep-other');
  token = await mint(admin, team);
  otherToken = await mint(outsider, otherTeam);
  const runs: Array<[string, string | null, number, Record<string, boolean | boolean[]>, string?]> = [
    ['main-1', 'main', 6, { a: true, w: true }],
    ['main-2', 'main', 5, { a: true, w: false }],
    ['wip-1', 'feature', 4.5, { a: false, w: true }],
    ['main-3', 'main', 4, { a: true, w: true }],
    ['other-suite', 'main', 3.5, { a: false }, 'other'],
    ['main-4', 'main', 3, { a: true, w: false }],
    ['pr', 'feature', 2, { a: false, w: true }],
    // After the pull request's run: not its baseline.
    ['main-later', 'main', 1, { a: false, w: false }],
  ];
  for (const [key, branch, hoursAgo, tests, suite] of runs) {
    keys[key] = `${key}-${randomUUID()}`;
    await pushRun(admin, team, payload(keys[key] as string, branch, hoursAgo, tests, suite));
  }
});

const context = (client: SupabaseClient, args: Record<string, unknown>) =>
  client.rpc('ci_report_context', { p_team_id: null, p_token: null, p_branches: ['main'], ...args });

describe('ci_report_context', () => {
  it("the baseline is the latest run of the repo and suite on the base branch before the run; the history is that branch's", async () => {
    const { data, error } = await context(admin, { p_team_id: team, p_run: keys.pr });
    expect(error).toBeNull();
    expect(data.run.run_key).toBe(keys.pr);
    expect(data.run.branch).toBe('feature');
    expect(data.baseline.run_key).toBe(keys['main-4']);
    expect(data.baseline.results).toEqual([
      { test_name: 'a', trial: 1, passed: true, skipped: false, cost_usd: 0.001, duration_ms: 100 },
      { test_name: 'w', trial: 1, passed: false, skipped: false, cost_usd: 0.001, duration_ms: 100 },
    ]);
    // main-1..main-4, oldest first; neither the feature branch's runs, the other suite, nor the later main run.
    expect(data.history).toEqual({ a: [true, true, true, true], w: [true, false, true, false] });
    expect(data.threshold_pp).toBe(5);
    expect(data.dashboard_url).toBeNull();
  });

  it('a CI token reads the context of its own team, by run key or id', async () => {
    const byKey = await context(anonClient(), { p_token: token, p_run: keys.pr });
    expect(byKey.error).toBeNull();
    const byId = await context(anonClient(), { p_token: token, p_run: byKey.data.run.id, p_baseline: keys['main-1'] });
    expect(byId.error).toBeNull();
    expect(byId.data.baseline.run_key).toBe(keys['main-1']);
  });

  it('nobody else: no token and no session, an unknown token, another team, another team token', async () => {
    const anon = await context(anonClient(), { p_team_id: team, p_run: keys.pr });
    expect(anon.error?.code).toBe('42501');
    const bad = await context(anonClient(), { p_token: 'gst_not-a-token', p_run: keys.pr });
    expect(bad.error?.code).toBe('28000');
    const outsiderRead = await context(outsider, { p_team_id: team, p_run: keys.pr });
    expect(outsiderRead.error?.code).toBe('42501');
    // A token reads only its own team: another team's run does not exist for it.
    const otherTokenRead = await context(anonClient(), { p_token: otherToken, p_run: keys.pr });
    expect(otherTokenRead.error?.code).toBe('P0002');
    expect(otherTokenRead.data).toBeNull();
  });
});

describe('ci_record_report', () => {
  const report = {
    gated: true,
    pull_request: 12,
    pull_request_url: 'https://github.com/acme/app/pull/12',
    reasons: ['"a" newly fails'],
    counts: { 'newly-failing': 1 },
  };

  it('records the verdict once per run (the latest report wins); members read it', async () => {
    const first = await anonClient().rpc('ci_record_report', {
      p_team_id: null,
      p_token: token,
      p_run: keys.pr,
      p_report: { ...report, gated: false },
    });
    expect(first.error).toBeNull();
    const second = await anonClient().rpc('ci_record_report', {
      p_team_id: null,
      p_token: token,
      p_run: keys.pr,
      p_report: { ...report, baseline_run_id: keys['main-4'] },
    });
    expect(second.error).toBeNull();
    const { data } = await admin.from('ci_reports').select('gated, pull_request, pull_request_url, reasons, suite, baseline_run_id');
    expect(data).toHaveLength(1);
    expect(data?.[0]).toMatchObject({
      gated: true,
      pull_request: 12,
      pull_request_url: report.pull_request_url,
      reasons: report.reasons,
      suite: 'smoke',
    });
    expect(data?.[0]?.baseline_run_id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await outsider.from('ci_reports').select('run_id')).data).toEqual([]);
  });

  it("counts the pull requests the gate stopped in a window, per repository, once each (the digest's number)", async () => {
    // Three more runs reported: PR 12 again (still stopped: counted once), PR 13 passed, PR 14 stopped.
    const reports: Array<[string, number, boolean]> = [
      ['main-1', 12, true],
      ['main-2', 13, false],
      ['main-3', 14, true],
    ];
    for (const [key, pr, gated] of reports) {
      const { error } = await anonClient().rpc('ci_record_report', {
        p_team_id: null,
        p_token: token,
        p_run: keys[key],
        p_report: { ...report, pull_request: pr, gated },
      });
      expect(error).toBeNull();
    }
    const window = { p_team_id: team, p_from: new Date(now - HOUR).toISOString(), p_until: new Date(Date.now() + HOUR).toISOString() };
    expect((await admin.rpc('ci_stopped_pull_requests', window)).data).toBe(2);
    // Another window: none. Another team's member: RLS hides the rows, so 0.
    expect((await admin.rpc('ci_stopped_pull_requests', { ...window, p_until: window.p_from })).data).toBe(0);
    expect((await outsider.rpc('ci_stopped_pull_requests', window)).data).toBe(0);

    // The Monday digest of this week says so (a preview, through the real weekly-digest function).
    const today = new Date();
    const monday = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - ((today.getUTCDay() + 6) % 7)));
    const res = await fetch(`${stackInfo().functionsUrl}/weekly-digest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stackInfo().serviceRoleKey}` },
      body: JSON.stringify({ team_id: team, week_start: monday.toISOString().slice(0, 10), dry_run: true }),
    });
    const body = (await res.json()) as { results: Array<{ text: string }> };
    expect(body.results[0]?.text).toContain('CI gate: stopped 2 pull requests');
  });

  it('refuses another team, no credentials, a link that is not http(s), and a verdict that is not a boolean', async () => {
    const foreign = await anonClient().rpc('ci_record_report', { p_team_id: null, p_token: otherToken, p_run: keys.pr, p_report: report });
    expect(foreign.error?.code).toBe('P0002');
    const anon = await anonClient().rpc('ci_record_report', { p_team_id: team, p_token: null, p_run: keys.pr, p_report: report });
    expect(anon.error?.code).toBe('42501');
    const script = await anonClient().rpc('ci_record_report', {
      p_team_id: null,
      p_token: token,
      p_run: keys.pr,
      p_report: { ...report, pull_request_url: 'javascript:alert(1)' },
    });
    expect(script.error?.code).toBe('23514');
    const notBool = await anonClient().rpc('ci_record_report', {
      p_team_id: null,
      p_token: token,
      p_run: keys.pr,
      p_report: { ...report, gated: 'yes' },
    });
    expect(notBool.error?.code).toBe('22023');
  });
});
