/**
 * Which runs the demo team made over the 60 days, by whom, and what each
 * test's models answer in each run (the plan the scripted model servers
 * follow). Pure and seeded: the same seed and `now` give the same schedule.
 */
import {
  type Behaviour,
  DEGRADING_FAILURES,
  DEMO_DAYS,
  DEMO_PEOPLE,
  DEMO_REPOS,
  type DemoSuite,
  FLAKY_PATTERN,
  INCIDENT_DAYS,
  REGRESSION_SUITE,
} from './model.ts';
import { stableHex, stableUuid, streamFor } from './prng.ts';

/** What the local model answers: right, right but hedged (the verifier rejects), or wrong. */
export type LocalAnswer = 'good' | 'vague' | 'wrong';

export interface TestPlan {
  local: LocalAnswer;
  /** What Sonnet answers after an escalation. */
  cloud: 'good' | 'wrong';
  /** Which of the right answers' wordings (equal wordings hit the judge cache). */
  variant: number;
}

export interface PlannedRun {
  runId: string;
  repo: string;
  suite: DemoSuite;
  /** Days before today (0 = today). */
  day: number;
  /** This run's position among its suite's runs, oldest first. */
  ordinal: number;
  /** A person's key, or 'ci' for runs pushed with the team token. */
  by: string;
  hostname: string;
  timestamp: string;
  branch: string;
  sha: string;
  label: string | null;
  plans: Map<string, TestPlan>;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const BRANCHES = ['feat/better-prompts', 'fix/edge-cases', 'exp/new-retriever', 'chore/bump-models'];

const isRegressionSuite = (repo: string, suite: DemoSuite) => repo === REGRESSION_SUITE.repo && suite.name === REGRESSION_SUITE.suite;

/** Who runs a suite on a day (or nobody): CI on even days and weekends for nightly suites, people on weekdays. */
function runner(seed: number, repo: string, suite: DemoSuite, day: number, date: Date): string | null {
  const rnd = streamFor(seed, 'who', repo, suite.name, day);
  const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6;
  if (day === 0) return isRegressionSuite(repo, suite) ? (suite.people[0] ?? null) : null;
  if (suite.nightly && (weekend || day % 2 === 0)) return 'ci';
  if (day === DEMO_DAYS - 1) return suite.people[0] ?? null; // every suite's history starts on the first day
  const p = rnd();
  if (p > (weekend ? 0.1 : 0.65)) return null;
  return suite.people[Math.floor(rnd() * suite.people.length)] ?? null;
}

function passes(behaviour: Behaviour, ordinal: number, total: number, today: boolean): boolean {
  switch (behaviour) {
    case 'flaky':
      return FLAKY_PATTERN[ordinal % FLAKY_PATTERN.length] ?? true;
    case 'degrading':
      return ordinal < total - DEGRADING_FAILURES;
    case 'regression':
      return !today;
    default:
      return true;
  }
}

function planTest(rnd: () => number, pass: boolean): TestPlan {
  const variant = Math.floor(rnd() * 2);
  if (!pass) return { local: 'wrong', cloud: 'wrong', variant };
  const p = rnd();
  return { local: p < 0.7 ? 'good' : p < 0.8 ? 'vague' : 'wrong', cloud: 'good', variant };
}

/** Every run of the demo team, oldest first. `now` is the seed's "today". */
export function demoSchedule(seed: number, now: number): PlannedRun[] {
  const slots: Array<Omit<PlannedRun, 'ordinal' | 'plans'>> = [];
  for (let day = DEMO_DAYS - 1; day >= 0; day--) {
    const date = new Date(now - day * DAY);
    for (const repo of DEMO_REPOS) {
      for (const suite of repo.suites) {
        const by = runner(seed, repo.slug, suite, day, date);
        if (!by) continue;
        const rnd = streamFor(seed, 'slot', repo.slug, suite.name, day);
        // Earlier days keep clear of the last 24 hours (alerts only look at fresh runs).
        const offset = day === 0 ? 25 * 60_000 : Math.floor((1 + rnd() * 9) * HOUR);
        const person = DEMO_PEOPLE.find((p) => p.key === by);
        const onBranch = by !== 'ci' && rnd() < 0.25;
        slots.push({
          runId: stableUuid(seed, 'run', repo.slug, suite.name, day),
          repo: repo.slug,
          suite,
          day,
          by,
          hostname: person?.hostname ?? 'ci-runner-2',
          timestamp: new Date(now - day * DAY - offset).toISOString(),
          branch: onBranch ? (BRANCHES[Math.floor(rnd() * BRANCHES.length)] ?? 'main') : 'main',
          sha: stableHex(40, seed, 'sha', repo.slug, day, by),
          label: by === 'ci' ? 'nightly' : null,
        });
      }
    }
  }
  slots.sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  const totals = new Map<string, number>();
  for (const s of slots) totals.set(`${s.repo}/${s.suite.name}`, (totals.get(`${s.repo}/${s.suite.name}`) ?? 0) + 1);
  const seen = new Map<string, number>();
  return slots.map((slot) => {
    const key = `${slot.repo}/${slot.suite.name}`;
    const ordinal = seen.get(key) ?? 0;
    seen.set(key, ordinal + 1);
    const total = totals.get(key) ?? 0;
    const rnd = streamFor(seed, 'plan', key, slot.day);
    const incident = INCIDENT_DAYS.includes(slot.day);
    const plans = new Map(
      slot.suite.tests.map((test, i) => {
        const behaviour = test.behaviour ?? 'stable';
        const hit = incident && i % 3 === 1 && (behaviour === 'stable' || behaviour === 'regression');
        return [test.name, planTest(rnd, !hit && passes(behaviour, ordinal, total, slot.day === 0))];
      }),
    );
    return { ...slot, ordinal, plans };
  });
}
