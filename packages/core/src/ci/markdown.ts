/**
 * The CI report as GitHub-flavoured Markdown: the pull-request comment (found
 * again by its hidden marker and updated in place) and the job summary carry
 * the same text. Test names are user data: they go in code spans, so they can
 * neither mention anyone, nor open HTML, nor break the table.
 */
import { formatDuration, formatPercent, formatUsd } from '../format.ts';
import { CI_CLASS_ORDER, type CiClass, type CiReport, type CiSide, type CiTest } from './report.ts';

/** The hidden first line that marks our comment on a pull request. */
export const CI_COMMENT_MARKER = '<!-- gstack-ci-report -->';

/** GitHub refuses comments over 65,536 characters; rows past this many per class are counted, not listed. */
const MAX_ROWS_PER_CLASS = 30;

const LABEL: Record<CiClass, string> = {
  'newly-failing': 'newly failing',
  flaky: 'flaky (known)',
  'still-failing': 'still failing',
  fixed: 'fixed',
  new: 'new',
  removed: 'removed',
  passing: 'passing',
};

/** A code span that holds any text: a backtick fence longer than any run inside, pipes escaped for tables, one line. */
export function mdCode(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ').replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat === '' ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** Plain text outside code spans (reasons, error messages): Markdown and HTML characters escaped, mentions broken. */
export function mdText(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\`*_[\]|<>~]/g, (c) => `\\${c}`)
    .replace(/@/g, '@\u200b');
}

const signed = (value: number, unit: (v: number) => string) => `${value > 0 ? '+' : value < 0 ? '−' : '±'}${unit(Math.abs(value))}`;
const side = (s: CiSide | null) => (s ? (s.total > 1 ? `${s.passed}/${s.total} passed` : s.failed ? '✗' : '✓') : '—');

function testRow(t: CiTest): string {
  const notes: string[] = [];
  if (t.gating) notes.push('**gates**');
  else if ((t.class === 'newly-failing' || t.class === 'still-failing') && t.trials && t.pValue !== null)
    notes.push(
      t.enoughTrials === false
        ? `not enough trials to tell (${t.run?.total} vs ${t.baseline?.total})`
        : `not significant (p = ${t.pValue.toPrecision(2)})`,
    );
  if (t.gating && t.pValue !== null) notes.push(`p = ${t.pValue.toPrecision(2)}`);
  if (t.knownFlaky) notes.push('known-flaky: never gates');
  return `| ${mdCode(t.name)} | ${LABEL[t.class]} | ${side(t.run)} | ${side(t.baseline)} | ${notes.join(', ')} |`;
}

export interface CiMarkdownSection {
  report: CiReport;
  /** The dashboard's compare view of the run against its baseline, when the team set its dashboard address. */
  compareUrl?: string | null;
  /** The dashboard's run page. */
  runUrl?: string | null;
}

function section({ report, compareUrl, runUrl }: CiMarkdownSection): string {
  const { run, baseline, gate } = report;
  const lines: string[] = [];
  lines.push(`### ${gate.stopped ? '❌' : '✅'} ${mdText(run.suite)} · ${mdText(run.repo_slug)}`);
  const links = [runUrl ? `[this run](${runUrl})` : '', compareUrl ? `[compare with the baseline](${compareUrl})` : ''].filter(Boolean);
  if (!baseline) {
    lines.push(
      `No baseline: no earlier run of this suite on the default branch in the team store, so every test is new and nothing gates.${links.length ? ` ${links.join(' · ')}` : ''}`,
    );
  } else {
    lines.push(
      `Run ${mdCode(run.git_sha?.slice(0, 7) ?? run.run_key.slice(0, 8))} against the baseline on ${mdCode(baseline.branch ?? '(no branch)')} at ${mdCode(baseline.git_sha?.slice(0, 7) ?? baseline.run_key.slice(0, 8))} (${baseline.run_at.slice(0, 16).replace('T', ' ')} UTC).${links.length ? ` ${links.join(' · ')}` : ''}`,
    );
  }
  for (const warning of report.warnings) lines.push(`> ⚠️ ${mdText(warning)}`);
  lines.push('');
  lines.push('| | run | baseline | change |', '| --- | ---: | ---: | ---: |');
  const pr = report.passRate;
  lines.push(
    `| pass rate | ${formatPercent(pr.run)} | ${formatPercent(pr.baseline)} | ${pr.delta === null ? '—' : `${signed(pr.delta, (v) => v.toFixed(1))} pts`} |`,
  );
  lines.push(
    `| cost | ${formatUsd(report.cost.run)} | ${report.cost.baseline === null ? '—' : formatUsd(report.cost.baseline)} | ${report.cost.delta === null ? '—' : signed(report.cost.delta, formatUsd)} |`,
  );
  const lat = report.latency;
  lines.push(
    `| latency (median trial) | ${lat.run === null ? '—' : formatDuration(lat.run)} | ${lat.baseline === null ? '—' : formatDuration(lat.baseline)} | ${lat.delta === null ? '—' : signed(lat.delta, formatDuration)} |`,
  );
  lines.push('');
  lines.push(CI_CLASS_ORDER.map((c) => `${LABEL[c]} **${report.counts[c]}**`).join(' · '));
  lines.push('');
  if (gate.stopped) {
    lines.push('**The gate stopped this run:**');
    for (const reason of gate.reasons) lines.push(`- ${mdText(reason)}`);
  } else if (baseline) {
    const cr = gate.comparedRate;
    lines.push(
      `**The gate passed:** no newly failing test outside the known-flaky ones${cr.delta === null ? '' : `; pass rate without them ${formatPercent(cr.baseline)} → ${formatPercent(cr.run)} over ${cr.tests} tests (threshold: a drop of more than ${gate.thresholdPp} points)`}.`,
    );
  }
  const changed = report.tests.filter((t) => t.class !== 'passing');
  if (changed.length) {
    lines.push('', '| test | status | run | baseline | |', '| --- | --- | --- | --- | --- |');
    for (const cls of CI_CLASS_ORDER) {
      const rows = changed.filter((t) => t.class === cls);
      for (const t of rows.slice(0, MAX_ROWS_PER_CLASS)) lines.push(testRow(t));
      if (rows.length > MAX_ROWS_PER_CLASS) lines.push(`| … | ${rows.length - MAX_ROWS_PER_CLASS} more ${LABEL[cls]} | | | |`);
    }
  }
  return lines.join('\n');
}

/**
 * The whole comment: the marker, a headline over every suite, one section per
 * report, and the problems that kept a report from being produced.
 */
export function ciMarkdown(sections: CiMarkdownSection[], problems: string[] = []): string {
  const stopped = sections.filter((s) => s.report.gate.stopped).length;
  // What decides the exit code decides the headline: a stop first, then what could not be produced.
  const headline = stopped
    ? `## ❌ gstack evals: the gate stopped ${stopped === 1 ? (sections.length === 1 ? 'this run' : '1 suite') : `${stopped} suites`}`
    : problems.length
      ? `## ⚠️ gstack evals: ${problems.length === 1 ? 'a report' : `${problems.length} reports`} could not be produced`
      : sections.some((s) => s.report.baseline)
        ? '## ✅ gstack evals: nothing newly broken against the baseline'
        : '## ✅ gstack evals: no baseline to compare with yet';
  const parts = [CI_COMMENT_MARKER, headline];
  for (const p of problems) parts.push(`- ${mdText(p)}`);
  for (const s of sections) parts.push(section(s));
  return `${parts.join('\n\n')}\n`;
}
