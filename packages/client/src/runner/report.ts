/** The run's terminal output: a live progress line on a TTY, one line per test otherwise, and the summary. */
import type { ModelCost, StandardEvalResult, TestResult } from '@gstack/core';
import { countOf, formatDuration, formatPercent, formatUsd, type Style, stripAnsi, visible } from '../cli/term.ts';
import { displayWidth, pad } from '../cli/width.ts';
import type { Progress } from './run-suite.ts';

/** How a model's cost was arrived at, one wording for the run summary and `eval cost`. */
export function priceNote(c: Pick<ModelCost, 'exact' | 'unknown_model' | 'configured_price'>): string {
  if (c.unknown_model) return 'estimated (unknown model, fallback price)';
  if (c.exact) return 'exact';
  return c.configured_price ? 'configured (models.yaml pricing)' : 'estimated from the price table';
}

/** The run's cost caveat: empty when every cost is exact. */
export function costCaveat(costs: Array<Pick<ModelCost, 'exact' | 'unknown_model' | 'configured_price'>>): string {
  const inexact = costs.filter((c) => !c.exact);
  if (!inexact.length) return '';
  if (inexact.every((c) => c.configured_price && !c.unknown_model)) return ' (partly priced by models.yaml pricing)';
  return ' (partly estimated from the price table)';
}

export function progressLine(suite: string, p: Progress, s: Style, width = 80): string {
  const barWidth = 20;
  const filled = p.total ? Math.round((barWidth * p.done) / p.total) : 0;
  const bar = `${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}`;
  const line = `${suite} ${bar} ${p.done}/${p.total} ${s.green(`✓${p.passed}`)} ${s.red(`✗${p.failed}`)} ${formatUsd(p.costUsd)}${p.cacheHits ? ` cached ${p.cacheHits}` : ''}${p.tier ? s.dim(` ${p.tier}`) : ''}`;
  return line.length > width + 20 ? line.slice(0, width + 20) : line;
}

function allJudgesCached(r: TestResult): boolean {
  return r.judge.length > 0 && r.judge.every((j) => j.cached);
}

export function testLine(r: TestResult, s: Style): string {
  const mark = r.passed ? s.green('✓') : s.red('✗');
  const name = r.trial > 1 ? `${r.name} #${r.trial}` : r.name;
  const tier = r.resolved_tier ? `${r.resolved_tier} ${r.resolved_model}` : 'unresolved';
  const answerCached = r.attempts.length > 0 && r.attempts.every((a) => a.cached);
  const cached = allJudgesCached(r) || answerCached ? ` ${s.dim('cached')}` : '';
  return `${mark} ${pad(name, 28)} ${pad(s.dim(tier), 40)} ${formatUsd(r.cost_usd)}${cached}`;
}

export function summary(doc: StandardEvalResult, file: string | null, s: Style): string {
  const lines: string[] = [];
  const t = doc.totals;
  lines.push(
    `${s.bold(doc.suite)}  ${s.green(`✓ ${t.passed} passed`)}  ${t.failed ? s.red(`✗ ${t.failed} failed`) : '✗ 0 failed'}  (${formatPercent(doc.pass_rate)})  ${formatUsd(doc.cost_usd)}${doc.judge_cost_usd ? ` (judge ${formatUsd(doc.judge_cost_usd)})` : ''}  ${formatDuration(doc.duration_ms)}${doc.interrupted ? s.yellow('  interrupted') : ''}`,
  );
  if (doc.errored)
    lines.push(
      s.red(
        `  errored        no model answered ${doc.totals.errors} of ${countOf(doc.totals.tests, 'test')} (see failed below); not pushed unless --push-errors`,
      ),
    );
  if (doc.costs.length) {
    const width = Math.max(...doc.costs.map((c) => c.model.length));
    doc.costs.forEach((c, i) => {
      const note = c.unknown_model ? s.yellow(priceNote(c)) : priceNote(c);
      lines.push(
        `  ${i === 0 ? 'cost by model' : '             '}  ${pad(c.model, width)}  ${pad(c.purpose, 6)}  ${pad(countOf(c.calls, 'call'), 9)}  ${pad(formatUsd(c.cost_usd), 9)}  ${s.dim(note)}`,
      );
    });
  }
  const resolved = new Map<string, number>();
  for (const r of doc.all_results) resolved.set(r.resolved_tier ?? 'unresolved', (resolved.get(r.resolved_tier ?? 'unresolved') ?? 0) + 1);
  if (doc.tier === 'ladder') {
    lines.push(
      `  escalation     ${[...resolved]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([tier, n]) => `${tier} ${n}`)
        .join(' · ')}`,
    );
  }
  if (Object.keys(doc.what_if).length) {
    lines.push(
      `  what if        ${Object.entries(doc.what_if)
        .map(([tier, usd]) => `all on ${tier}: ${formatUsd(usd)}`)
        .join(' · ')}`,
    );
  }
  if (doc.cache.hits || doc.cache.misses) lines.push(`  judge cache    ${doc.cache.hits} hits, ${doc.cache.misses} misses`);
  const cachedAnswers = doc.costs.reduce((n, c) => n + c.cached_calls, 0);
  if (cachedAnswers) {
    const calls = doc.costs.filter((c) => c.purpose === 'system').reduce((n, c) => n + c.calls, 0);
    lines.push(`  response cache ${countOf(cachedAnswers, 'answer')} from the cache ($0), ${countOf(calls, 'model call')}`);
  }
  const failed = doc.all_results.filter((r) => !r.passed);
  if (failed.length) {
    lines.push('  failed');
    for (const r of failed) lines.push(`    ${s.red('✗')} ${r.name}${r.trial > 1 ? ` #${r.trial}` : ''}: ${r.error ?? 'failed'}`);
  }
  if (file) lines.push(`  result         ${file}`);
  return lines.join('\n');
}

/** What a run is called in a matrix: its model, or its chain as a → b. */
export function runModel(doc: StandardEvalResult): string {
  const models = [...new Set(doc.all_results.flatMap((r) => r.attempts.map((a) => a.model)))];
  return models.length ? models.join(' → ') : doc.tier;
}

/** The median of a list (0 when empty). */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/**
 * Runs of one suite on several models side by side: a row per test (✓/✗, errored as "!"), then
 * pass rate, cost and the median test duration per model. Tests (× trials) in suite order.
 */
export function modelMatrix(runs: StandardEvalResult[], s: Style): string {
  const names = runs.map(runModel);
  const keys: string[] = [];
  for (const run of runs) for (const r of run.all_results) if (!keys.includes(`${r.name}#${r.trial}`)) keys.push(`${r.name}#${r.trial}`);
  const cell = (run: StandardEvalResult, key: string) => {
    const r = run.all_results.find((x) => `${x.name}#${x.trial}` === key);
    if (!r) return '—';
    if (r.output === null) return s.yellow('!');
    return r.passed ? s.green('✓') : s.red('✗');
  };
  const label = (key: string) => (key.endsWith('#1') ? key.slice(0, -2) : key.replace('#', ' #'));
  const rows: string[][] = [
    [s.bold(runs[0]?.suite ?? ''), ...names],
    ...keys.map((key) => [visible(label(key)), ...runs.map((run) => cell(run, key))]),
    ['pass rate', ...runs.map((run) => formatPercent(run.pass_rate))],
    ['cost', ...runs.map((run) => formatUsd(run.cost_usd))],
    ['latency p50', ...runs.map((run) => formatDuration(median(run.all_results.map((r) => r.duration_ms))))],
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => displayWidth(stripAnsi(row[i] ?? ''))))) ?? [];
  return rows
    .map((row) =>
      row
        .map((c, i) => pad(c, widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
