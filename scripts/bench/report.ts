/**
 * What a benchmark scenario reports, and how the report is printed and saved: a
 * table on stdout, bench/results/<date>.json, and docs/benchmarks.md.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** One figure: a median and p95 where it is a latency, or a single value (rows/s, ratio, count). */
export interface Metric {
  name: string;
  unit: string;
  p50?: number;
  p95?: number;
  value?: number;
  /** The target, as text ("p95 < 100 ms", "≥ 20× raw"). */
  target?: string;
  /** Whether the target is met; undefined when the figure has no target. */
  met?: boolean;
}

export interface ScenarioResult {
  id: string;
  title: string;
  /** A simulation says so in its title and here. */
  simulation?: boolean;
  metrics: Metric[];
  notes: string[];
  /** Set when the scenario could not be measured (a missing function, a crash). */
  skipped?: string;
  seconds: number;
}

export interface BenchReport {
  date: string;
  mode: 'quick' | 'full' | 'large';
  machine: { node: string; platform: string; cpus: number; cpuModel: string; memoryGb: number; loadAverage: number[] };
  scenarios: ScenarioResult[];
  seconds: number;
}

export function machine(): BenchReport['machine'] {
  return {
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

function num(v: number | null | undefined): string {
  if (v === undefined || v === null || Number.isNaN(v)) return ''; // NaN is null once saved as JSON
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(Math.abs(v) >= 1 ? 2 : 3);
}

function verdict(m: Metric): string {
  if (m.met === undefined) return '';
  return m.met ? 'met' : 'MISSED';
}

/** Rows of the table: scenario, metric, p50, p95 / value, unit, target, verdict. */
function rows(report: BenchReport): string[][] {
  const out: string[][] = [];
  for (const s of report.scenarios) {
    if (s.skipped) {
      const reason = s.skipped.length > 90 ? `${s.skipped.slice(0, 87)}...` : s.skipped;
      out.push([s.title, `not measured: ${reason}`, '', '', '', '', '']);
      continue;
    }
    for (const m of s.metrics) {
      out.push([s.title, m.name, num(m.p50), num(m.p95 ?? m.value), m.unit, m.target ?? '', verdict(m)]);
    }
  }
  return out;
}

const HEADER = ['scenario', 'metric', 'p50', 'p95 / value', 'unit', 'target', ''];

export function textTable(report: BenchReport): string {
  const all = [HEADER, ...rows(report)];
  const widths = HEADER.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function markdownTable(report: BenchReport): string {
  const esc = (s: string) => s.replaceAll('|', '\\|');
  return [
    `| ${HEADER.join(' | ')} |`,
    `|${HEADER.map(() => ' --- ').join('|')}|`,
    ...rows(report).map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

function notes(report: BenchReport): string {
  return report.scenarios
    .map((s) => {
      const lines = [...(s.skipped ? [`not measured: ${s.skipped}`] : []), ...s.notes];
      return `### ${s.title}\n\n${lines.map((l) => `- ${l}`).join('\n') || '- (no notes)'}`;
    })
    .join('\n\n');
}

/** Writes bench/results/<date>.json (<date>-quick.json or <date>-large.json for those scales, so neither replaces a full one). */
export function writeJson(root: string, report: BenchReport): string {
  const dir = path.join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const day = report.date.slice(0, 10);
  const file = path.join(dir, report.mode === 'full' ? `${day}.json` : `${day}-${report.mode}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

/** Rewrites docs/benchmarks.md with the latest table, the machine and how to reproduce. */
export function writeMarkdown(root: string, report: BenchReport, jsonFile: string): string {
  const m = report.machine;
  const file = path.join(root, 'docs', 'benchmarks.md');
  const text = `# Benchmarks

\`npm run bench\` measures the product's speed on a private local stack of its own (free ports, a
throwaway data dir) and prints the table below; \`npm run bench -- --quick\` runs every scenario at
a smaller scale in under 3 minutes (CI runs it so the benchmarks cannot rot; CI never fails on a
missed target, only on a crash). Absolute times vary between machines, and on a shared machine
between runs, so every target is a **ratio against a baseline measured in the same run** (or a
bound that holds on any machine), every latency is a median (p50) and p95 over repeated calls,
and no test asserts on timing.

Each run writes \`bench/results/<date>.json\` (\`<date>-quick.json\` or \`<date>-large.json\` for those scales) (every figure,
the notes, the machine) and rewrites this file.

## How to reproduce

\`\`\`sh
npm install
npm run bench              # full scale (50,000 runs / 5,000,000 results), ≤ 20 minutes on 2 cores
npm run bench -- --quick   # smaller scale, ≤ 3 minutes (the same as --scale quick; what CI runs)
npm run bench -- --scale large   # 500,000 runs / 50,000,000 results over two years (55,000,000 with the second team): about 20 minutes, ~65 GB of disk; never in CI
npm run bench -- --scale large --runs 455000 --only rpc,alerts   # 50,000,000 results in all (the runs above; ~59 GB)
npm run bench -- --only push,rpc   # some scenarios (ids: ${report.scenarios.map((s) => s.id).join(', ')})
\`\`\`

## Latest run

- Date: ${report.date} (${report.mode} scale, ${Math.round(report.seconds)} s)
- Machine: ${m.cpuModel}, ${m.cpus} cores, ${m.memoryGb} GB, ${m.platform}, Node ${m.node}; load average at the end ${m.loadAverage.join(' / ')}
- Raw figures: \`${path.relative(root, jsonFile)}\`

${markdownTable(report)}

## Notes per scenario

${notes(report)}

${readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'findings.md'), 'utf8').trim()}
`;
  writeFileSync(file, text);
  return file;
}
