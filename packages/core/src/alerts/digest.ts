/**
 * The Monday digest: from one team's week of aggregates (`digest_week` in
 * SQL) to the numbers the message shows, using the same rules as the CLI —
 * pass rates by `passRatePercent`, regressions by `runRegression`, flaky and
 * degrading by `classifyTrend` — then to Slack blocks and to plain text (the
 * CLI preview). A week with no runs, sessions or ships is one "quiet week"
 * line.
 */
import { ladderSavings } from '../analytics/ladder.ts';
import { REGRESSION_RULES, runRegression } from '../analytics/regression.ts';
import { classifyTrend, type TrendClass } from '../analytics/trend.ts';
import { passRatePercent } from '../eval-result.ts';
import { type Block, context, escapeSlack, header, message, pct, pp, type SlackMessage, sections, usd } from './blocks.ts';

/** What `digest_week(team, week)` returns (numbers may arrive as strings from numeric columns). */
export interface DigestWeekData {
  week_start: string;
  team: { slug: string; name: string } | null;
  /** The team's alert threshold; null or absent → `REGRESSION_RULES.defaultThresholdPp`. */
  alert_threshold_pp?: number | string | null;
  runs: number;
  passed: number;
  ran: number;
  cost_usd: number | string;
  judge_cost_usd: number | string;
  prev_runs: number;
  prev_passed: number;
  prev_ran: number;
  prev_cost_usd: number | string;
  cost_by_model: Array<{ model: string; purpose: string; calls: number; cost_usd: number | string }>;
  tiers: Array<{ tier: string; tests: number; passed: number; cost_usd: number | string }>;
  sessions: number;
  ships: Array<{ name: string; ships: number }>;
  suites: Array<{
    repo_slug: string;
    suite: string;
    runs: Array<{ id: string; run_at: string; pass_rate: number | string | null; in_week: boolean }>;
    tests: Array<{ name: string; before: boolean[]; through: boolean[] }>;
  }>;
}

export const DIGEST_RULES = {
  /** Regressions listed, biggest drop first. */
  topRegressions: 5,
  /** Tests listed per kind (flaky, degrading). */
  topTests: 10,
} as const;

export interface Digest {
  weekStart: string;
  team: { slug: string; name: string };
  quiet: boolean;
  runs: number;
  prevRuns: number;
  passRate: number | null;
  prevPassRate: number | null;
  costUsd: number;
  prevCostUsd: number;
  judgeCostUsd: number;
  systemCostUsd: number;
  costByModel: Array<{ model: string; purpose: string; calls: number; costUsd: number }>;
  escalation: {
    tiers: Array<{ tier: string; tests: number; passed: number; share: number; costUsd: number }>;
    topTier: string | null;
    /** What the week would have cost with every test on the top tier, minus what it cost; null without a top-tier price. */
    savedUsd: number | null;
  };
  regressions: Array<{ repoSlug: string; suite: string; runId: string; runAt: string; baseline: number; passRate: number; drop: number }>;
  becameFlaky: Array<{ repoSlug: string; suite: string; test: string }>;
  becameDegrading: Array<{ repoSlug: string; suite: string; test: string }>;
  sessions: number;
  ships: Array<{ name: string; ships: number }>;
}

const num = (v: number | string | null | undefined) => Number(v ?? 0);
const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

/** Monday (UTC) of the week before the one containing `now`: what the Monday run reports on. */
export function previousWeekStart(now: Date = new Date()): string {
  const day = (now.getUTCDay() + 6) % 7; // 0 = Monday
  const monday = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - day - 7);
  return new Date(monday).toISOString().slice(0, 10);
}

/** True for a YYYY-MM-DD that is a Monday. */
export function isWeekStart(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value && date.getUTCDay() === 1;
}

/**
 * Escalation savings for the digest: core's ladder rule (ladderSavings, the one the dashboard
 * shows), each tier's resolved tests counted as its attempts; unknown when the top tier cost nothing.
 */
export function escalationSavings(tiers: Array<{ tier: string; tests: number; costUsd: number }>): {
  topTier: string | null;
  savedUsd: number | null;
} {
  const used = tiers.filter((t) => t.tests > 0);
  const savings = ladderSavings(
    used.reduce((a, t) => a + t.tests, 0),
    used.map((t) => ({ tier: t.tier, attempts: t.tests, costUsd: t.costUsd })),
  );
  const top = savings.everythingOn.at(-1);
  return { topTier: savings.topTier, savedUsd: top && top.costUsd > 0 ? savings.savedUsd : null };
}

function became(tests: DigestWeekData['suites'][number]['tests'], kind: TrendClass): string[] {
  return tests
    .filter((t) => t.through.length > 0 && classifyTrend(t.through).classification === kind)
    .filter((t) => t.before.length === 0 || classifyTrend(t.before).classification !== kind)
    .map((t) => t.name);
}

export function buildDigest(data: DigestWeekData): Digest {
  // The team's alert threshold decides what the digest counts as a regression, as it does for alerts.
  const thresholdPp =
    data.alert_threshold_pp === null || data.alert_threshold_pp === undefined
      ? REGRESSION_RULES.defaultThresholdPp
      : num(data.alert_threshold_pp);
  const regressions: Digest['regressions'] = [];
  const becameFlaky: Digest['becameFlaky'] = [];
  const becameDegrading: Digest['becameDegrading'] = [];
  for (const s of data.suites) {
    const runs = s.runs;
    runs.forEach((r, i) => {
      if (!r.in_week || r.pass_rate === null) return;
      const earlier = runs
        .slice(0, i)
        .filter((e) => e.pass_rate !== null)
        .map((e) => num(e.pass_rate))
        .reverse();
      const verdict = runRegression(num(r.pass_rate), earlier, thresholdPp);
      if (verdict.regressed && verdict.baseline !== null && verdict.drop !== null)
        regressions.push({
          repoSlug: s.repo_slug,
          suite: s.suite,
          runId: r.id,
          runAt: r.run_at,
          baseline: verdict.baseline,
          passRate: num(r.pass_rate),
          drop: verdict.drop,
        });
    });
    for (const test of became(s.tests, 'flaky')) becameFlaky.push({ repoSlug: s.repo_slug, suite: s.suite, test });
    for (const test of became(s.tests, 'degrading')) becameDegrading.push({ repoSlug: s.repo_slug, suite: s.suite, test });
  }
  regressions.sort((a, b) => b.drop - a.drop || a.runAt.localeCompare(b.runAt));
  const tierTotal = data.tiers.reduce((a, t) => a + num(t.tests), 0);
  const tiers = data.tiers.map((t) => ({
    tier: t.tier,
    tests: num(t.tests),
    passed: num(t.passed),
    share: tierTotal ? Math.round((10_000 * num(t.tests)) / tierTotal) / 100 : 0,
    costUsd: round6(num(t.cost_usd)),
  }));
  const costUsd = round6(num(data.cost_usd));
  const judgeCostUsd = round6(num(data.judge_cost_usd));
  const ships = data.ships.map((s) => ({ name: s.name, ships: num(s.ships) }));
  return {
    weekStart: data.week_start,
    team: data.team ?? { slug: '', name: '' },
    quiet: num(data.runs) === 0 && num(data.sessions) === 0 && ships.length === 0,
    runs: num(data.runs),
    prevRuns: num(data.prev_runs),
    passRate: passRatePercent(num(data.passed), num(data.ran)),
    prevPassRate: passRatePercent(num(data.prev_passed), num(data.prev_ran)),
    costUsd,
    prevCostUsd: round6(num(data.prev_cost_usd)),
    judgeCostUsd,
    systemCostUsd: round6(costUsd - judgeCostUsd),
    costByModel: data.cost_by_model.map((c) => ({
      model: c.model,
      purpose: c.purpose,
      calls: num(c.calls),
      costUsd: round6(num(c.cost_usd)),
    })),
    escalation: { tiers, ...escalationSavings(tiers) },
    regressions: regressions.slice(0, DIGEST_RULES.topRegressions),
    becameFlaky,
    becameDegrading,
    sessions: num(data.sessions),
    ships,
  };
}

function change(now: number | null, before: number | null): string {
  return now === null || before === null ? '' : ` (${pp(now - before)} vs last week)`;
}

function costChange(now: number, before: number): string {
  if (before === 0) return now === 0 ? '' : ' (nothing last week)';
  const delta = now - before;
  return ` (${delta >= 0 ? '+' : '−'}${usd(Math.abs(delta))}, ${delta >= 0 ? '+' : '−'}${Math.abs(Math.round((100 * delta) / before))}% vs last week)`;
}

/** The digest as lines of Slack mrkdwn (escaped) or plain text, one list per topic. */
function digestLines(d: Digest, esc: (v: unknown) => string, bold: (v: string) => string): { title: string; groups: string[][] } {
  const title = `Weekly digest for ${d.team.name || d.team.slug}: week of ${d.weekStart}`;
  if (d.quiet) return { title, groups: [['Quiet week: no eval runs, sessions or ships.']] };
  const groups: string[][] = [];
  groups.push([
    `${bold('Runs')}: ${d.runs} (last week ${d.prevRuns})`,
    `${bold('Pass rate')}: ${pct(d.passRate)}${change(d.passRate, d.prevPassRate)}`,
    `${bold('Cost')}: ${usd(d.costUsd)}${costChange(d.costUsd, d.prevCostUsd)}; system ${usd(d.systemCostUsd)}, judge ${usd(d.judgeCostUsd)}`,
  ]);
  groups.push([
    bold(`Top regressions (${d.regressions.length})`),
    ...(d.regressions.length
      ? d.regressions.map(
          (r) =>
            `• ${esc(r.repoSlug)} / ${esc(r.suite)}: ${pct(r.baseline)} → ${pct(r.passRate)} (${pp(-r.drop)}) on ${r.runAt.slice(0, 10)}`,
        )
      : ['• none']),
  ]);
  const testList = (label: string, list: Digest['becameFlaky']) => [
    bold(`${label} (${list.length})`),
    ...list.slice(0, DIGEST_RULES.topTests).map((t) => `• ${esc(t.repoSlug)} / ${esc(t.suite)}: ${esc(t.test)}`),
    ...(list.length > DIGEST_RULES.topTests ? [`+${list.length - DIGEST_RULES.topTests} more`] : []),
  ];
  if (d.becameFlaky.length) groups.push(testList('Became flaky', d.becameFlaky));
  if (d.becameDegrading.length) groups.push(testList('Degrading', d.becameDegrading));
  if (d.costByModel.length)
    groups.push([
      bold('Cost by model'),
      ...d.costByModel.map((c) => `• ${esc(c.model)} (${esc(c.purpose)}): ${usd(c.costUsd)}, ${c.calls} calls`),
    ]);
  if (d.escalation.tiers.length)
    groups.push([
      bold('Escalation'),
      ...d.escalation.tiers.map(
        (t) => `• ${esc(t.tier)}: ${t.share}% of tests resolved here, ${t.passed}/${t.tests} passed, ${usd(t.costUsd)}`,
      ),
      d.escalation.savedUsd === null
        ? '• saved vs everything on the top tier: unknown (no top-tier cost)'
        : `• saved vs everything on ${esc(d.escalation.topTier)}: ${usd(d.escalation.savedUsd)}`,
    ]);
  groups.push([
    `${bold('Sessions')}: ${d.sessions}`,
    `${bold('Ships')}: ${d.ships.length ? d.ships.map((s) => `${esc(s.name)} ${s.ships}`).join(', ') : 'none'}`,
  ]);
  return { title, groups };
}

/** The digest as a Slack message. */
export function digestMessage(d: Digest): SlackMessage {
  const { title, groups } = digestLines(d, escapeSlack, (v) => `*${v}*`);
  const blocks: Block[] = [header(`:bar_chart: ${escapeSlack(title)}`)];
  for (const group of groups) blocks.push(...sections(group));
  blocks.push(context(`team ${escapeSlack(d.team.slug)} · weeks start Monday 00:00 UTC`));
  const fallback = d.quiet ? `${title}: quiet week` : `${title}: ${d.runs} runs, pass rate ${pct(d.passRate)}, cost ${usd(d.costUsd)}`;
  return message(escapeSlack(fallback), blocks);
}

/** The digest as plain text (the CLI preview). */
export function digestText(d: Digest): string {
  const { title, groups } = digestLines(
    d,
    (v) => String(v ?? ''),
    (v) => v,
  );
  return `${[title, ...groups.map((g) => g.join('\n'))].join('\n\n')}\n`;
}
