/**
 * Scenario 1, push: one run of 5,000 results (≈ 6,000 attempts) through the real
 * `gstack-sync push`, with and without process start-up, against the seed's way
 * (one REST insert per row) measured on a sample in the same run and extrapolated;
 * the RPC the client calls (push_eval_run_body: the request body is the function's one
 * argument) against the named-argument RPC older clients call (push_eval_run) and two
 * baselines, all interleaved (the same write called in SQL, and plain set-based INSERTs
 * of the same rows: push-baseline.ts); and a re-push, which must write nothing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { callPushRpc, type PushRpcStyle } from '@gstack/client/push-rpc';
import { createSupabase, type StoreClient } from '@gstack/client/supabase';
import { toRunPayload } from '@gstack/core';
import { cliEnv, cliLogin, mustRun } from '../cli.ts';
import type { BenchContext, Member } from '../context.ts';
import { resultDocument, rowsOf } from '../fixtures.ts';
import { plainInsert, writeInSql } from '../push-baseline.ts';
import { sample, summarize, timed } from '../stats.ts';
import type { Scenario, ScenarioOutput } from './index.ts';

export const TESTS = 5000;

/** The push RPC call the CLI makes (`body`), or the one older clients make (`named`), from this process. */
async function pushRpc(member: Member, payload: ReturnType<typeof toRunPayload>, style: PushRpcStyle = 'body') {
  const response = await callPushRpc(member.client as StoreClient, { teamId: member.teamId }, payload, style);
  if (response.error) throw new Error(`push RPC (${style}): ${response.error.message}`);
  return response.data as { run_id: string; created: boolean };
}

/**
 * Wall times of `repeats` calls of the push RPC the CLI makes, from this process (no CLI start-up), each
 * a fresh run of TESTS results whose payload is built before the clock starts (as the push scenario times it).
 */
export async function pushRpcSamples(member: Member, repeats: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const payload = toRunPayload(resultDocument(TESTS));
    samples.push((await timed(() => pushRpc(member, payload))).ms);
  }
  return samples;
}

async function runRows(context: BenchContext, runKey: string): Promise<number> {
  const { rows } = await context.owner.query<{ n: string }>(
    `select (select count(*) from public.eval_results e where e.run_id = r.id)
          + (select count(*) from public.eval_attempts a where a.run_id = r.id)
          + (select count(*) from public.eval_costs c where c.run_id = r.id) + 1 as n
     from public.eval_runs r where r.run_key = $1`,
    [runKey],
  );
  return Number(rows[0]?.n ?? 0);
}

export const pushScenario: Scenario = {
  id: 'push',
  title: '1. Push',
  async run(context): Promise<ScenarioOutput> {
    const repeats = context.scale.quick ? 3 : 7;
    const member = await context.member();
    const env = cliEnv(context, member);
    await cliLogin(env, member);
    const rows = rowsOf(resultDocument(TESTS));

    // Through the CLI: process start-up, reading and checking the file, one RPC.
    const files: string[] = [];
    const queuedReasons: string[] = [];
    const cli = await sample(repeats, async (i) => {
      const doc = resultDocument(TESTS);
      const file = path.join(env.GSTACK_STATE_DIR ?? '', `run-${i}.json`);
      writeFileSync(file, JSON.stringify(doc));
      files.push(file);
      const out = JSON.parse(await mustRun('gstack-sync', ['push', file, '--json'], env)) as {
        pushed: Array<{ label: string; created: boolean; from_queue?: boolean }>;
        queued: Array<{ reason: string }>;
      };
      // On a loaded machine a push can outlast the CLI's 5 s timeout: it is queued, as designed, and
      // the next push sends the queue first (those entries come before this file's in `pushed`).
      const own = out.pushed.find((p) => p.label === path.basename(file) && !p.from_queue);
      if (out.queued.length) queuedReasons.push(out.queued[0]?.reason ?? '');
      else if (!own?.created) throw new Error(`push of ${file} did not create the run: ${JSON.stringify(out)}`);
    });
    // Start-up alone: the same binary doing nothing but printing its version.
    const startup = await sample(repeats, () => mustRun('gstack-sync', ['--version'], env));
    // Without start-up: the same RPC the CLI makes, from this process, with its payload built
    // beforehand (building it is the CLI's work, timed on its own). Interleaved with the same
    // write called in SQL and with plain set-based INSERTs of the same rows, so all three see the
    // same machine and the same table sizes.
    const build: number[] = [];
    const fresh = async () => {
      const { ms, value } = await timed(async () => toRunPayload(resultDocument(TESTS)));
      build.push(ms);
      return value;
    };
    const rpc: number[] = [];
    const named: number[] = [];
    const inSql: number[] = [];
    const plain: number[] = [];
    const ways: Array<[number[], (payload: ReturnType<typeof toRunPayload>) => Promise<unknown>]> = [
      [rpc, (payload) => pushRpc(member, payload)],
      [named, (payload) => pushRpc(member, payload, 'named')],
      [inSql, (payload) => writeInSql(context.owner, member.teamId, member.userId, payload)],
      [plain, (payload) => plainInsert(context.owner, member.teamId, member.userId, payload)],
    ];
    for (let i = 0; i < repeats; i++) {
      for (const [samples, write] of [...ways.slice(i % ways.length), ...ways.slice(0, i % ways.length)]) {
        const payload = await fresh();
        samples.push((await timed(() => write(payload))).ms);
      }
    }

    // Re-push: nothing new is written.
    const firstFile = files[0] ?? '';
    const firstKey = (JSON.parse(readFileSync(firstFile, 'utf8')) as { run_id: string }).run_id;
    // Once more first, so the run is surely stored (a timed-out push may not have been), and the queue is drained.
    await mustRun('gstack-sync', ['push', firstFile, '--json'], env);
    const before = await runRows(context, firstKey);
    const again = JSON.parse(await mustRun('gstack-sync', ['push', firstFile, '--json'], env)) as { pushed: Array<{ created: boolean }> };
    const after = await runRows(context, firstKey);
    const rePushWroteNothing = again.pushed[0]?.created === false && before === after && before === rows;

    // The seed's way: one REST insert per row, on a sample of result rows. Since members may no longer
    // write a run's rows directly (a run arrives whole through the push RPC), the baseline inserts
    // them with the service role: the same REST round trip per row.
    const service = createSupabase({ url: context.stack.apiUrl, key: context.stack.serviceRoleKey });
    const base = resultDocument(1);
    const { run_id: runId } = await pushRpc(member, { ...toRunPayload(base), results: [], attempts: [], costs: [] });
    const perRowSample = context.scale.quick ? 100 : 300;
    const perRow = await sample(perRowSample, async (i) => {
      const { error } = await service
        .from('eval_results')
        .insert({ run_id: runId, team_id: member.teamId, test_name: `row-${i}`, passed: true, resolved_tier: 'local', cost_usd: 0 });
      if (error) throw new Error(`per-row insert: ${error.message}`);
    });

    const c = summarize(cli);
    const s = summarize(startup);
    const r = summarize(rpc);
    const n = summarize(named);
    const q = summarize(inSql);
    const b = summarize(plain);
    const payloadBuild = summarize(build);
    const p = summarize(perRow);
    const perRowTotalMs = p.p50 * rows;
    const rowsPerSecond = (ms: number) => (rows * 1000) / ms;
    return {
      metrics: [
        { name: `gstack-sync push, ${TESTS} results (${rows} rows), with start-up`, unit: 'ms', p50: c.p50, p95: c.p95 },
        { name: 'rows/s with start-up (at p50)', unit: 'rows/s', value: rowsPerSecond(c.p50) },
        { name: 'start-up alone (gstack-sync --version)', unit: 'ms', p50: s.p50, p95: s.p95 },
        { name: 'the push RPC alone (no start-up; push_eval_run_body, what the client calls)', unit: 'ms', p50: r.p50, p95: r.p95 },
        {
          name: 'rows/s excluding start-up (at p50)',
          unit: 'rows/s',
          value: rowsPerSecond(r.p50),
          target: '≥ 25,000 rows/s',
          met: rowsPerSecond(r.p50) >= 25_000,
        },
        { name: 'the named-argument RPC (push_eval_run, older clients)', unit: 'ms', p50: n.p50, p95: n.p95 },
        { name: 'named-argument RPC rows/s (at p50)', unit: 'rows/s', value: rowsPerSecond(n.p50) },
        { name: 'push RPC vs named-argument RPC (at p50)', unit: '×', value: r.p50 / n.p50 },
        { name: 'building the payload (document, redaction; before the RPC)', unit: 'ms', p50: payloadBuild.p50, p95: payloadBuild.p95 },
        { name: 'the same write called in SQL (write_eval_run: no gateway, no PostgREST)', unit: 'ms', p50: q.p50, p95: q.p95 },
        { name: 'plain set-based INSERTs of the same rows (baseline)', unit: 'ms', p50: b.p50, p95: b.p95 },
        { name: 'baseline rows/s (at p50)', unit: 'rows/s', value: rowsPerSecond(b.p50) },
        { name: 'RPC vs plain INSERTs (at p50)', unit: '×', value: r.p50 / b.p50 },
        { name: 'write in SQL vs plain INSERTs (at p50)', unit: '×', value: q.p50 / b.p50 },
        { name: `one REST insert per row (sample of ${perRowSample})`, unit: 'ms/row', p50: p.p50, p95: p.p95 },
        { name: 'per-row way, extrapolated to the run', unit: 'ms', value: perRowTotalMs },
        {
          name: 'push (with start-up) vs per-row way',
          unit: '×',
          value: perRowTotalMs / c.p50,
          target: '≥ 50×',
          met: perRowTotalMs / c.p50 >= 50,
        },
        {
          name: 're-push writes nothing',
          unit: 'bool',
          value: rePushWroteNothing ? 1 : 0,
          target: '1 (created: false, row count unchanged)',
          met: rePushWroteNothing,
        },
      ],
      notes: [
        `${repeats} pushes per path, each a fresh run of ${TESTS} results, ${rows - 1 - TESTS - 2} attempts and 2 cost lines (${rows} rows).`,
        'The push RPC (push_eval_run_body), the named-argument RPC (push_eval_run), write in SQL and plain INSERTs take turns (a different one first each round); RPC minus write in SQL is the gateway, PostgREST and JSON over HTTP; write in SQL minus plain INSERTs is parsing the payload, the limits check and what the function adds.',
        `Re-push of the first run: ${before} rows before, ${after} after, created: ${String(again.pushed[0]?.created)}.`,
        ...(queuedReasons.length
          ? [
              `${queuedReasons.length} of ${repeats} CLI pushes outlasted the 5 s client timeout and went to the offline queue (${queuedReasons[0]}).`,
            ]
          : []),
      ],
    };
  },
};
