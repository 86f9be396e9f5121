/** The run's terminal output: a live progress line on a TTY, one line per test otherwise, and the summary. */
import type { StandardEvalResult, TestResult } from '@gstack/core';
import { countOf, formatDuration, formatPercent, formatUsd, type Style } from '../cli/term.ts';
import { pad } from '../cli/width.ts';
import type { Progress } from './run-suite.ts';

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
  const cached = allJudgesCached(r) ? ` ${s.dim('cached')}` : '';
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
      const note = c.unknown_model ? s.yellow('estimated (unknown model, fallback price)') : c.exact ? 'exact' : 'estimated';
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
  const failed = doc.all_results.filter((r) => !r.passed);
  if (failed.length) {
    lines.push('  failed');
    for (const r of failed) lines.push(`    ${s.red('✗')} ${r.name}${r.trial > 1 ? ` #${r.trial}` : ''}: ${r.error ?? 'failed'}`);
  }
  if (file) lines.push(`  result         ${file}`);
  return lines.join('\n');
}
