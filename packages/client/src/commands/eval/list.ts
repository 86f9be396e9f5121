/** `gstack eval list`: recent runs with their pass counts and cost, total spend at the bottom. */
import type { Command } from 'commander';
import { localRunRows, matches, type RunFilter } from '../../analytics/local.ts';
import { teamOrLocal } from '../../analytics/team.ts';
import { printJson, snakeKeys } from '../../cli/run.ts';
import { type Column, renderTable, terminalWidth } from '../../cli/table.ts';
import { countOf, formatRelative, formatUsd } from '../../cli/term.ts';
import type { RunRow } from '../../results/summary.ts';
import { type AnalyticsFlags, analyticsContext, parseSince, positiveInt, REPO_HELP, shortRunId, teamRepo } from './common.ts';

export function registerEvalList(evalCommand: Command): void {
  evalCommand
    .command('list')
    .description('List recent runs: date, suite, branch, tier, passed/total, cost, version')
    .option('--suite <suite>', 'only this suite')
    .option('--branch <branch>', 'only this branch')
    .option('--tier <tier>', 'only this tier (ladder, model, fast, ...)')
    .option('--since <when>', 'only runs since a span (7d, 12h, 30m) or a date (2026-11-01)', (v) => parseSince(v))
    .option('--limit <n>', 'runs', positiveInt('--limit'), 20)
    .option('--repo <slug>', REPO_HELP)
    .option('--team', 'read the team store instead of local files')
    .option('--json', 'print JSON')
    .action(async (flags: AnalyticsFlags & RunFilter & { limit: number }) => {
      const ctx = analyticsContext(flags);
      const repo = flags.team ? teamRepo(flags) : undefined;
      const filter: RunFilter = { suite: flags.suite, branch: flags.branch, tier: flags.tier, since: flags.since, repo };
      const local = () =>
        localRunRows(ctx.stateRoot, ctx.repoSlug, ctx.warn)
          .filter((r) => matches(r, filter))
          .slice(0, flags.limit);
      const { value: rows, from } = flags.team
        ? await teamOrLocal((team) => team.runs(filter, flags.limit), local, ctx.warn)
        : { value: local(), from: 'local' as const };
      const total = rows.reduce((sum, r) => sum + r.costUsd, 0);
      if (flags.json) return printJson({ source: from, runs: rows.map(snakeKeys), total_cost_usd: total });
      if (!rows.length) {
        process.stdout.write(
          `no runs yet${flags.team ? ' in the team store' : ` for ${ctx.repoSlug}`}: run \`gstack eval run <suite.yaml>\`\n`,
        );
        return;
      }
      // Repository and person columns appear where rows can differ in them.
      const manyRepos = flags.team ? !repo : flags.repo === 'all';
      const columns: Array<Column<RunRow> | false> = [
        { header: 'run', value: (r) => shortRunId(r.runKey) },
        { header: 'when', value: (r) => formatRelative(r.runAt) },
        manyRepos && { header: 'repo', value: (r) => r.repoSlug, flexible: true },
        from === 'team' && { header: 'person', value: (r) => r.person ?? '-', flexible: true },
        { header: 'suite', value: (r) => r.suite, flexible: true },
        { header: 'branch', value: (r) => r.branch ?? '-', flexible: true },
        { header: 'tier', value: (r) => r.tier ?? '-' },
        {
          header: 'passed',
          value: (r) => (r.passed === r.total - r.skipped ? ctx.s.green : ctx.s.red)(`${r.passed}/${r.total - r.skipped}`),
          align: 'right',
        },
        { header: 'cost', value: (r) => formatUsd(r.costUsd), align: 'right' },
        { header: 'version', value: (r) => r.version ?? '-' },
        { header: 'state', value: (r) => (r.interrupted ? ctx.s.yellow('interrupted') : '') },
      ];
      const table = renderTable<RunRow>(
        columns.filter((c): c is Column<RunRow> => Boolean(c)),
        rows,
        terminalWidth(),
        [`${countOf(rows.length, 'run')}, total spend ${formatUsd(total)}`],
      );
      process.stdout.write(`${table}\n`);
    });
}
