/**
 * The demo seed against the private stack: the shape of what lands (runs per
 * repo and suite over 60 days, people, CI-token runs, fresh heartbeats,
 * activity, settings), the stories the dashboard and alerts tell (one flaky
 * and one degrading test by core's classifyTrend, today's regression by
 * core's runRegression), costs with cache tokens, people's reviews and the
 * verifier's audit sample giving real (neither 0 % nor 100 %) verifier
 * numbers, and idempotence: a second
 * seed changes no row, and another team is never touched.
 */
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { classifyTrend, type Database, newlyFailing, type RateEstimate, runRegression, toRunPayload, verifierQuality } from '@gstack/core';
import { anonClient, createTeam, eventually, pushRun, signedInClient, sinkMessages, sql, stackInfo } from '@gstack/local-stack/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { stackEnv } from '../../apps/local-stack/src/index.ts';
import { makeRun } from '../../packages/client/src/testing/history.ts';
import { demoActivity } from './activity.ts';
import { DEMO_DAYS, DEMO_PEOPLE, DEMO_REPOS, DEMO_SEED, REGRESSION_SUITE } from './model.ts';
import { demoSchedule } from './schedule.ts';
import { DEMO_SIGN_IN, type SeedResult, seedDemo } from './seed.ts';
import { demoAtStart } from './start.ts';

const NOW = Date.now();
const TABLES = [
  'eval_runs',
  'eval_results',
  'eval_attempts',
  'eval_costs',
  'sync_heartbeats',
  'ship_logs',
  'qa_reports',
  'session_transcripts',
  'team_members',
  'team_settings',
  'answer_reviews',
];

async function rowCounts(team: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES) {
    const [row] = await sql<{ n: string }>(`select count(*) as n from public.${table} where team_id = $1`, [team]);
    out[table] = Number(row?.n);
  }
  return out;
}

let first: SeedResult;
let team: string;
let other: { id: string; before: Record<string, number> };
let skipped: Awaited<ReturnType<typeof demoAtStart>>;
const envFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'gstack-demo-env-')), 'stack.env');

beforeAll(async () => {
  // Another team with a run of its own, before the seed: the seed must leave it alone.
  const { client } = await signedInClient();
  const otherTeam = await createTeam(client, 'other');
  await pushRun(client, otherTeam, toRunPayload(makeRun({ hoursAgo: 1, tests: { a: true, b: false } })));
  other = { id: otherTeam, before: await rowCounts(otherTeam) };

  // npm start --no-demo on a new database: nothing is seeded, nothing printed.
  writeFileSync(envFile, 'SUPABASE_URL=http://127.0.0.1:1\n', { mode: 0o644 });
  skipped = await demoAtStart({ ...stackInfo(), envFile }, { created: true, skip: true });

  first = await seedDemo(stackInfo(), { now: NOW });
  team = first.team.id;
  console.log(`demo seed: ${first.runs} runs and ${first.activity} activity records in ${first.seconds.toFixed(1)} s`);
});

describe('the demo team', () => {
  const schedule = demoSchedule(DEMO_SEED, NOW);

  it('has every scheduled run: 3 repos × 4 suites over 60 days, by people and by the CI token', async () => {
    const rows = await sql<{ repo_slug: string; suite: string; runs: string; ci: string; days: string; oldest: Date }>(
      `select repo_slug, suite, count(*) runs, count(*) filter (where token_id is not null and user_id is null) ci,
              count(distinct run_at::date) days, min(run_at) oldest
         from public.eval_runs where team_id = $1 group by 1, 2 order by 1, 2`,
      [team],
    );
    const expected = DEMO_REPOS.flatMap((r) => r.suites.map((s) => ({ repo: r.slug, suite: s.name }))).sort((a, b) =>
      `${a.repo}/${a.suite}`.localeCompare(`${b.repo}/${b.suite}`),
    );
    expect(rows.map((r) => `${r.repo_slug}/${r.suite}`)).toEqual(expected.map((e) => `${e.repo}/${e.suite}`));
    expect(DEMO_REPOS).toHaveLength(3);
    for (const row of rows) {
      const planned = schedule.filter((s) => s.repo === row.repo_slug && s.suite.name === row.suite);
      expect(Number(row.runs), `${row.repo_slug}/${row.suite}`).toBe(planned.length);
      expect(Number(row.ci)).toBe(planned.filter((s) => s.by === 'ci').length);
      expect(Number(row.runs)).toBeGreaterThanOrEqual(20);
      expect(NOW - row.oldest.getTime()).toBeGreaterThan((DEMO_DAYS - 3) * 86_400_000);
    }
    const ci = rows.reduce((a, r) => a + Number(r.ci), 0);
    expect(ci).toBeGreaterThan(100);
    expect(rows.reduce((a, r) => a + Number(r.runs), 0)).toBe(first.runs);
  });

  it('has five named people, each with runs of their own, and three of them active now', async () => {
    const people = await sql<{ display_name: string; role: string; runs: string }>(
      `select m.display_name, m.role, (select count(*) from public.eval_runs r where r.team_id = m.team_id and r.user_id = m.user_id) runs
         from public.team_members m where m.team_id = $1 order by 1`,
      [team],
    );
    expect(people.map((p) => p.display_name)).toEqual(DEMO_PEOPLE.map((p) => p.name).sort());
    expect(people.filter((p) => p.role === 'admin').map((p) => p.display_name)).toEqual(['Maya Chen']);
    for (const p of people) expect(Number(p.runs), p.display_name).toBeGreaterThan(10);
    const active = await sql<{ hostname: string }>(
      `select distinct hostname from public.sync_heartbeats where team_id = $1 and last_seen_at > now() - interval '15 minutes' order by 1`,
      [team],
    );
    expect(active.map((a) => a.hostname)).toEqual(['maya-mbp', 'raj-xps', 'sofia-air']);
  });

  it('has ladder attempts warm and cold, escalations, judge verdicts (some cached) and costs with cache tokens', async () => {
    const [attempts] = await sql<{ warm: string; cold: string; escalated: string; t2: string }>(
      `select count(*) filter (where warm) warm, count(*) filter (where warm = false) cold,
              count(*) filter (where verdict = 'escalate') escalated, count(*) filter (where tier = 't2') t2
         from public.eval_attempts where team_id = $1`,
      [team],
    );
    expect(Number(attempts?.warm)).toBeGreaterThan(100);
    expect(Number(attempts?.cold)).toBeGreaterThan(100);
    expect(Number(attempts?.escalated)).toBeGreaterThan(100);
    expect(Number(attempts?.t2)).toBe(Number(attempts?.escalated));
    const costs = await sql<{ model: string; purpose: string; cache_read: string; cache_write: string; usd: string }>(
      `select model, purpose, sum(cache_read_tokens) cache_read, sum(cache_write_tokens) cache_write, sum(cost_usd) usd
         from public.eval_costs where team_id = $1 group by 1, 2 order by 1, 2`,
      [team],
    );
    const sonnet = costs.find((c) => c.model === 'anthropic/claude-sonnet-4-6' && c.purpose === 'system');
    expect(Number(sonnet?.cache_read)).toBeGreaterThan(0);
    expect(Number(sonnet?.cache_write)).toBeGreaterThan(0);
    expect(Number(sonnet?.usd)).toBeGreaterThan(0);
    expect(Number(costs.find((c) => c.purpose === 'judge')?.usd)).toBeGreaterThan(0);
    for (const local of costs.filter((c) => c.model.startsWith('ollama/'))) expect(Number(local.usd)).toBe(0);
    const [judged] = await sql<{ verdicts: string; cached: string }>(
      `select count(*) verdicts, count(*) filter (where (j ->> 'cached')::boolean) cached
         from public.eval_runs r, jsonb_array_elements(r.result -> 'all_results') t, jsonb_array_elements(t -> 'judge') j
        where r.team_id = $1`,
      [team],
    );
    expect(Number(judged?.verdicts)).toBeGreaterThan(50);
    expect(Number(judged?.cached)).toBeGreaterThan(0);
  });

  it("classifies exactly one flaky and one degrading test (besides today's regression) with core's classifyTrend", async () => {
    const found: Record<string, string> = {};
    for (const repo of DEMO_REPOS)
      for (const suite of repo.suites) {
        const rows = await sql<{ test_name: string; outcomes: boolean[] }>('select * from public.test_history($1, $2, $3, 20)', [
          team,
          repo.slug,
          suite.name,
        ]);
        expect(rows).toHaveLength(suite.tests.length);
        for (const row of rows) {
          const trend = classifyTrend(row.outcomes).classification;
          if (trend !== 'stable-pass') found[`${repo.slug}/${suite.name}/${row.test_name}`] = trend;
        }
      }
    expect(found).toEqual({
      'acme-support-bot/triage/triage-urgent': 'flaky',
      'acme-codegen/sql-gen/sql-window-rank': 'degrading',
      // Passed for weeks, failed today: what the regression alert names.
      'acme-search/rag-answers/rag-no-answer': 'degrading',
      'acme-search/rag-answers/rag-multi-hop': 'degrading',
      'acme-search/rag-answers/rag-dates': 'degrading',
    });
  });

  it("has today's run of the regression suite far below its mean, naming the newly failing tests; no other fresh run regresses", async () => {
    const fresh = await sql<{ id: string; repo_slug: string; suite: string; passed: number; total_tests: number }>(
      `select id, repo_slug, suite, passed, total_tests from public.eval_runs where team_id = $1 and run_at > now() - interval '24 hours'`,
      [team],
    );
    expect(fresh.map((r) => `${r.repo_slug}/${r.suite}`)).toEqual([`${REGRESSION_SUITE.repo}/${REGRESSION_SUITE.suite}`]);
    const latest = fresh[0];
    if (!latest) throw new Error('no fresh run');
    const earlier = await sql<{ id: string; rate: string }>(
      `select id, passed * 100.0 / total_tests rate from public.eval_runs
        where team_id = $1 and repo_slug = $2 and suite = $3 and id <> $4 order by run_at desc limit 19`,
      [team, latest.repo_slug, latest.suite, latest.id],
    );
    const current = (latest.passed * 100) / latest.total_tests;
    const verdict = runRegression(
      current,
      earlier.map((r) => Number(r.rate)),
    );
    expect(verdict.regressed).toBe(true);
    expect(verdict.drop).toBeGreaterThan(25);
    const results = await sql<{ test_name: string; passed: boolean; run_id: string }>(
      'select test_name, passed, run_id from public.eval_results where run_id = any($1::uuid[])',
      [[latest.id, ...earlier.map((r) => r.id)]],
    );
    const now = new Map(results.filter((r) => r.run_id === latest.id).map((r) => [r.test_name, r.passed]));
    const history = new Map<string, boolean[]>();
    for (const r of results.filter((r) => r.run_id !== latest.id))
      history.set(r.test_name, [...(history.get(r.test_name) ?? []), r.passed]);
    expect(newlyFailing(now, history)).toEqual(['rag-dates', 'rag-multi-hop', 'rag-no-answer']);
  });

  it("sends today's regression to the team's Slack exactly once, naming the newly failing tests; older runs are stale", async () => {
    const messages = await eventually('the demo alert in the sink', async () => {
      const got = await sinkMessages('/services/demo');
      return got.length ? got : undefined;
    });
    expect(messages).toHaveLength(1);
    const text = JSON.stringify(messages[0]?.payload);
    for (const name of [REGRESSION_SUITE.suite, 'rag-dates', 'rag-multi-hop', 'rag-no-answer']) expect(text).toContain(name);
    const decisions = await eventually(
      'every demo run decided',
      async () => {
        const rows = await sql<{ decision: string; status: string; n: string }>(
          'select decision, status, count(*) as n from public.alert_deliveries where team_id = $1 group by 1, 2 order by 1, 2',
          [team],
        );
        const total = rows.reduce((sum, r) => sum + Number(r.n), 0);
        return total === first.runs && rows.every((r) => r.status !== 'processing') ? rows : undefined;
      },
      30_000,
    );
    expect(decisions.map((r) => `${r.decision}/${r.status}=${r.n}`)).toEqual([`regression/sent=1`, `stale/skipped=${first.runs - 1}`]);
  });

  it('has reviews and audit samples that measure the verifier against people and the assertions with real numbers', async () => {
    const client = anonClient(stackInfo().publishableKey);
    expect((await client.auth.signInWithPassword(DEMO_SIGN_IN)).error).toBeNull();
    const { data, error } = await client.rpc('verifier_outcomes', { p_team_id: team, p_days: 30 });
    expect(error).toBeNull();
    type Outcome = Database['public']['Functions']['verifier_outcomes']['Returns'][number];
    const rows = ((data ?? []) as Outcome[]).filter((r) => !r.verifier_error);
    const q = verifierQuality(
      rows.map((r) => ({
        accepted: r.accepted,
        assertionsPassed: r.assertions_passed,
        audit: r.audit,
        reviewsCorrect: Number(r.reviews_correct),
        reviewsIncorrect: Number(r.reviews_incorrect),
        count: Number(r.decisions),
      })),
    );
    expect(first.reviews).toBeGreaterThan(50);
    expect(q.audits).toBeGreaterThan(20);
    // Every rate has enough labelled answers and is a real estimate, not 0 % or 100 % by construction.
    const real = (r: RateEstimate) => r.enough && r.count > 0 && r.count < r.of;
    for (const truth of [q.people, q.assertions]) {
      expect(real(truth.agreement)).toBe(true);
      expect(real(truth.falseAccepts)).toBe(true);
      expect(real(truth.falseRejects)).toBe(true);
    }
    // The audit sample's calls are on the Costs page: their cost is counted.
    expect(rows.filter((r) => r.audit).reduce((a, r) => a + Number(r.cost_usd), 0)).toBeGreaterThan(0);
  });

  it('has ships, QA reports and session transcripts, and the Slack settings on the stack sink', async () => {
    const activity = demoActivity(DEMO_SEED, NOW);
    const counts = await rowCounts(team);
    expect(counts.ship_logs).toBe(activity.filter((a) => a.kind === 'ship').length);
    expect(counts.qa_reports).toBe(activity.filter((a) => a.kind === 'qa').length);
    expect(counts.session_transcripts).toBe(activity.filter((a) => a.kind === 'transcript').length);
    expect(counts.ship_logs).toBeGreaterThan(20);
    const [settings] = await sql<{
      slack_webhook_url: string;
      dashboard_url: string | null;
      alert_threshold_pp: string;
      digest_enabled: boolean;
    }>('select slack_webhook_url, dashboard_url, alert_threshold_pp, digest_enabled from public.team_settings where team_id = $1', [team]);
    expect(settings).toEqual({
      slack_webhook_url: `${stackInfo().slackSinkUrl}/services/demo`,
      dashboard_url: null,
      alert_threshold_pp: '5.00',
      digest_enabled: true,
    });
  });

  it('npm start: --no-demo seeds nothing; a restart prints the sign-in and writes it to stack.env (0600)', async () => {
    expect(skipped).toEqual({ lines: [] });
    const restart = await demoAtStart({ ...stackInfo(), envFile }, { created: false, skip: false });
    expect(restart.seeded).toBeUndefined();
    expect(restart.lines.join('\n')).toContain(`email     ${DEMO_SIGN_IN.email}`);
    expect(restart.lines.join('\n')).toContain(`password  ${DEMO_SIGN_IN.password}`);
    expect(await readFile(envFile, 'utf8')).toBe(
      `SUPABASE_URL=http://127.0.0.1:1\nDEMO_EMAIL=${DEMO_SIGN_IN.email}\nDEMO_PASSWORD=${DEMO_SIGN_IN.password}\n`,
    );
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    // The printed sign-in works and shows the demo team.
    const client = anonClient(stackInfo().publishableKey);
    const signIn = await client.auth.signInWithPassword(DEMO_SIGN_IN);
    expect(signIn.error).toBeNull();
    const { data } = await client.from('teams').select('slug');
    expect(data).toEqual([{ slug: 'demo' }]);
  });

  it('seeding again changes nothing, and the other team is untouched', async () => {
    const before = await rowCounts(team);
    const second = await seedDemo(stackInfo(), { now: NOW });
    console.log(`demo re-seed: ${second.pushedRuns} runs pushed in ${second.seconds.toFixed(1)} s`);
    expect(second.team.id).toBe(team);
    expect(second.pushedRuns).toBe(0);
    expect(await rowCounts(team)).toEqual(before);
    expect(before.eval_runs).toBe(first.runs);
    expect(await rowCounts(other.id)).toEqual(other.before);
    expect(other.before.eval_runs).toBe(1);
  });

  it('npm start on a new database seeds through `npm run demo:seed` in a child process (here: a no-op re-seed)', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gstack-demo-start-'));
    const stackEnvFile = path.join(dataDir, 'stack.env');
    writeFileSync(stackEnvFile, stackEnv(stackInfo()), { mode: 0o600 });
    const before = await rowCounts(team);
    const start = await demoAtStart({ ...stackInfo(), envFile: stackEnvFile }, { created: true, skip: false });
    expect(start.lines[0]).toMatch(/^Demo team "demo" seeded in [\d.]+ s \(\d+ runs\); sign in as:$/);
    expect(start.seeded).toMatchObject({ team: { id: team }, runs: first.runs, pushedRuns: 0 });
    expect(await readFile(stackEnvFile, 'utf8')).toContain(`DEMO_EMAIL=${DEMO_SIGN_IN.email}\nDEMO_PASSWORD=${DEMO_SIGN_IN.password}\n`);
    expect(await rowCounts(team)).toEqual(before);
  });

  it('npm run demo:seed without a stack.env is a usage error naming the file', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gstack-demo-empty-'));
    const start = await demoAtStart({ ...stackInfo(), envFile: path.join(dataDir, 'stack.env') }, { created: true, skip: false });
    expect(start.lines).toEqual([
      `Demo team: seeding failed (${path.join(dataDir, 'stack.env')}: no stack.env here; start the stack first (npm start) or pass --data-dir); retry with: npm run demo:seed -- --data-dir <data dir>`,
    ]);
  });
});
