/** `gstack eval watch`: a live view of a running eval, read from its _partial file. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { StandardEvalResultInput } from '@gstack/core';
import type { Command } from 'commander';
import { formatUsd } from '../../cli/term.ts';
import { readPartialFile, resultsDir } from '../../runner/results-store.ts';
import { type AnalyticsFlags, analyticsContext, positiveInt } from './common.ts';

/** The newest partial file of a repository, if a run is in progress. */
export function newestPartial(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  return readdirSync(dir)
    .filter((f) => f.endsWith('_partial.json'))
    .map((f) => path.join(dir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
}

export function frame(doc: StandardEvalResultInput, width = 80): string {
  const results = doc.all_results ?? [];
  const passed = results.filter((r) => r.passed).length;
  const planned = doc.planned_tests ?? null;
  const bar = planned
    ? `${'█'.repeat(Math.round((20 * results.length) / planned))}${'░'.repeat(20 - Math.round((20 * results.length) / planned))} `
    : '';
  const lines = [
    `${doc.suite}  ${bar}${results.length}${planned ? `/${planned}` : ''} done  ✓${passed} ✗${results.length - passed}  ${formatUsd(doc.cost_usd ?? 0)}`,
    ...results
      .slice(-5)
      .map((r) =>
        `  ${r.passed ? '✓' : '✗'} ${r.name}${r.resolved_tier ? `  ${r.resolved_tier} ${r.resolved_model}` : ''}`.slice(0, width),
      ),
  ];
  return lines.join('\n');
}

export function registerEvalWatch(evalCommand: Command): void {
  evalCommand
    .command('watch')
    .description('Live view of a running eval (reads its _partial file) until it finishes')
    .option('--file <partial>', 'a _partial.json file (default: the newest for this repository)')
    .option('--interval <ms>', 'refresh interval', positiveInt('--interval'), 1000)
    .option('--once', 'print one frame and exit')
    .option('--repo <slug>', 'the repository (default: the current one)')
    .action(async (flags: AnalyticsFlags & { file?: string; interval: number; once?: boolean }) => {
      const ctx = analyticsContext(flags);
      const file = flags.file ?? newestPartial(resultsDir(ctx.stateRoot, ctx.repoSlug));
      if (!file) {
        process.stdout.write(`no eval is running for ${ctx.repoSlug} (no _partial file); start one with gstack eval run\n`);
        return;
      }
      const tty = Boolean(process.stdout.isTTY) && !flags.once;
      let lastLines = 0;
      for (;;) {
        // Undefined before the run's first line, or once it has finished.
        const doc = readPartialFile(file);
        if (doc) {
          const text = frame(doc, process.stdout.columns ?? 80);
          if (tty && lastLines) process.stdout.write(`\u001b[${lastLines}A\u001b[0J`);
          process.stdout.write(`${text}\n`);
          lastLines = text.split('\n').length;
        }
        if (flags.once) return;
        if (!existsSync(file)) {
          process.stdout.write('finished: gstack eval list shows the result\n');
          return;
        }
        await new Promise((r) => setTimeout(r, flags.interval));
      }
    });
}
