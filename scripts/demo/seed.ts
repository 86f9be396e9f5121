/**
 * Seeds the demo team on a stack: 60 days of eval runs by five people and a
 * nightly CI token across 3 repos × 4 suites, produced by the real engine
 * (scripted model servers) and pushed with the real sync library, plus ships,
 * QA reports, session transcripts, fresh heartbeats, people's reviews of a
 * sample of answers (the verifier's ground truth) and the team's Slack
 * settings. Today's run of the regression suite is pushed last, so the
 * regression alert sees the whole history before it.
 *
 * Idempotent: runs have stable ids (natural keys), so a second seed finds
 * every run present, runs no engine and writes nothing new.
 */

import { pushProblems, type StandardEvalResult, toRunPayload } from '@gstack/core';
import { Limiter } from '../../packages/client/src/providers/limiter.ts';
import { sendHeartbeat } from '../../packages/client/src/sync/heartbeat.ts';
import { demoActivity } from './activity.ts';
import { DemoEngine } from './engine.ts';
import { DEMO_PEOPLE, DEMO_SEED, DEMO_SIGN_IN, DEMO_TEAM } from './model.ts';
import { seedReviews } from './reviews.ts';
import { demoSchedule, type PlannedRun } from './schedule.ts';
import { type DemoStackInfo, DemoStore, type Pusher } from './store.ts';

export type { DemoStackInfo } from './store.ts';

export interface SeedOptions {
  seed?: number;
  /** "Today" (ms since the epoch); default now. */
  now?: number;
  /** Pushes in flight at once. */
  concurrency?: number;
  log?: (line: string) => void;
}

export interface SeedResult {
  team: { id: string; slug: string };
  email: string;
  password: string;
  /** Runs in the schedule, and how many this seed pushed (0 when all were there). */
  runs: number;
  pushedRuns: number;
  activity: number;
  /** Answer reviews this seed wrote. */
  reviews: number;
  webhook: string;
  seconds: number;
}

export { DEMO_SIGN_IN } from './model.ts';

/** People who sent a heartbeat a minute ago ("active now"). */
const ACTIVE_NOW = ['maya', 'raj', 'sofia'];

function checkedPayload(doc: StandardEvalResult) {
  const problems = pushProblems(doc, Buffer.byteLength(JSON.stringify(doc)));
  if (problems.length) throw new Error(`demo seed: run ${doc.suite} ${doc.timestamp}: ${problems.map((p) => p.message).join('; ')}`);
  return toRunPayload(doc);
}

export async function seedDemo(info: DemoStackInfo, options: SeedOptions = {}): Promise<SeedResult> {
  const started = performance.now();
  const seed = options.seed ?? DEMO_SEED;
  const now = options.now ?? Date.now();
  const log = options.log ?? (() => {});
  const store = new DemoStore(info);
  const engine = new DemoEngine(seed);
  try {
    const people = new Map<string, Pusher>();
    await Promise.all(DEMO_PEOPLE.map(async (p) => people.set(p.key, await store.signIn(p))));
    const admin = people.get(DEMO_PEOPLE[0]?.key ?? '');
    if (!admin) throw new Error('demo seed: the model has no people');
    const team = await store.ensureTeam(
      admin,
      DEMO_PEOPLE.slice(1).flatMap((p) => people.get(p.key) ?? []),
    );
    const webhook = await store.configure(admin, team);

    const schedule = demoSchedule(seed, now);
    const existing = await store.existingRunKeys(admin, team);
    const missing = schedule.filter((run) => !existing.has(run.runId));
    if (missing.some((run) => run.by === 'ci')) people.set('ci', await store.ciPusher(admin, team));
    log(`demo: ${missing.length} of ${schedule.length} runs to run and push`);

    const limiter = new Limiter(options.concurrency ?? 6);
    const push = (run: PlannedRun, doc: StandardEvalResult) =>
      limiter.run(async () => {
        const by = people.get(run.by);
        if (!by) throw new Error(`demo seed: nobody to push as ${run.by}`);
        await by.send('eval_run', checkedPayload(doc));
      });
    const byDay = new Map<number, PlannedRun[]>();
    for (const run of missing) byDay.set(run.day, [...(byDay.get(run.day) ?? []), run]);
    if (missing.length) await engine.start();
    const pushes: Array<Promise<void>> = [];
    let today: Array<[PlannedRun, StandardEvalResult]> = [];
    for (const day of [...byDay.keys()].sort((a, b) => b - a)) {
      const runs = byDay.get(day) ?? [];
      const docs = await engine.runDay(runs);
      const pairs = runs.map((run, i) => [run, docs[i]] as [PlannedRun, StandardEvalResult]);
      if (day === 0) today = pairs;
      // Pushing overlaps with the next day's engine work.
      else
        for (const [run, doc] of pairs) {
          const pushed = push(run, doc);
          pushed.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
          pushes.push(pushed);
        }
    }
    log(`demo: engine done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    await Promise.all(pushes);
    log(`demo: history pushed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    // Today's runs land after their history: the regression alert compares with it.
    await Promise.all(today.map(([run, doc]) => push(run, doc)));

    // People review a sample of the month's answers (only when this seed pushed runs: seeding again writes nothing).
    const reviews = missing.length
      ? await seedReviews(
          seed,
          admin.connection.client,
          team,
          DEMO_PEOPLE.flatMap((p) => people.get(p.key)?.connection.client ?? []),
        )
      : 0;
    log(`demo: ${reviews} answer reviews`);

    const activity = demoActivity(seed, now);
    await Promise.all(
      activity.map((a) =>
        limiter.run(async () => {
          const by = people.get(a.by);
          if (!by) throw new Error(`demo seed: nobody to push as ${a.by}`);
          await by.send(a.kind, a.record);
        }),
      ),
    );
    for (const person of DEMO_PEOPLE.filter((p) => ACTIVE_NOW.includes(p.key))) {
      const by = people.get(person.key);
      if (!by) continue;
      const repo = schedule.findLast((r) => r.by === person.key)?.repo ?? '';
      const problem = await sendHeartbeat(by.connection, 'push', repo, person.hostname);
      if (problem) throw new Error(`demo seed: heartbeat for ${person.key} failed: ${problem}`);
    }
    return {
      team: { id: team, slug: DEMO_TEAM.slug },
      ...DEMO_SIGN_IN,
      runs: schedule.length,
      pushedRuns: missing.length,
      activity: activity.length,
      reviews,
      webhook,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await engine.close();
    store.close();
  }
}
