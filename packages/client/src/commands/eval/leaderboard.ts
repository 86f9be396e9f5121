/** `gstack eval leaderboard`: per person runs, pass rate, cost, ships, sessions and day streak. */
import { dayStreak, type LeaderboardEntry, leaderboardEntry, passRatePercent, rankLeaderboard } from '@gstack/core';
import type { Command } from 'commander';
import { localRuns } from '../../analytics/local.ts';
import { teamOrLocal } from '../../analytics/team.ts';
import { printJson, snakeKeys } from '../../cli/run.ts';
import { renderTable, terminalWidth } from '../../cli/table.ts';
import { countOf, formatPercent, formatUsd } from '../../cli/term.ts';
import { type AnalyticsFlags, analyticsContext, positiveInt, REPO_HELP, teamRepo } from './common.ts';

export function registerEvalLeaderboard(evalCommand: Command): void {
  evalCommand
    .command('leaderboard')
    .description(
      'Per person: runs, pass rate, cost, ships, sessions and streak (local: per machine; --team: runs pushed with CI tokens as "CI")',
    )
    .option('--days <n>', 'the window', positiveInt('--days'), 7)
    .option('--repo <slug>', REPO_HELP)
    .option('--team', 'read the team store instead of local files')
    .option('--json', 'print JSON')
    .action(async (flags: AnalyticsFlags & { days: number }) => {
      const ctx = analyticsContext(flags);
      const since = Date.now() - flags.days * 86_400_000;
      const local = (): LeaderboardEntry[] => {
        const byHost = new Map<string, Array<{ at: string; passed: number; ran: number; cost: number }>>();
        for (const { doc } of localRuns(ctx.stateRoot, ctx.repoSlug, ctx.warn)) {
          if (Date.parse(doc.timestamp) < since) continue;
          const list = byHost.get(doc.hostname) ?? [];
          list.push({ at: doc.timestamp, passed: doc.totals.passed, ran: doc.totals.tests - doc.totals.skipped, cost: doc.cost_usd });
          byHost.set(doc.hostname, list);
        }
        return [...byHost].map(([name, runs]) => {
          const ran = runs.reduce((a, r) => a + r.ran, 0);
          return {
            name,
            runs: runs.length,
            passRate: passRatePercent(
              runs.reduce((a, r) => a + r.passed, 0),
              ran,
            ),
            costUsd: runs.reduce((a, r) => a + r.cost, 0),
            ships: 0,
            sessions: 0,
            streak: dayStreak(runs.map((r) => r.at)),
          };
        });
      };
      const { value: entries, from } = flags.team
        ? await teamOrLocal(
            // The dashboard's RPC and mapping: runs pushed with CI tokens are one "CI" row.
            async (team) => (await team.leaderboard(flags.days, teamRepo(flags))).map((r) => leaderboardEntry(r)),
            local,
            ctx.warn,
          )
        : { value: local(), from: 'local' as const };
      const ranked = rankLeaderboard(entries);
      if (flags.json)
        return printJson({
          source: from,
          days: flags.days,
          repo: from === 'team' ? (teamRepo(flags) ?? null) : ctx.repoSlug,
          entries: ranked.map(snakeKeys),
        });
      if (!ranked.length) {
        process.stdout.write(`no runs in the last ${countOf(flags.days, 'day')}\n`);
        return;
      }
      const table = renderTable<LeaderboardEntry>(
        [
          { header: '#', value: (e) => String(ranked.indexOf(e) + 1), align: 'right' },
          { header: from === 'team' ? 'person' : 'machine', value: (e) => e.name, flexible: true },
          { header: 'runs', value: (e) => String(e.runs), align: 'right' },
          { header: 'pass', value: (e) => formatPercent(e.passRate), align: 'right' },
          { header: 'cost', value: (e) => formatUsd(e.costUsd), align: 'right' },
          { header: 'ships', value: (e) => String(e.ships), align: 'right' },
          { header: 'sessions', value: (e) => String(e.sessions), align: 'right' },
          { header: 'streak', value: (e) => (e.streak ? `${e.streak}d` : '-'), align: 'right' },
        ],
        ranked,
        terminalWidth(),
      );
      process.stdout.write(`${table}\n`);
    });
}
