/** `gstack eval cost FILE`: cost per model (calls, tokens incl. cache, exact or estimated), judge vs system, what-if per tier. */
import type { ModelCost } from '@gstack/core';
import type { Command } from 'commander';
import { printJson } from '../../cli/run.ts';
import { renderTable, terminalWidth } from '../../cli/table.ts';
import { formatUsd } from '../../cli/term.ts';
import { UserError } from '../../errors.ts';
import { costCaveat, priceNote } from '../../runner/report.ts';
import { readResultFile } from '../../runner/results-store.ts';
import { analyticsContext } from './common.ts';

const n = (x: number) => x.toLocaleString('en-US');

export function registerEvalCost(evalCommand: Command): void {
  evalCommand
    .command('cost')
    .description('Cost of one run: per model and purpose, judge vs system under test, what-if totals per tier')
    .argument('<file>', 'a result file')
    .option('--json', 'print JSON')
    .action((file: string, flags: { json?: boolean }) => {
      const read = readResultFile(file);
      if (!read.ok) throw new UserError(read.problems.join('\n'));
      const { doc } = read;
      const system = doc.costs.filter((c) => c.purpose === 'system').reduce((a, c) => a + c.cost_usd, 0);
      const report = {
        suite: doc.suite,
        run_id: doc.run_id,
        total_usd: doc.cost_usd,
        system_usd: system,
        judge_usd: doc.judge_cost_usd,
        exact: doc.cost_exact,
        costs: doc.costs,
        what_if: doc.what_if,
      };
      if (flags.json) return printJson(report);
      const s = analyticsContext({}).s;
      const table = renderTable<ModelCost>(
        [
          { header: 'model', value: (c) => c.model, flexible: true },
          { header: 'purpose', value: (c) => c.purpose },
          { header: 'calls', value: (c) => n(c.calls), align: 'right' },
          { header: 'input', value: (c) => n(c.input_tokens), align: 'right' },
          { header: 'output', value: (c) => n(c.output_tokens), align: 'right' },
          { header: 'cache read', value: (c) => n(c.cache_read_tokens), align: 'right' },
          { header: 'cache write', value: (c) => n(c.cache_write_tokens), align: 'right' },
          { header: 'cost', value: (c) => formatUsd(c.cost_usd), align: 'right' },
          { header: '', value: (c) => (c.unknown_model ? s.yellow(priceNote(c)) : priceNote(c)) },
        ],
        doc.costs,
        terminalWidth(),
        [
          `total ${formatUsd(doc.cost_usd)} = system under test ${formatUsd(system)} + judge ${formatUsd(doc.judge_cost_usd)}${costCaveat(doc.costs)}`,
          ...(Object.keys(doc.what_if).length
            ? [
                `what if every system call ran on: ${Object.entries(doc.what_if)
                  .map(([tier, usd]) => `${tier} ${formatUsd(usd)}`)
                  .join(', ')}`,
              ]
            : []),
        ],
      );
      process.stdout.write(`${table}\n`);
    });
}
