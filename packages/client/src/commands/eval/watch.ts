/** `gstack eval watch`: a live view of a running eval, read from its _partial file. */
import { existsSync } from 'node:fs';
import type { StandardEvalResultInput } from '@gstack/core';
import type { Command } from 'commander';
import { printJson } from '../../cli/run.ts';
import { formatUsd, visible } from '../../cli/term.ts';
import { sliceColumns } from '../../cli/width.ts';
import { UserError } from '../../errors.ts';
import { resultsDir } from '../../results/layout.ts';
import { isPartialLive, livePartials, readPartialFile, recoverOrphanedPartials } from '../../runner/results-store.ts';
import { type AnalyticsFlags, analyticsContext, positiveInt } from './common.ts';

export function frame(doc: StandardEvalResultInput, width = 80): string {
  const results = doc.all_results ?? [];
  const passed = results.filter((r) => r.passed).length;
  const planned = doc.planned_tests ?? null;
  const bar = planned
    ? `${'█'.repeat(Math.round((20 * results.length) / planned))}${'░'.repeat(20 - Math.round((20 * results.length) / planned))} `
    : '';
  const lines = [
    `${visible(doc.suite)}  ${bar}${results.length}${planned ? `/${planned}` : ''} done  ✓${passed} ✗${results.length - passed}  ${formatUsd(doc.cost_usd ?? 0)}`,
    ...results
      .slice(-5)
      .map((r) =>
        sliceColumns(
          `  ${r.passed ? '✓' : '✗'} ${visible(r.name)}${r.resolved_tier ? `  ${r.resolved_tier} ${visible(r.resolved_model ?? '')}` : ''}`,
          width,
        ),
      ),
  ];
  return lines.join('\n');
}

/** What --json prints per refresh: one line of JSON (snake_case keys, ISO times). */
function snapshot(doc: StandardEvalResultInput, state: 'running' | 'finished' | 'interrupted') {
  const results = doc.all_results ?? [];
  const passed = results.filter((r) => r.passed).length;
  return {
    state,
    suite: doc.suite,
    run_id: doc.run_id ?? null,
    started_at: doc.timestamp ?? null,
    done: results.length,
    planned: doc.planned_tests ?? null,
    passed,
    failed: results.length - passed,
    cost_usd: doc.cost_usd ?? 0,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function registerEvalWatch(evalCommand: Command): void {
  evalCommand
    .command('watch')
    .description('Live view of a running eval (reads its _partial file) until it finishes; waits for one to start')
    .option('--file <partial>', 'a _partial.json file (default: the newest live one for this repository)')
    .option('--interval <ms>', 'refresh interval', positiveInt('--interval'), 1000)
    .option('--once', 'print one frame and exit (no waiting)')
    .option('--json', 'one JSON line per refresh: state, suite, done, planned, passed, failed, cost_usd')
    .option('--repo <slug>', 'the repository (default: the current one)')
    .action(async (flags: AnalyticsFlags & { file?: string; interval: number; once?: boolean }) => {
      const ctx = analyticsContext(flags);
      const dir = resultsDir(ctx.stateRoot, ctx.repoSlug);
      if (flags.file && !existsSync(flags.file)) throw new UserError(`--file: ${flags.file}: no such file`);
      let file = flags.file;
      if (!file) {
        // A run that was killed is not live: it becomes an interrupted result instead.
        recoverOrphanedPartials(dir, ctx.warn);
        file = livePartials(dir)[0];
        if (!file && flags.once) {
          if (flags.json) return printJson({ state: 'none', repo: ctx.repoSlug });
          process.stdout.write(`no eval is running for ${ctx.repoSlug}; start one with gstack eval run\n`);
          return;
        }
        if (!file) process.stderr.write(`waiting for an eval run in ${ctx.repoSlug} to start (Ctrl-C to stop)\n`);
        while (!file) {
          await sleep(Math.min(flags.interval, 250));
          recoverOrphanedPartials(dir, ctx.warn);
          file = livePartials(dir)[0];
        }
      }
      const tty = Boolean(process.stdout.isTTY) && !flags.once && !flags.json;
      let lastLines = 0;
      let last: StandardEvalResultInput | undefined;
      for (;;) {
        // Undefined before the run's first line, or once it has finished.
        const doc = readPartialFile(file);
        if (doc) {
          last = doc;
          if (flags.json) process.stdout.write(`${JSON.stringify(snapshot(doc, 'running'))}\n`);
          else {
            const text = frame(doc, process.stdout.columns ?? 80);
            if (tty && lastLines) process.stdout.write(`\u001b[${lastLines}A\u001b[0J`);
            process.stdout.write(`${text}\n`);
            lastLines = text.split('\n').length;
          }
        }
        if (flags.once) return;
        if (!existsSync(file)) {
          if (flags.json) process.stdout.write(`${JSON.stringify(last ? snapshot(last, 'finished') : { state: 'finished' })}\n`);
          else process.stdout.write('finished: gstack eval list shows the result\n');
          return;
        }
        if (!isPartialLive(file)) {
          recoverOrphanedPartials(dir, ctx.warn);
          if (flags.json) process.stdout.write(`${JSON.stringify(last ? snapshot(last, 'interrupted') : { state: 'interrupted' })}\n`);
          else
            process.stderr.write(
              'the run stopped without finishing (its process is gone): kept as an interrupted run; gstack eval list shows it\n',
            );
          process.exitCode = 1;
          return;
        }
        await sleep(flags.interval);
      }
    });
}
