/** `gstack eval summary`: runs, spend, pass rate by suite and branch, flaky tests, date range. */
import { passRatePercent, TREND_RULES, trendRows } from '@gstack/core';
import type { Command } from 'commander';
import { localHistories, teamHistories } from '../../analytics/history.ts';
import { localRuns } from '../../analytics/local.ts';
import { type RunRow, rowFromDoc, type TeamSource, teamOrLocal } from '../../analytics/team.ts';
import { printJson } from '../../cli/run.ts';
import { formatPercent, formatUsd } from '../../cli/term.ts';
import { type AnalyticsFlags, analyticsContext, day, positiveInt } from './common.ts';

function passRates(rows: RunRow[], key: (r: RunRow) => string): Array<{ key: string; runs: number; pass_rate: number | null }> {
  const groups = new Map<string, { runs: number; passed: number; ran: number }>();
  for (const r of rows) {
    const g = groups.get(key(r)) ?? { runs: 0, passed: 0, ran: 0 };
    g.runs += 1;
    g.passed += r.passed;
    g.ran += r.total - r.skipped;
    groups.set(key(r), g);
  }
  return [...groups]
    .map(([k, g]) => ({ key: k, runs: g.runs, pass_rate: passRatePercent(g.passed, g.ran) }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

export function registerEvalSummary(evalCommand: Command): void {
  evalCommand
    .command('summary')
    .description('Runs, spend, average cost per run, pass rate by suite and branch, flaky tests, date range')
    .option('--limit <n>', 'recent runs to summarise', positiveInt('--limit'), 50)
    .option('--repo <slug>', 'local results of this repository (default: the current one; "all" for every one)')
    .option('--team', 'read the team store instead of local files')
    .option('--json', 'print JSON')
    .action(async (flags: AnalyticsFlags & { limit: number }) => {
      const ctx = analyticsContext(flags);
      const local = () => {
        const runs = localRuns(ctx.stateRoot, ctx.repoSlug, ctx.warn).slice(0, flags.limit);
        return {
          rows: runs.map((r) => rowFromDoc(r.doc)),
          histories: localHistories(
            runs.map((r) => r.doc),
            TREND_RULES.runs,
          ),
        };
      };
      const team = async (source: TeamSource) => ({
        rows: await source.runs({}, flags.limit),
        histories: await teamHistories(source, undefined, TREND_RULES.runs),
      });
      const {
        value: { rows, histories },
        from: source,
      } = flags.team ? await teamOrLocal(team, local, ctx.warn) : { value: local(), from: 'local' as const };
      const spend = rows.reduce((a, r) => a + r.costUsd, 0);
      const flaky = trendRows(histories).filter((t) => t.classification === 'flaky');
      const times = rows.map((r) => r.runAt).sort();
      const report = {
        source,
        runs: rows.length,
        spend_usd: spend,
        average_cost_usd: rows.length ? spend / rows.length : 0,
        from: times[0] ?? null,
        to: times.at(-1) ?? null,
        by_suite: passRates(rows, (r) => r.suite),
        by_branch: passRates(rows, (r) => r.branch ?? '(none)'),
        flaky: flaky.map((t) => ({ suite: t.suite, test: t.test, sparkline: t.sparkline, pass_rate: t.passRate })),
      };
      if (flags.json) return printJson(report);
      if (!rows.length) {
        process.stdout.write('no runs yet: run `gstack eval run <suite.yaml>`\n');
        return;
      }
      const out = [
        `${report.runs} run${report.runs === 1 ? '' : 's'} from ${day(report.from ?? '')} to ${day(report.to ?? '')}, ${formatUsd(spend)} spent, ${formatUsd(report.average_cost_usd)} per run`,
        'pass rate by suite',
        ...report.by_suite.map((g) => `  ${g.key.padEnd(28)} ${formatPercent(g.pass_rate).padStart(7)}  (${g.runs} runs)`),
        'pass rate by branch',
        ...report.by_branch.map((g) => `  ${g.key.padEnd(28)} ${formatPercent(g.pass_rate).padStart(7)}  (${g.runs} runs)`),
        flaky.length ? 'flaky tests' : 'flaky tests: none',
        ...flaky.map((t) => `  ${ctx.s.yellow(t.sparkline)}  ${t.suite} › ${t.test}`),
      ];
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
