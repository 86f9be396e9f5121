/** `gstack eval cache stats|clear|verify`: the local judge cache. */
import type { Command } from 'commander';
import { ResponseCache } from '../../cache/responses.ts';
import { printJson } from '../../cli/run.ts';
import { renderTable, terminalWidth } from '../../cli/table.ts';
import { countOf } from '../../cli/term.ts';
import { JudgeCache } from '../../judge/cache.ts';
import { statePaths } from '../../state-dir.ts';

function cache(): JudgeCache {
  return new JudgeCache(statePaths(process.env).evalCache);
}

function kb(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}

export function registerEvalCache(evalCommand: Command): void {
  const group = evalCommand
    .command('cache')
    .description(`The judge cache (${'$'}GSTACK_STATE_DIR/eval-cache) and the model response cache (response-cache)`);
  group
    .command('stats')
    .description('Entries and size per suite')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      const stats = await cache().stats();
      if (flags.json) return printJson(stats);
      const rows = [...stats.suites, { suite: 'total', entries: stats.entries, bytes: stats.bytes }];
      const table = renderTable<(typeof rows)[number]>(
        [
          { header: 'suite', value: (s) => s.suite, flexible: true },
          { header: 'entries', value: (s) => String(s.entries), align: 'right' },
          { header: 'size', value: (s) => kb(s.bytes), align: 'right' },
        ],
        rows,
        terminalWidth(),
      );
      process.stdout.write(`${table}\n`);
    });
  group
    .command('clear')
    .description("Delete cached judge verdicts and model responses (only one suite's verdicts with --suite)")
    .option('--suite <name>', 'only this suite')
    .option('--json', 'print JSON')
    .action(async (flags: { suite?: string; json?: boolean }) => {
      const removed = await cache().clear(flags.suite);
      // Responses are keyed by model and messages, not by suite: --suite leaves them.
      const responses = flags.suite ? 0 : await new ResponseCache(statePaths(process.env).responseCache).clear();
      if (flags.json) return printJson({ removed, responses });
      process.stdout.write(`removed ${countOf(removed, 'cached verdict')} and ${countOf(responses, 'cached response')}\n`);
    });
  group
    .command('verify')
    .description('Check every entry; --fix deletes unreadable ones (they are misses anyway)')
    .option('--fix', 'delete bad entries')
    .option('--json', 'print JSON')
    .action(async (flags: { fix?: boolean; json?: boolean }) => {
      const result = await cache().verify(flags.fix);
      if (flags.json) printJson(result);
      else {
        process.stdout.write(
          `checked ${countOf(result.checked, 'entry', 'entries')}, ${result.bad.length} bad${flags.fix && result.bad.length ? ' (deleted)' : ''}\n`,
        );
        for (const file of result.bad) process.stdout.write(`  ${file}\n`);
      }
      if (result.bad.length && !flags.fix) process.exitCode = 1;
    });
}
