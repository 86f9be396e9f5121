/** `gstack eval show RUN`: one run in the terminal — each test, and each step it took up the model ladder. */
import type { StandardEvalResult } from '@gstack/core';
import type { Command } from 'commander';
import { localRuns, pickRun } from '../../analytics/local.ts';
import { teamOrLocal, teamPrunedNotice } from '../../analytics/team.ts';
import { printJson } from '../../cli/run.ts';
import { formatDuration, formatPercent, formatRelative, formatUsd, visible } from '../../cli/term.ts';
import { type AnalyticsFlags, analyticsContext, REPO_HELP, shortRunId, teamRepo, when } from './common.ts';

function render(doc: StandardEvalResult, s: ReturnType<typeof analyticsContext>['s']): string {
  const lines = [
    `${s.bold(visible(doc.suite))}  run ${shortRunId(doc.run_id)}  ${when(doc.timestamp)} (${formatRelative(doc.timestamp)})  ${visible(doc.git.branch ?? '-')}  ${doc.tier ?? '-'}${doc.interrupted ? `  ${s.yellow('interrupted')}` : ''}`,
    `${doc.totals.passed}/${doc.totals.tests - doc.totals.skipped} passed (${formatPercent(doc.pass_rate)})  ${formatUsd(doc.cost_usd)}  ${formatDuration(doc.duration_ms)}`,
    '',
  ];
  const removed = teamPrunedNotice(doc);
  if (removed) lines.push(s.yellow(removed));
  for (const r of doc.all_results) {
    const mark = r.skipped ? s.dim('-') : r.passed ? s.green('✓') : s.red('✗');
    const trial = r.trial > 1 ? ` #${r.trial}` : '';
    lines.push(
      `${mark} ${visible(r.name)}${trial}  ${s.dim(visible(r.category))}  ${r.resolved_tier ?? '-'} ${visible(r.resolved_model ?? '')}  ${formatUsd(r.cost_usd)}`,
    );
    for (const a of r.attempts) {
      const why = a.feedback ? `: ${visible(a.feedback).slice(0, 160)}` : '';
      lines.push(
        `    ${a.attempt}. ${a.tier} ${visible(a.model)}  ${a.verdict}${a.self_certified ? ' (self-certified)' : ''}  ${formatDuration(a.duration_ms)}  ${formatUsd(a.cost_usd)}${why}`,
      );
    }
    for (const f of r.assertions.filter((x) => !x.passed))
      lines.push(`    ${s.red('failed')} ${f.type}${f.message ? `: ${visible(f.message).slice(0, 200)}` : ''}`);
    if (r.error) lines.push(`    ${s.red('error')} ${visible(r.error)}`);
  }
  return lines.join('\n');
}

export function registerEvalShow(evalCommand: Command): void {
  evalCommand
    .command('show')
    .description("One run's tests and their ladder attempts")
    .argument('<run>', 'a result file or run id (prefix, as gstack eval list shows it)')
    .option('--repo <slug>', REPO_HELP)
    .option('--team', 'look the run up in the team store')
    .option('--json', 'print the result document')
    .action(async (ref: string, flags: AnalyticsFlags) => {
      const ctx = analyticsContext(flags);
      const local = () => localRuns(ctx.stateRoot, ctx.repoSlug, ctx.warn).map((r) => r.doc);
      const { value: runs } = flags.team
        ? await teamOrLocal((team) => team.documents({ repo: teamRepo(flags) }, 200), local, ctx.warn)
        : { value: local() };
      const doc = pickRun(ref, runs);
      if (flags.json) return printJson(doc);
      process.stdout.write(`${render(doc, ctx.s)}\n`);
    });
}
