/** `gstack eval summary`: runs, spend, pass rate by suite and branch, flaky tests, date range. */
import { passRatePercent, TREND_RULES, trendRows } from '@gstack/core';
import type { Command } from 'commander';
import { localHistories, teamHistories } from '../../analytics/history.ts';
import { localRuns } from '../../analytics/local.ts';
import { type TeamSource, teamOrLocal } from '../../analytics/team.ts';
import { printJson } from '../../cli/run.ts';
import { renderTable, terminalWidth } from '../../cli/table.ts';
import { countOf, formatPercent, formatRelative, formatUsd } from '../../cli/term.ts';
import { type RunRow, rowFromDoc } from '../../results/summary.ts';
import { type AnalyticsFlags, analyticsContext, day, positiveInt, REPO_HELP, teamRepo } from './common.ts';

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
    .option('--repo <slug>', REPO_HELP)
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
        rows: await source.runs({ repo: teamRepo(flags) }, flags.limit),
        histories: await teamHistories(source, { repo: teamRepo(flags) }, TREND_RULES.runs),
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
        by_repo: passRates(rows, (r) => r.repoSlug),
        // Who pushed them: only the team store knows (local files know the machine, which list shows).
        by_person: source === 'team' ? passRates(rows, (r) => r.person ?? '(unknown)') : [],
        flaky: flaky.map((t) => ({ suite: t.suite, test: t.test, sparkline: t.sparkline, pass_rate: t.passRate })),
      };
      if (flags.json) return printJson(report);
      if (!rows.length) {
        process.stdout.write('no runs yet: run `gstack eval run <suite.yaml>`\n');
        return;
      }
      const group = (header: string, groups: typeof report.by_suite) =>
        renderTable(
          [
            { header, value: (g) => g.key, flexible: true },
            { header: 'runs', value: (g) => String(g.runs), align: 'right' },
            { header: 'pass', value: (g) => formatPercent(g.pass_rate), align: 'right' },
          ],
          groups,
          terminalWidth(),
        );
      const out = [
        `${countOf(report.runs, 'run')} from ${day(report.from ?? '')} to ${day(report.to ?? '')} (last ${formatRelative(report.to)}), ${formatUsd(spend)} spent, ${formatUsd(report.average_cost_usd)} per run`,
        '',
        group('suite', report.by_suite),
        '',
        group('branch', report.by_branch),
        // Repository and person tables only where rows can differ in them.
        ...(report.by_repo.length > 1 ? ['', group('repo', report.by_repo)] : []),
        ...(report.by_person.length ? ['', group('person', report.by_person)] : []),
        '',
        flaky.length
          ? renderTable(
              [
                { header: 'flaky test', value: (t) => `${t.suite} › ${t.test}`, flexible: true },
                { header: 'history', value: (t) => ctx.s.yellow(t.sparkline) },
                { header: 'pass', value: (t) => `${t.pass_rate.toFixed(0)}%`, align: 'right' },
              ],
              report.flaky,
              terminalWidth(),
            )
          : 'flaky tests: none',
      ];
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
