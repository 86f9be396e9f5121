/**
 * Scenario 3, alert latency: a pushed run whose pass rate drops (against two earlier good
 * runs of its suite) → the regression-alert function → a POST to the Slack sink; p50/p95
 * from the push to the POST's arrival. Then a burst of pushed runs (1,000; quick: 200) of
 * which some must alert: each expected message arrives exactly once, and the gateway keeps
 * answering dashboard reads meanwhile. Needs supabase/functions/regression-alert; without
 * it the scenario says "not measured".
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { callPushRpc } from '@gstack/client/push-rpc';
import type { StoreClient } from '@gstack/client/supabase';
import { toRunPayload } from '@gstack/core';
import type { BenchContext, Member } from '../context.ts';
import { resultDocument } from '../fixtures.ts';
import { summarize } from '../stats.ts';
import type { Scenario, ScenarioOutput } from './index.ts';

/**
 * Two earlier all-pass runs of `suite` on main with their ten results, written directly (no alert
 * trigger), so the next bad run on main is a regression whose failing tests newly fail (an
 * alert names them and opens an episode; a drop no test explains posts nothing).
 */
async function seedHistory(context: BenchContext, member: Member, suites: string[]): Promise<void> {
  const db = await context.owner.connect();
  try {
    await db.query('begin');
    await db.query('set local session_replication_role = replica');
    await db.query(
      `with runs as (
         insert into public.eval_runs (team_id, user_id, run_key, repo_slug, suite, branch, run_at, total_tests, passed, failed)
         select $1, $2, 'history-' || s || '-' || k, 'acme/bench', s, 'main', now() - make_interval(hours => k), 10, 10, 0
         from unnest($3::text[]) s cross join generate_series(1, 2) k
         returning id
       )
       insert into public.eval_results (run_id, team_id, test_name, passed)
       select r.id, $1, 'test-' || lpad(i::text, 5, '0'), true from runs r cross join generate_series(0, 9) i`,
      [member.teamId, member.userId, suites],
    );
    await db.query('commit');
  } finally {
    db.release();
  }
}

/** Pushes one run of `suite` with 10 tests, `passed` of them passing, through the push RPC the client calls. */
async function push(member: Member, suite: string, passed: number): Promise<void> {
  const doc = resultDocument(10, { suite });
  const payload = toRunPayload(doc);
  payload.results = payload.results.map((r, i) => ({ ...r, passed: i < passed }));
  payload.run = { ...payload.run, passed, failed: 10 - passed };
  const { error } = await callPushRpc(member.client as StoreClient, { teamId: member.teamId }, payload, 'body');
  if (error) throw new Error(`push RPC: ${error.message}`);
}

async function messages(context: BenchContext, hookPath: string): Promise<Array<{ received_at: string; payload: unknown }>> {
  const response = await fetch(`${context.stack.slackSinkUrl}/messages?path=${encodeURIComponent(hookPath)}`);
  return (await response.json()) as Array<{ received_at: string; payload: unknown }>;
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T | undefined> {
  const deadline = performance.now() + timeoutMs;
  let delay = 10;
  while (performance.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 100);
  }
  return undefined;
}

export const alertsScenario: Scenario = {
  id: 'alerts',
  title: '3. Alert latency',
  async run(context: BenchContext): Promise<ScenarioOutput> {
    if (!existsSync(path.join(context.root, 'supabase/functions/regression-alert')))
      return { metrics: [], notes: [], skipped: 'regression-alert function absent' };
    const member = await context.member();
    const hookPath = `/bench/${member.teamId}`;
    await context.owner.query(
      `insert into public.team_settings (team_id, slack_webhook_url, alert_threshold_pp) values ($1, $2, 5)
       on conflict (team_id) do update set slack_webhook_url = excluded.slack_webhook_url`,
      [member.teamId, `${context.stack.slackSinkUrl}${hookPath}`],
    );

    // Latency: one regression at a time, each in a suite of its own (the cooldown is per suite).
    const samples = context.scale.quick ? 5 : 20;
    const suites = Array.from({ length: samples }, (_, i) => `latency-${i}`);
    await seedHistory(context, member, suites);
    const latencies: number[] = [];
    for (const suite of suites) {
      const before = (await messages(context, hookPath)).length;
      const started = Date.now();
      await push(member, suite, 5);
      const arrived = await waitFor(async () => {
        const all = await messages(context, hookPath);
        return all.length > before ? all[before] : undefined;
      }, 15_000);
      if (!arrived) throw new Error(`no Slack message within 15 s for a regression in ${suite}`);
      latencies.push(Date.parse(arrived.received_at) - started);
    }

    // Burst: N pushed runs, 8 in flight; every tenth is a regression in a suite with history.
    const burst = context.scale.quick ? 200 : 1000;
    const regressions = Array.from({ length: burst / 10 }, (_, i) => `burst-bad-${i}`);
    await seedHistory(context, member, regressions);
    const before = (await messages(context, hookPath)).length;
    const reads: number[] = [];
    let pushing = true;
    const reader = (async () => {
      while (pushing) {
        const t = performance.now();
        const { error } = await member.client.rpc('dashboard_overview', { p_team_id: member.teamId });
        if (error) throw new Error(`dashboard_overview during the burst: ${error.message}`);
        reads.push(performance.now() - t);
      }
    })();
    let next = 0;
    const worker = async () => {
      while (next < burst) {
        const i = next++;
        if (i % 10 === 0) await push(member, regressions[i / 10] ?? '', 5);
        else await push(member, `burst-good-${i}`, 10);
      }
    };
    const pushedIn = performance.now();
    await Promise.all(Array.from({ length: 8 }, worker));
    const pushMs = performance.now() - pushedIn;
    // Slack allows about one message per second per webhook, so the alerts drain at that pace.
    const all = await waitFor(
      async () => {
        const got = await messages(context, hookPath);
        return got.length - before >= regressions.length ? got : undefined;
      },
      regressions.length * 1500 + 30_000,
    );
    pushing = false;
    await reader;
    await new Promise((r) => setTimeout(r, 3000)); // late duplicates would show up here
    const delivered = (await messages(context, hookPath)).length - before;
    const l = summarize(latencies);
    const r = summarize(reads);
    return {
      metrics: [
        { name: 'push → Slack POST', unit: 'ms', p50: l.p50, p95: l.p95, target: 'p95 < 2,000 ms', met: l.p95 < 2000 },
        { name: `burst: ${burst} runs pushed (8 in flight)`, unit: 'ms', value: pushMs },
        {
          name: `burst: Slack messages for ${regressions.length} regressions`,
          unit: 'count',
          value: delivered,
          target: `${regressions.length} (each once)`,
          met: all !== undefined && delivered === regressions.length,
        },
        { name: 'burst: dashboard_overview while pushing', unit: 'ms', p50: r.p50, p95: r.p95 },
      ],
      notes: [
        `${samples} regressions one at a time (5 of 10 tests pass after two all-pass runs), timed from the push call to the sink's receipt.`,
        `Burst: every tenth run is a regression in a suite with history, the rest pass in suites without; exactly one message per regression is expected.`,
      ],
    };
  },
};
