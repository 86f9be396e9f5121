/** `gstack eval list`: recent runs with their pass counts and cost, total spend at the bottom. */
import type { Command } from 'commander';
import { localRuns, matches, type RunFilter } from '../../analytics/local.ts';
import { type RunRow, rowFromDoc, teamOrLocal } from '../../analytics/team.ts';
import { printJson } from '../../cli/run.ts';
import { renderTable, terminalWidth } from '../../cli/table.ts';
import { formatUsd } from '../../cli/term.ts';
import { type AnalyticsFlags, analyticsContext, positiveInt, when } from './common.ts';

export function registerEvalList(evalCommand: Command): void {
  evalCommand
    .command('list')
    .description('List recent runs: date, suite, branch, tier, passed/total, cost, version')
    .option('--suite <suite>', 'only this suite')
    .option('--branch <branch>', 'only this branch')
    .option('--tier <tier>', 'only this tier (ladder, model, fast, ...)')
    .option('--limit <n>', 'runs', positiveInt('--limit'), 20)
    .option('--repo <slug>', 'local results of this repository (default: the current one; "all" for every one)')
    .option('--team', 'read the team store instead of local files')
    .option('--json', 'print JSON')
    .action(async (flags: AnalyticsFlags & RunFilter & { limit: number }) => {
      const ctx = analyticsContext(flags);
      const filter: RunFilter = { suite: flags.suite, branch: flags.branch, tier: flags.tier };
      const local = () =>
        localRuns(ctx.stateRoot, ctx.repoSlug, ctx.warn)
          .filter((r) => matches(r.doc, filter))
          .slice(0, flags.limit)
          .map((r) => rowFromDoc(r.doc));
      const { value: rows, from } = flags.team
        ? await teamOrLocal((team) => team.runs(filter, flags.limit), local, ctx.warn)
        : { value: local(), from: 'local' as const };
      const total = rows.reduce((sum, r) => sum + r.costUsd, 0);
      if (flags.json) return printJson({ source: from, runs: rows, total_cost_usd: total });
      if (!rows.length) {
        process.stdout.write(
          `no runs yet${flags.team ? ' in the team store' : ` for ${ctx.repoSlug}`}: run \`gstack eval run <suite.yaml>\`\n`,
        );
        return;
      }
      const table = renderTable<RunRow>(
        [
          { header: 'date', value: (r) => when(r.runAt) },
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
        ],
        rows,
        terminalWidth(),
        [`${rows.length} run${rows.length === 1 ? '' : 's'}, total spend ${formatUsd(total)}`],
      );
      process.stdout.write(`${table}\n`);
    });
}
