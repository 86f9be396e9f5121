/** `gstack eval leaderboard`: per person runs, pass rate, cost, ships, sessions and day streak. */
import { dayStreak, type LeaderboardEntry, passRatePercent, rankLeaderboard } from '@gstack/core';
import type { Command } from 'commander';
import { localRuns } from '../../analytics/local.ts';
import { teamOrLocal } from '../../analytics/team.ts';
import { printJson, snakeKeys } from '../../cli/run.ts';
import { renderTable, terminalWidth } from '../../cli/table.ts';
import { formatPercent, formatUsd } from '../../cli/term.ts';
import { type AnalyticsFlags, analyticsContext, positiveInt } from './common.ts';

export function registerEvalLeaderboard(evalCommand: Command): void {
  evalCommand
    .command('leaderboard')
    .description('Per person: runs, pass rate, cost, ships, sessions and streak (local: per machine)')
    .option('--days <n>', 'the window', positiveInt('--days'), 7)
    .option('--repo <slug>', 'local results of this repository (default: the current one; "all" for every one)')
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
            async (team) => {
              const [rows, days] = await Promise.all([team.leaderboard(flags.days), team.activeDays(flags.days)]);
              return rows.map((r) => ({
                name: r.display_name ?? r.user_id.slice(0, 8),
                runs: Number(r.runs),
                passRate: r.pass_rate === null ? null : Number(r.pass_rate),
                costUsd: Number(r.cost_usd),
                ships: Number(r.ships),
                sessions: Number(r.sessions),
                streak: dayStreak(days.get(r.user_id) ?? []),
              }));
            },
            local,
            ctx.warn,
          )
        : { value: local(), from: 'local' as const };
      const ranked = rankLeaderboard(entries);
      if (flags.json) return printJson({ source: from, days: flags.days, entries: ranked.map(snakeKeys) });
      if (!ranked.length) {
        process.stdout.write(`no runs in the last ${flags.days} days\n`);
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
