/** `gstack eval trend`: each test as stable-pass, stable-fail, flaky, improving or degrading, with a sparkline and streak. */
import { type TestTrend, TREND_RULES, type TrendRow, trendRows } from '@gstack/core';
import type { Command } from 'commander';
import { localHistories, teamHistories } from '../../analytics/history.ts';
import { localRuns } from '../../analytics/local.ts';
import { teamOrLocal } from '../../analytics/team.ts';
import { printJson, snakeKeys } from '../../cli/run.ts';
import { type Column, renderTable, terminalWidth } from '../../cli/table.ts';
import type { Style } from '../../cli/term.ts';
import { type AnalyticsFlags, analyticsContext, positiveInt, REPO_HELP, teamRepo } from './common.ts';

export function colourClass(s: Style, c: TestTrend['classification']): string {
  return c === 'flaky' || c === 'degrading' ? s.yellow(c) : c === 'stable-fail' ? s.red(c) : s.green(c);
}

export function registerEvalTrend(evalCommand: Command): void {
  evalCommand
    .command('trend')
    .description('Classify each test over recent runs: stable-pass, stable-fail, flaky, improving, degrading')
    .option(
      '--limit <n>',
      `runs per suite to read (each test is classified over its newest ${TREND_RULES.window} outcomes)`,
      positiveInt('--limit'),
      TREND_RULES.runs,
    )
    .option('--suite <suite>', 'only this suite')
    .option('--test <name>', 'only this test')
    .option('--repo <slug>', REPO_HELP)
    .option('--team', 'read the team store instead of local files')
    .option('--json', 'print JSON')
    .action(async (flags: AnalyticsFlags & { limit: number; suite?: string; test?: string }) => {
      const ctx = analyticsContext(flags);
      const local = () =>
        localHistories(
          localRuns(ctx.stateRoot, ctx.repoSlug, ctx.warn)
            .map((r) => r.doc)
            .filter((d) => !flags.suite || d.suite === flags.suite),
          flags.limit,
        );
      const { value: histories, from } = flags.team
        ? await teamOrLocal((team) => teamHistories(team, { suite: flags.suite, repo: teamRepo(flags) }, flags.limit), local, ctx.warn)
        : { value: local(), from: 'local' as const };
      const rows = trendRows(histories, flags.test);
      if (flags.json) return printJson({ source: from, tests: rows.map(snakeKeys) });
      if (!rows.length) {
        process.stdout.write('no history yet: run a suite a few times (gstack eval run) and come back\n');
        return;
      }
      // A repository column where rows can differ in it (a team read or --repo all).
      const manyRepos = new Set(rows.map((r) => r.repo_slug)).size > 1;
      const columns: Array<Column<TrendRow> | false> = [
        manyRepos && { header: 'repo', value: (r) => r.repo_slug, flexible: true },
        { header: 'suite', value: (r) => r.suite, flexible: true },
        { header: 'test', value: (r) => r.test, flexible: true },
        { header: 'trend', value: (r) => colourClass(ctx.s, r.classification) },
        { header: 'history', value: (r) => r.sparkline },
        { header: 'streak', value: (r) => `${r.streak.length}${r.streak.passing ? '✓' : '✗'}`, align: 'right' },
        { header: 'pass', value: (r) => `${r.passRate.toFixed(0)}%`, align: 'right' },
      ];
      const table = renderTable<TrendRow>(
        columns.filter((c): c is Column<TrendRow> => Boolean(c)),
        rows,
        terminalWidth(),
      );
      process.stdout.write(`${table}\n`);
    });
}
