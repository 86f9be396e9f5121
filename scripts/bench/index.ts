/**
 * `npm run bench`: every benchmark scenario on a private local stack, a table on
 * stdout, bench/results/<date>.json and docs/benchmarks.md. `--scale quick|full|large`
 * (`--quick` is `--scale quick`, what CI runs; `large` is a two-year, 50,000,000-result
 * store, never run in CI); `--only a,b` runs some scenarios. Exits 1 only when a scenario
 * crashes, never on a missed target; 2 on bad arguments.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type BenchContext, type ScaleName, startBenchStack } from './context.ts';
import { type BenchReport, machine, type ScenarioResult, textTable, writeJson, writeMarkdown } from './report.ts';
import { SCENARIOS } from './scenarios/index.ts';
import { timed } from './stats.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const SCALES: ScaleName[] = ['quick', 'full', 'large'];

const USAGE = `usage: npm run bench -- [--scale quick|full|large] [--quick] [--runs <n>] [--only <ids>]

  --scale <s>    quick: smaller, under 3 minutes (what CI runs); full (default): 50,000 runs /
                 5,000,000 results; large: 500,000 runs / 50,000,000 results over two years
                 (about 20 minutes and 65 GB of disk with the second team; never in CI)
  --quick        the same as --scale quick
  --runs <n>     the measured team's runs in the dashboard-reads scenario (100 results each),
                 at the scale's density (large: a run every 2.1 minutes); for a large run that
                 does not fit the machine
  --only <ids>   comma-separated scenario ids: ${SCENARIOS.map((s) => s.id).join(', ')}
  --no-write     print the table only (no bench/results file, no docs/benchmarks.md)
  --docs-from <bench/results/file.json>   rewrite docs/benchmarks.md from a saved run, measuring nothing`;

async function main(): Promise<number> {
  let args: ReturnType<typeof parse>;
  function parse() {
    return parseArgs({
      options: {
        quick: { type: 'boolean' },
        scale: { type: 'string' },
        runs: { type: 'string' },
        only: { type: 'string' },
        'no-write': { type: 'boolean' },
        'docs-from': { type: 'string' },
        help: { type: 'boolean' },
      },
    }).values;
  }
  try {
    args = parse();
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const docsFrom = args['docs-from'];
  if (docsFrom) {
    const file = path.resolve(docsFrom);
    if (!existsSync(file)) {
      console.error(`--docs-from: ${docsFrom} does not exist; expected a bench/results/<date>.json file`);
      return 2;
    }
    console.log(`wrote ${path.relative(root, writeMarkdown(root, JSON.parse(readFileSync(file, 'utf8')) as BenchReport, file))}`);
    return 0;
  }
  const only = args.only
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = only?.filter((id) => !SCENARIOS.some((s) => s.id === id)) ?? [];
  if (unknown.length) {
    console.error(`--only: unknown scenario ${unknown.join(', ')}; expected some of ${SCENARIOS.map((s) => s.id).join(', ')}`);
    return 2;
  }
  const scaleArg = args.scale ?? (args.quick ? 'quick' : 'full');
  if (!SCALES.includes(scaleArg as ScaleName)) {
    console.error(`--scale: unknown scale ${scaleArg}; expected one of ${SCALES.join(', ')}\n${USAGE}`);
    return 2;
  }
  const scale = scaleArg as ScaleName;
  if (args.quick && scale !== 'quick') {
    console.error(`--quick and --scale ${scale} disagree; give one of them\n${USAGE}`);
    return 2;
  }
  const runs = args.runs === undefined ? undefined : Number(args.runs);
  if (runs !== undefined && !(Number.isInteger(runs) && runs >= 100)) {
    console.error(`--runs: expected a whole number of runs, at least 100; got ${args.runs}\n${USAGE}`);
    return 2;
  }
  const quick = scale === 'quick';
  const selected = SCENARIOS.filter((s) => !only || only.includes(s.id));
  const started = Date.now();
  console.log(`gstack bench (${scale} scale): starting a private stack...`);
  const { context, stop } = await startBenchStack(root, { name: scale, quick, runs, repeats: quick ? 15 : 50 });
  const results: ScenarioResult[] = [];
  let crashed = false;
  try {
    for (const scenario of selected) {
      process.stdout.write(`- ${scenario.title}... `);
      try {
        const { ms, value } = await timed(() => scenario.run(context as BenchContext));
        results.push({ ...value, id: scenario.id, title: scenario.title, seconds: ms / 1000 });
        console.log(value.skipped ? `not measured: ${value.skipped}` : `${(ms / 1000).toFixed(1)} s`);
      } catch (error) {
        crashed = true;
        const message = (error as Error).stack ?? String(error);
        console.log('crashed');
        console.error(message);
        results.push({
          id: scenario.id,
          title: scenario.title,
          metrics: [],
          notes: [],
          skipped: `crashed: ${(error as Error).message}`,
          seconds: 0,
        });
      }
    }
  } finally {
    await stop();
  }
  const report: BenchReport = {
    date: new Date().toISOString(),
    mode: scale,
    machine: machine(),
    scenarios: results,
    seconds: (Date.now() - started) / 1000,
  };
  console.log(`\n${textTable(report)}\n`);
  for (const s of results) for (const n of s.notes) console.log(`${s.id}: ${n}`);
  if (!args['no-write']) {
    const json = writeJson(root, report);
    const md = writeMarkdown(root, report, json);
    console.log(`\nwrote ${path.relative(root, json)} and ${path.relative(root, md)}`);
  }
  return crashed ? 1 : 0;
}

process.exitCode = await main();
