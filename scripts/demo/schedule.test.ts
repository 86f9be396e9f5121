/** The demo schedule is pure and seeded: the same inputs give the same team, and its stories hold. */
import { classifyTrend } from '@gstack/core';
import { describe, expect, it } from 'vitest';
import { demoActivity } from './activity.ts';
import { DEMO_DAYS, DEMO_REPOS, DEMO_SEED, REGRESSION_SUITE } from './model.ts';
import { demoSchedule, type PlannedRun } from './schedule.ts';

const NOW = Date.parse('2026-11-22T05:00:00Z');
const schedule = demoSchedule(DEMO_SEED, NOW);

/** A test's planned pass/fail per run of its suite, oldest first (a fail is a wrong answer on both tiers). */
function outcomes(runs: PlannedRun[], test: string): boolean[] {
  return runs.map((r) => r.plans.get(test)?.cloud === 'good');
}

const suiteRuns = (repo: string, suite: string) => schedule.filter((r) => r.repo === repo && r.suite.name === suite);

describe('demoSchedule', () => {
  it('is deterministic for a seed and differs for another seed', () => {
    const again = demoSchedule(DEMO_SEED, NOW);
    expect(again.map((r) => [r.runId, r.by, r.timestamp, [...r.plans.values()]])).toEqual(
      schedule.map((r) => [r.runId, r.by, r.timestamp, [...r.plans.values()]]),
    );
    expect(demoSchedule(DEMO_SEED + 1, NOW).map((r) => r.runId)).not.toEqual(schedule.map((r) => r.runId));
    expect(new Set(schedule.map((r) => r.runId)).size).toBe(schedule.length);
  });

  it('covers 60 days of every suite, oldest first, with people and CI', () => {
    expect(schedule.map((r) => r.timestamp)).toEqual(schedule.map((r) => r.timestamp).sort());
    for (const repo of DEMO_REPOS)
      for (const suite of repo.suites) {
        const runs = suiteRuns(repo.slug, suite.name);
        expect(runs.length, `${repo.slug}/${suite.name}`).toBeGreaterThanOrEqual(20);
        expect(Math.max(...runs.map((r) => r.day))).toBe(DEMO_DAYS - 1);
        expect(runs.map((r) => r.ordinal)).toEqual(runs.map((_, i) => i));
      }
    expect(schedule.filter((r) => r.by === 'ci').every((r) => r.label === 'nightly' && r.suite.nightly)).toBe(true);
    expect(new Set(schedule.map((r) => r.by)).size).toBe(6);
  });

  it("keeps every run but today's regression run older than 24 hours", () => {
    const fresh = schedule.filter((r) => NOW - Date.parse(r.timestamp) < 24 * 3_600_000);
    expect(fresh.map((r) => `${r.repo}/${r.suite.name}`)).toEqual([`${REGRESSION_SUITE.repo}/${REGRESSION_SUITE.suite}`]);
    expect(fresh[0]?.day).toBe(0);
  });

  it('plans one flaky test, one degrading test and a regression today', () => {
    const triage = suiteRuns('acme-support-bot', 'triage');
    expect(classifyTrend(outcomes(triage, 'triage-urgent')).classification).toBe('flaky');
    const sql = suiteRuns('acme-codegen', 'sql-gen');
    expect(classifyTrend(outcomes(sql, 'sql-window-rank')).classification).toBe('degrading');
    const rag = suiteRuns(REGRESSION_SUITE.repo, REGRESSION_SUITE.suite);
    const today = rag.at(-1);
    expect(today?.day).toBe(0);
    const failing = [...(today?.plans ?? [])].filter(([, p]) => p.cloud === 'wrong').map(([name]) => name);
    expect(failing.sort()).toEqual(['rag-dates', 'rag-multi-hop', 'rag-no-answer']);
    // The baseline (the 19 runs before today) passes those tests.
    for (const name of failing) expect(outcomes(rag.slice(-20, -1), name).every(Boolean)).toBe(true);
  });

  it('plans valid activity records for every kind', () => {
    const activity = demoActivity(DEMO_SEED, NOW);
    expect(new Set(activity.map((a) => a.kind))).toEqual(new Set(['ship', 'qa', 'transcript']));
    expect(demoActivity(DEMO_SEED, NOW)).toEqual(activity);
  });
});
