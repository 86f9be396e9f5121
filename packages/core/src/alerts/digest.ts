/**
 * The Monday digest: from one team's week of aggregates (`digest_week` in
 * SQL) to the numbers the message shows, using the same rules as the CLI —
 * pass rates by `passRatePercent`, regressions by `runRegression`, flaky and
 * degrading by `classifyTrend`, the ladder's savings by `ladderSavings` and the
 * verifier by `verifierQuality` (the Escalation page's rules) — then to Slack
 * blocks and to plain text (the CLI preview). Each section links to its
 * dashboard page when the team set a dashboard URL; counts carry their noun; a
 * tier's spend is its model calls, the number the model table shows. A week
 * with no runs, sessions or ships is one "quiet week" line.
 */
import { compareTiers, ladderSavings, type VerifierQuality, verifierQuality } from '../analytics/ladder.ts';
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
  /** The team's dashboard address (`…/t/<team>`); null: no links. */
  dashboard_url?: string | null;
  /** The ladder's calls per attempt tier (eval_runs.attempt_stats). */
  tier_attempts?: Array<{ tier: string; attempts: number; cost_usd: number | string }>;
  /** The verifier's decisions, grouped as verifier_decisions groups them. */
  verifier?: Array<{ model: string; accepted: boolean; assertions_passed: boolean | null; decisions: number }>;
  /** Pull requests the CI gate stopped in the week (`ci_stopped_pull_requests`; processDigest adds it). */
  ci_stopped_pull_requests?: number | null;
  /** Tests in open alert episodes. */
  still_failing?: Array<{ repo_slug: string; suite: string; branch: string | null; test: string; since: string; run_id: string }>;
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
    /** Per tier: tests resolved there (share of all), how many passed, the tier's attempts and their cost (its model calls). */
    tiers: Array<{ tier: string; tests: number; passed: number; share: number; attempts: number; costUsd: number }>;
    topTier: string | null;
    /** What the week would have cost with every test at one attempt of the top tier, minus the ladder's spend; null when unknown. */
    savedUsd: number | null;
  };
  dashboardUrl: string | null;
  /** Tests flaky through the week's end (`isNew`: not flaky before the week). */
  flaky: Array<{ repoSlug: string; suite: string; test: string; isNew: boolean }>;
  /** Tests in open alert episodes, oldest first. */
  stillFailing: Array<{ repoSlug: string; suite: string; branch: string | null; test: string; since: string; runId: string }>;
  /** The verifier's figures per verifier model. */
  verifier: Array<VerifierQuality & { model: string }>;
  regressions: Array<{ repoSlug: string; suite: string; runId: string; runAt: string; baseline: number; passRate: number; drop: number }>;
  becameFlaky: Array<{ repoSlug: string; suite: string; test: string }>;
  becameDegrading: Array<{ repoSlug: string; suite: string; test: string }>;
  sessions: number;
  ships: Array<{ name: string; ships: number }>;
  /** Pull requests `gstack ci report` stopped this week (each counted once per repository). */
  ciStopped: number;
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

/** Tests whose outcomes through the week's end classify as `kind`. */
function classified(tests: DigestWeekData['suites'][number]['tests'], kind: TrendClass) {
  return tests.filter((t) => t.through.length > 0 && classifyTrend(t.through).classification === kind);
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
  const flaky: Digest['flaky'] = [];
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
    const newlyFlaky = new Set(became(s.tests, 'flaky'));
    for (const test of newlyFlaky) becameFlaky.push({ repoSlug: s.repo_slug, suite: s.suite, test });
    for (const t of classified(s.tests, 'flaky'))
      flaky.push({ repoSlug: s.repo_slug, suite: s.suite, test: t.name, isNew: newlyFlaky.has(t.name) });
    for (const test of became(s.tests, 'degrading')) becameDegrading.push({ repoSlug: s.repo_slug, suite: s.suite, test });
  }
  regressions.sort((a, b) => b.drop - a.drop || a.runAt.localeCompare(b.runAt));
  const tierTotal = data.tiers.reduce((a, t) => a + num(t.tests), 0);
  const attempts = (data.tier_attempts ?? []).map((t) => ({ tier: t.tier, attempts: num(t.attempts), costUsd: round6(num(t.cost_usd)) }));
  const names = [...new Set([...data.tiers.map((t) => t.tier), ...attempts.map((t) => t.tier)])].sort(compareTiers);
  const tiers = names.map((tier) => {
    const resolved = data.tiers.find((t) => t.tier === tier);
    const spend = attempts.find((t) => t.tier === tier);
    return {
      tier,
      tests: num(resolved?.tests),
      passed: num(resolved?.passed),
      share: tierTotal ? Math.round((10_000 * num(resolved?.tests)) / tierTotal) / 100 : 0,
      attempts: spend?.attempts ?? 0,
      costUsd: spend?.costUsd ?? 0,
    };
  });
  const savings = ladderSavings(tierTotal, attempts);
  const verifierModels = [...new Set((data.verifier ?? []).map((v) => v.model))].sort();
  const costUsd = round6(num(data.cost_usd));
  const judgeCostUsd = round6(num(data.judge_cost_usd));
  const ships = data.ships.map((s) => ({ name: s.name, ships: num(s.ships) }));
  return {
    weekStart: data.week_start,
    team: data.team ?? { slug: '', name: '' },
    ciStopped: num(data.ci_stopped_pull_requests),
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
    escalation: { tiers, topTier: savings.topTier, savedUsd: savings.savedUsd },
    dashboardUrl: data.dashboard_url ? data.dashboard_url.replace(/\/+$/, '') : null,
    flaky,
    stillFailing: (data.still_failing ?? []).map((f) => ({
      repoSlug: f.repo_slug,
      suite: f.suite,
      branch: f.branch,
      test: f.test,
      since: f.since,
      runId: f.run_id,
    })),
    verifier: verifierModels.map((model) => ({
      model,
      ...verifierQuality(
        (data.verifier ?? [])
          .filter((v) => v.model === model)
          .map((v) => ({ accepted: v.accepted, assertionsPassed: v.assertions_passed, count: num(v.decisions) })),
      ),
    })),
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

/** `n noun` with the noun in the plural unless n is 1 ("1 call", "8 calls"). */
export function countOf(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/** How a section heading or item links to a dashboard page in each output. */
interface Style {
  esc: (v: unknown) => string;
  bold: (v: string) => string;
  /** `label` linking to `url` (already escaped label; url may be undefined: no link). */
  link: (label: string, url: string | undefined) => string;
}

/** The verifier's figures for one model, e.g. "12 decisions, 9 accepted (1 false accept of 8 judged, 12.5%), …". */
function verifierLine(v: Digest['verifier'][number], esc: Style['esc']): string {
  const rate = (n: number, r: number | null, noun: string) =>
    r === null ? `${countOf(n, noun)} (none judged)` : `${countOf(n, noun)} (${r}%)`;
  return `• ${esc(v.model)}: ${countOf(v.decisions, 'decision')}, ${v.accepts} accepted, ${v.rejects} rejected; ${rate(
    v.falseAccepts,
    v.falseAcceptRate,
    'false accept',
  )}, ${rate(v.falseRejects, v.falseRejectRate, 'false reject')}${v.unknown ? `; ${v.unknown} not judged (no assertions)` : ''}`;
}

/** The digest as lines of Slack mrkdwn (escaped) or plain text, one list per topic, headings linked to their pages. */
function digestLines(d: Digest, style: Style): { title: string; groups: string[][] } {
  const { esc, bold, link } = style;
  const title = `Weekly digest for ${d.team.name || d.team.slug}: week of ${d.weekStart}`;
  if (d.quiet) return { title, groups: [['Quiet week: no eval runs, sessions or ships.']] };
  const page = (path: string) => (d.dashboardUrl ? `${d.dashboardUrl}${path}` : undefined);
  const q = (v: string) => encodeURIComponent(v);
  const heading = (label: string, path: string) => bold(link(label, page(path)));
  const groups: string[][] = [];
  groups.push([
    `${heading('Runs', '/runs')}: ${d.runs} (last week ${d.prevRuns})`,
    `${heading('Pass rate', '/trends')}: ${pct(d.passRate)}${change(d.passRate, d.prevPassRate)}`,
    `${heading('Cost', '/costs?days=7')}: ${usd(d.costUsd)}${costChange(d.costUsd, d.prevCostUsd)}; system ${usd(d.systemCostUsd)}, judge ${usd(d.judgeCostUsd)}`,
    ...(d.ciStopped ? [`${heading('CI gate', '/runs')}: stopped ${countOf(d.ciStopped, 'pull request')}`] : []),
  ]);
  groups.push([
    heading(`Top regressions (${d.regressions.length})`, '/trends'),
    ...(d.regressions.length
      ? d.regressions.map(
          (r) =>
            `• ${esc(r.repoSlug)} / ${esc(r.suite)}: ${pct(r.baseline)} → ${pct(r.passRate)} (${pp(-r.drop)}) on ${link(esc(r.runAt.slice(0, 10)), page(`/runs/${q(r.runId)}`))}`,
        )
      : ['• none']),
  ]);
  const more = (n: number) => (n > DIGEST_RULES.topTests ? [`+${n - DIGEST_RULES.topTests} more`] : []);
  const testLink = (t: { repoSlug: string; suite: string; test: string }) =>
    link(esc(t.test), page(`/test?repo=${q(t.repoSlug)}&suite=${q(t.suite)}&name=${q(t.test)}`));
  if (d.stillFailing.length)
    groups.push([
      heading(`Still failing (${d.stillFailing.length})`, '/tests'),
      ...d.stillFailing
        .slice(0, DIGEST_RULES.topTests)
        .map(
          (f) =>
            `• ${esc(f.repoSlug)} / ${esc(f.suite)}${f.branch ? ` (${esc(f.branch)})` : ''}: ${testLink(f)} since ${link(esc(`${f.since.slice(0, 16).replace('T', ' ')} UTC`), page(`/runs/${q(f.runId)}`))}`,
        ),
      ...more(d.stillFailing.length),
    ]);
  if (d.flaky.length)
    groups.push([
      heading(`Flaky (${d.flaky.length})`, '/tests'),
      ...d.flaky
        .slice(0, DIGEST_RULES.topTests)
        .map((t) => `• ${esc(t.repoSlug)} / ${esc(t.suite)}: ${testLink(t)}${t.isNew ? ' (new this week)' : ''}`),
      ...more(d.flaky.length),
    ]);
  if (d.becameDegrading.length)
    groups.push([
      heading(`Degrading (${d.becameDegrading.length})`, '/tests'),
      ...d.becameDegrading.slice(0, DIGEST_RULES.topTests).map((t) => `• ${esc(t.repoSlug)} / ${esc(t.suite)}: ${testLink(t)}`),
      ...more(d.becameDegrading.length),
    ]);
  if (d.costByModel.length)
    groups.push([
      heading('Cost by model', '/costs?days=7'),
      ...d.costByModel.map((c) => `• ${esc(c.model)} (${esc(c.purpose)}): ${usd(c.costUsd)}, ${countOf(c.calls, 'call')}`),
    ]);
  if (d.escalation.tiers.length)
    groups.push([
      heading('Escalation', '/escalation?days=7'),
      ...d.escalation.tiers.map(
        (t) =>
          `• ${esc(t.tier)}: ${t.share}% of tests resolved here, ${t.passed}/${t.tests} passed${t.attempts ? `; ${countOf(t.attempts, 'attempt')}, ${usd(t.costUsd)}` : ''}`,
      ),
      d.escalation.savedUsd === null
        ? '• saved vs everything on the top tier: unknown (no ladder attempts recorded)'
        : `• saved vs everything on ${esc(d.escalation.topTier)}: ${usd(d.escalation.savedUsd)}`,
    ]);
  if (d.verifier.length) groups.push([heading('Verifier', '/escalation?days=7'), ...d.verifier.map((v) => verifierLine(v, esc))]);
  groups.push([
    // No dashboard page shows sessions or ships: these two lines have no link.
    `${bold('Sessions')}: ${d.sessions}`,
    `${bold('Ships')}: ${d.ships.length ? d.ships.map((s) => `${esc(s.name)} ${s.ships}`).join(', ') : 'none'}`,
  ]);
  return { title, groups };
}

/** The digest as a Slack message. */
export function digestMessage(d: Digest): SlackMessage {
  const { title, groups } = digestLines(d, {
    esc: escapeSlack,
    bold: (v) => `*${v}*`,
    link: (label, url) => (url ? `<${escapeSlack(url)}|${label}>` : label),
  });
  const blocks: Block[] = [header(`:bar_chart: ${escapeSlack(title)}`)];
  for (const group of groups) blocks.push(...sections(group));
  blocks.push(context(`team ${escapeSlack(d.team.slug)} · weeks start Monday 00:00 UTC`));
  const fallback = d.quiet
    ? `${title}: quiet week`
    : `${title}: ${countOf(d.runs, 'run')}, pass rate ${pct(d.passRate)}, cost ${usd(d.costUsd)}`;
  return message(escapeSlack(fallback), blocks);
}

/** The digest as plain text (the CLI preview). */
export function digestText(d: Digest): string {
  const { title, groups } = digestLines(d, {
    esc: (v) => String(v ?? ''),
    bold: (v) => v,
    // Plain text reads as the numbers; the Slack message carries the links, the preview names the dashboard once.
    link: (label) => label,
  });
  const dashboard = !d.quiet && d.dashboardUrl ? [`Dashboard: ${d.dashboardUrl}`] : [];
  return `${[title, ...groups.map((g) => g.join('\n')), ...dashboard].join('\n\n')}\n`;
}
