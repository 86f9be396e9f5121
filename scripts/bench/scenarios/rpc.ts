/**
 * Scenario 2, dashboard reads at scale: a team with 50,000 runs and 5,000,000 results
 * (quick: 2,000 and 200,000), ten minutes apart, plus a second team a tenth its size. Every
 * aggregate RPC and every dashboard page (pageRequests) p50/p95 and bytes on the
 * wire, against paging the raw rows through REST and aggregating in the client.
 */

import { startDashboard } from '@gstack/dashboard/node';
import type { BenchContext } from '../context.ts';
import type { Metric } from '../report.ts';
import { aggregateRequests, dashboardCookie, floorRequest, type NamedRequest, pageRequests, requestsMade } from '../requests.ts';
import { analyze, seedTeam } from '../seed.ts';
import { sample, summarize, timed } from '../stats.ts';
import type { Scenario, ScenarioOutput } from './index.ts';

async function measure(request: NamedRequest, repeats: number, rawRepeats: number, failures: string[]): Promise<Metric[]> {
  const limit = request.kind === 'aggregate' ? 100 : 300;
  try {
    await request.run(); // warm: connection, PostgREST schema cache, plan
  } catch (error) {
    // A request that fails at this scale is a finding, not a reason to lose every other figure.
    const message = (error as Error).message.split('\n')[0] ?? '';
    failures.push(`${request.name} failed: ${message.slice(0, 200)}`);
    return [{ name: `${request.name}: FAILED (see notes)`, unit: 'ms', value: Number.NaN, target: `p95 < ${limit} ms`, met: false }];
  }
  let bytes = 0;
  const s = summarize(
    await sample(repeats, async () => {
      bytes = await request.run();
    }),
  );
  const metrics: Metric[] = [
    { name: `${request.name}`, unit: 'ms', p50: s.p50, p95: s.p95, target: `p95 < ${limit} ms`, met: s.p95 < limit },
    { name: `${request.name}: bytes`, unit: 'bytes', value: bytes },
  ];
  const raw = request.raw;
  if (raw) {
    let rawBytes = 0;
    let rawRequests = 0;
    const r = summarize(
      await sample(rawRepeats, async () => {
        const before = requestsMade;
        rawBytes = await raw();
        rawRequests = requestsMade - before;
      }),
    );
    metrics.push(
      { name: `${request.name}: raw rows through REST`, unit: 'ms', p50: r.p50, p95: r.p95 },
      { name: `${request.name}: raw bytes`, unit: 'bytes', value: rawBytes },
      { name: `${request.name}: raw round trips`, unit: 'requests', value: rawRequests },
      { name: `${request.name}: raw / aggregate (p50)`, unit: '×', value: r.p50 / s.p50, target: '≥ 20×', met: r.p50 / s.p50 >= 20 },
    );
  }
  return metrics;
}

export const rpcScenario: Scenario = {
  id: 'rpc',
  title: '2. Dashboard reads',
  async run(context: BenchContext): Promise<ScenarioOutput> {
    const runs = context.scale.quick ? 2000 : 50_000;
    const resultsPerRun = 100;
    const member = await context.member();
    const other = await context.member();
    const seeded = await timed(async () => {
      // Ten minutes apart at both scales, so the windows the aggregates read (7, 14, 30 days) hold as
      // many runs in a quick run as in a full one, up to the quick run's shorter history.
      const shape = { resultsPerRun, bigSuiteEvery: 2, minutesApart: 10 };
      await seedTeam(context, member.teamId, member.userId, { ...shape, runs }, 'bench-run-');
      await seedTeam(context, other.teamId, other.userId, { ...shape, runs: runs / 10, bigSuiteEvery: 5 }, 'other-run-');
      await analyze(context);
    });
    // The dashboard's Node server in this process (as `npm start` and its tests run it), signed in
    // through its login form; the run detail page shows the team's newest run.
    const dashboard = await startDashboard({ supabaseUrl: context.stack.apiUrl, supabaseKey: context.stack.publishableKey });
    const newest = await context.owner.query<{ id: string }>(
      'select id from public.eval_runs where team_id = $1 order by run_at desc limit 1',
      [member.teamId],
    );
    const target = {
      context,
      member,
      bigSuite: 'suite-big',
      smallSuite: 'suite-4',
      dashboard: { url: dashboard.url, cookie: await dashboardCookie(dashboard.url, member), runId: newest.rows[0]?.id ?? '' },
    };
    const requests = [...aggregateRequests(target), ...pageRequests(target)];
    const repeats = context.scale.quick ? 20 : 60;
    const rawRepeats = context.scale.quick ? 3 : 5;
    const metrics: Metric[] = [];
    const failures: string[] = [];
    const floor = summarize(await sample(repeats, floorRequest(target)));
    metrics.push({ name: 'round-trip floor: one row of the own team through REST', unit: 'ms', p50: floor.p50, p95: floor.p95 });
    try {
      for (const request of requests) metrics.push(...(await measure(request, repeats, rawRepeats, failures)));
    } finally {
      await dashboard.close();
    }
    return {
      metrics,
      notes: [
        ...failures,
        `${runs.toLocaleString('en-US')} runs × ${resultsPerRun} results (${(runs * resultsPerRun).toLocaleString('en-US')}) and their attempts (a local one per result, a cloud one for the fifth resolved there) ten minutes apart for the measured team, half of them in one suite (suite-big); a second team with a tenth of that. Seeded with set-based SQL in ${(seeded.ms / 1000).toFixed(0)} s.`,
        `Each request: 1 warm-up, then ${repeats} calls (raw baselines: ${rawRepeats}), as a signed-in member through the gateway and PostgREST (RLS applies). Bytes are the response body.`,
        'Raw baselines page the rows 1,000 at a time (PostgREST max_rows) and group them in the client; escalation_per_tier and active_now have none (the first would page every result of 30 days).',
        `Why most raw / aggregate ratios stay under 20×: an aggregate costs about one round trip (the floor row: ${floor.p50.toFixed(1)} ms p50 for one row of the own team), and a raw baseline costs its round trips ("raw round trips") plus the rows; a window of a few thousand runs is 2-5 pages, so the ratio is bounded near that count whatever the aggregate does. It passes 20× only where the raw way reads tens of thousands of rows.`,
        `Dashboard pages: ${pageRequests(target).length}, each a GET through the dashboard's Node server (started in the bench's process, as npm start runs it) with the member's session cookie from its login form; the time includes the server's session check, the page's RPCs and the HTML render. Bytes are the HTML.`,
      ],
    };
  },
};
