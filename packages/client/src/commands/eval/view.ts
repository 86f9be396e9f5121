/**
 * `gstack eval view [RUN...]`: the local results in the browser without a stack:
 * the offline HTML report (reports/html.ts) of the named runs, or of this
 * repository's newest runs, written to a file and opened with the system's
 * opener (`xdg-open`, `open`, `start`); `--no-open` only writes and prints the path.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { localRuns, pickRun } from '../../analytics/local.ts';
import { printJson } from '../../cli/run.ts';
import { UserError } from '../../errors.ts';
import { htmlReport } from '../../reports/html.ts';
import { statePaths } from '../../state-dir.ts';
import { analyticsContext, positiveInt, REPO_HELP } from './common.ts';

function openInBrowser(file: string): boolean {
  const opener = process.platform === 'darwin' ? ['open'] : process.platform === 'win32' ? ['cmd', '/c', 'start', ''] : ['xdg-open'];
  try {
    const child = spawn(opener[0] ?? 'xdg-open', [...opener.slice(1), file], { detached: true, stdio: 'ignore' });
    child.on('error', () => {});
    child.unref();
    return true;
  } catch {
    return false;
  }
}

export function registerEvalView(evalCommand: Command): void {
  evalCommand
    .command('view')
    .description('Open local results in the browser as an offline HTML report (no stack, no network)')
    .argument('[runs...]', 'result files or run ids (default: the newest runs of this repository)')
    .option('--limit <n>', 'how many of the newest runs (default 20)', positiveInt('--limit'), 20)
    .option('--suite <suite>', 'only runs of this suite')
    .option('--out <file>', 'write the report here (default: $GSTACK_STATE_DIR/report.html)')
    .option('--no-open', 'write the report and print its path, without opening a browser')
    .option('--repo <slug>', REPO_HELP)
    .option('--json', 'print {file, runs} as JSON')
    .action((refs: string[], flags: { limit: number; suite?: string; out?: string; open: boolean; repo?: string; json?: boolean }) => {
      const ctx = analyticsContext(flags);
      const runs = localRuns(ctx.stateRoot, ctx.repoSlug, ctx.warn).map((r) => r.doc);
      const docs = refs.length
        ? refs.map((ref) => pickRun(ref, runs))
        : runs.filter((r) => !flags.suite || r.suite === flags.suite).slice(0, flags.limit);
      if (!docs.length)
        throw new UserError(
          `no local runs${flags.suite ? ` of suite ${flags.suite}` : ''} for ${ctx.repoSlug}: run gstack eval run first`,
          1,
        );
      const file = path.resolve(flags.out ?? path.join(statePaths(process.env).root, 'report.html'));
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, htmlReport(docs, `gstack eval: ${ctx.repoSlug}`));
      if (flags.json) return printJson({ file, runs: docs.map((d) => d.run_id) });
      const opened = flags.open && process.stdout.isTTY && openInBrowser(file);
      process.stdout.write(`${opened ? 'opened' : 'wrote'} ${file} (${docs.length} run${docs.length === 1 ? '' : 's'})\n`);
    });
}
