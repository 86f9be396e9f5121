/** `gstack eval compare [A] [B]`: what changed between two runs, test by test. */
import { compareRuns, type StandardEvalResult } from '@gstack/core';
import type { Command } from 'commander';
import { localRuns, pickRun } from '../../analytics/local.ts';
import { teamOrLocal, teamPrunedNotice } from '../../analytics/team.ts';
import { printJson, snakeKeys } from '../../cli/run.ts';
import { formatPercent, formatUsdDelta, visible } from '../../cli/term.ts';
import { UserError } from '../../errors.ts';
import { type AnalyticsFlags, analyticsContext, REPO_HELP, teamRepo, when } from './common.ts';

/**
 * Default: the two latest runs of the named suite, or of the most recent
 * suite that has two; the earlier one from the same branch when there is one.
 */
function defaults(runs: StandardEvalResult[], suite?: string): [StandardEvalResult, StandardEvalResult] {
  for (const after of runs) {
    if (suite && after.suite !== suite) continue;
    const same = runs.filter((r) => r !== after && r.suite === after.suite && r.timestamp <= after.timestamp);
    const before = same.find((r) => r.git.branch === after.git.branch) ?? same[0];
    if (before) return [before, after];
  }
  throw new UserError(
    suite
      ? `need two runs of suite ${suite} to compare (gstack eval list --suite ${suite} shows its runs)`
      : 'need two runs of one suite to compare (or name them: gstack eval compare BASE HEAD)',
  );
}

export function registerEvalCompare(evalCommand: Command): void {
  evalCommand
    .command('compare')
    .description('Per-test diff of two runs (default: the two latest runs of --suite, or of the most recent suite with two)')
    .argument('[base]', 'the earlier run: a result file or run id (prefix)')
    .argument('[head]', 'the later run (default: the newest run of the same suite)')
    .option('--suite <suite>', 'compare the two latest runs of this suite')
    .option('--repo <slug>', REPO_HELP)
    .option('--team', 'read the team store instead of local files')
    .option('--json', 'print JSON')
    .action(async (a: string | undefined, b: string | undefined, flags: AnalyticsFlags & { suite?: string }) => {
      const ctx = analyticsContext(flags);
      const local = () => localRuns(ctx.stateRoot, ctx.repoSlug, ctx.warn).map((r) => r.doc);
      const { value: runs } = flags.team
        ? await teamOrLocal((team) => team.documents({ repo: teamRepo(flags) }, 200), local, ctx.warn)
        : { value: local() };
      let before: StandardEvalResult;
      let after: StandardEvalResult;
      if (a && b) [before, after] = [pickRun(a, runs), pickRun(b, runs)];
      else if (a) {
        before = pickRun(a, runs);
        const base = before;
        const newest = runs.find((r) => r.suite === base.suite && r.run_id !== base.run_id && r.timestamp >= base.timestamp);
        if (!newest) throw new UserError(`no later run of suite ${base.suite} than ${a} to compare it with`);
        after = newest;
      } else [before, after] = defaults(runs, flags.suite);
      const diff = compareRuns(before, after);
      // A side whose tests retention removed: the totals still compare, the tests do not.
      const removed = [
        ['before', teamPrunedNotice(before)],
        ['after', teamPrunedNotice(after)],
      ].flatMap(([side, notice]) => (notice ? [`${side}: ${notice}`] : []));
      if (removed.length) diff.tests = [];
      if (flags.json)
        return printJson({
          before: { run_id: before.run_id, timestamp: before.timestamp },
          after: { run_id: after.run_id, timestamp: after.timestamp },
          ...snakeKeys(diff),
          tests: diff.tests.map(snakeKeys),
          ...(removed.length ? { pruned: removed } : {}),
        });
      const s = ctx.s;
      for (const w of diff.warnings) process.stdout.write(`${s.yellow('warning:')} ${w}\n`);
      process.stdout.write(
        `${s.bold(visible(after.suite))}  ${when(before.timestamp)} ${formatPercent(before.pass_rate)} → ${when(after.timestamp)} ${formatPercent(after.pass_rate)}  (${diff.passRateDelta === null ? '—' : `${diff.passRateDelta >= 0 ? '+' : ''}${diff.passRateDelta} pts`}, cost ${formatUsdDelta(diff.costDelta)})\n`,
      );
      if (removed.length) {
        for (const line of removed) process.stdout.write(`${s.yellow(line)}\n`);
        process.stdout.write("only the totals compare: the test-by-test diff needs both runs' results\n");
        return;
      }
      const section = (title: string, change: string, mark: string) => {
        const tests = diff.tests.filter((t) => t.change === change);
        if (!tests.length) return;
        process.stdout.write(`${title}\n`);
        for (const t of tests)
          process.stdout.write(
            `  ${mark} ${visible(t.name)}${t.scoreDelta ? `  score ${t.scoreDelta > 0 ? '+' : ''}${t.scoreDelta}` : ''}\n`,
          );
      };
      section('newly failing', 'newly-failing', s.red('✗'));
      section('newly passing', 'newly-passing', s.green('✓'));
      section('added', 'added', '+');
      section('removed', 'removed', '-');
      const tierChanges = diff.tests.filter((t) => t.tierBefore !== t.tierAfter && t.change !== 'added' && t.change !== 'removed');
      if (tierChanges.length) {
        process.stdout.write('tier changes\n');
        for (const t of tierChanges)
          process.stdout.write(`  ${visible(t.name)}: ${t.tierBefore ?? 'unresolved'} → ${t.tierAfter ?? 'unresolved'}\n`);
      }
      const costChanges = diff.tests.filter((t) => t.costDelta);
      if (costChanges.length) {
        process.stdout.write('cost changes\n');
        for (const t of costChanges) process.stdout.write(`  ${visible(t.name)}: ${formatUsdDelta(t.costDelta ?? 0)}\n`);
      }
      if (!diff.tests.some((t) => t.change !== 'still-passing' && t.change !== 'still-failing'))
        process.stdout.write('no test changed state\n');
    });
}
