/** `gstack eval run <suite.yaml>...`: run suites through the escalation ladder and write their results. */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { StandardEvalResult } from '@gstack/core';
import { type Command, Option } from 'commander';
import { ResponseCache } from '../../cache/responses.ts';
import { printJson } from '../../cli/run.ts';
import { style, useColor } from '../../cli/term.ts';
import { VERSION } from '../../cli/version.ts';
import { checkSuiteEntries, type LoadedSuite, loadModelsConfig, loadSuite } from '../../config/load.ts';
import { UserError } from '../../errors.ts';
import { JudgeCache } from '../../judge/cache.ts';
import { csvReport } from '../../reports/csv.ts';
import { htmlReport } from '../../reports/html.ts';
import { noPushMarker, partialPath, resultFileName, resultsDir } from '../../results/layout.ts';
import { gitInfo } from '../../runner/git.ts';
import { junitXml } from '../../runner/junit.ts';
import { modelMatrix, progressLine, summary, testLine } from '../../runner/report.ts';
import { claimPartial, PartialWriter, removePartial, writeResultFile } from '../../runner/results-store.ts';
import { planRun, runSuite } from '../../runner/run-suite.ts';
import { statePaths } from '../../state-dir.ts';
import { checkConnection } from '../../sync/check.ts';
import { teamVerdictsFor } from '../../sync/judge-sharing.ts';
import { backgroundPushEnabled, pushInBackground } from '../../sync/push/background.ts';
import { type Carry, markSuperseded, resumeFrom, retryErrorsOf } from './resume.ts';

interface RunFlags {
  models?: string;
  /** Repeatable; `a/x,b/y` is a chain. */
  model?: string[];
  tier?: string;
  judgeTier?: string;
  concurrency?: number;
  repeat?: number;
  label?: string;
  out?: string;
  /** true: --cache (use the response cache); false: --no-cache (read neither cache); undefined: the configuration decides. */
  cache?: boolean;
  json?: boolean;
  failUnder?: number;
  push: boolean;
  pushErrors?: boolean;
  filter?: string;
  junit?: string;
  resume?: boolean;
  retryErrors?: string;
  html?: string;
  csv?: string;
}

/** The exit code of a run that errored (some test got no answer from any model): an outage, not a verdict on the system. */
export const EXIT_ERRORED = 3;

/** `--filter`: `*` is any run of characters; without `*` a substring. Case-insensitive, on the test's name or category. */
export function testFilter(pattern: string): (test: { name: string; category: string }) => boolean {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*');
  const re = new RegExp(pattern.includes('*') ? `^${escaped}$` : escaped, 'i');
  return (test) => re.test(test.name) || re.test(test.category);
}

function positiveInt(name: string) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new UserError(`${name} must be a positive integer, not ${JSON.stringify(value)}`);
    return n;
  };
}

function percent(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 100)
    throw new UserError(`--fail-under must be a percentage from 0 to 100, not ${JSON.stringify(value)}`);
  return n;
}

export function registerEvalRun(evalCommand: Command): void {
  evalCommand
    .command('run')
    .description('Run eval suites through the model escalation ladder and write StandardEvalResult files')
    .argument('<suite...>', 'suite YAML files')
    .option('--models <file>', 'models.yaml (default: ./models.yaml, else the one next to the suite)')
    .option(
      '--model <provider/model>',
      'run every test on this one model (no escalation, no verifier); repeat it to run the suite once per model and print a matrix; a,b is a chain',
      (value: string, list: string[] = []) => [...list, value],
    )
    .addOption(
      new Option('--tier <tier>', 'run every test on this tier of models.yaml (fast|standard|full, or haiku|sonnet|opus)').env('EVAL_TIER'),
    )
    .addOption(new Option('--judge-tier <tier>', 'judge with this tier of models.yaml').env('EVAL_JUDGE_TIER'))
    .option('--concurrency <n>', "tests in flight at once (default: the suite's)", positiveInt('--concurrency'))
    .option('--repeat <n>', 'run every test n times (trials)', positiveInt('--repeat'))
    .option('--label <label>', 'a label stored with the results')
    .option('--out <dir>', 'write results here instead of ~/.gstack/projects/<repo>/evals')
    .option('--cache', "use the model response cache for every suite (as a suite's defaults.cache or models.yaml cache: true)")
    .option('--no-cache', 'do not read the judge or response cache (both are still written); same as EVAL_CACHE=0')
    .option('--json', 'print the result document(s) on stdout and nothing else there')
    .option('--no-push', 'do not push the results to the team store (when sync is configured)')
    .option('--push-errors', 'push runs in which no model answered some test too (by default they are not pushed)')
    .option('--filter <pattern>', 'only tests whose name or category matches (substring, or a glob with *)')
    .option('--junit <file>', 'also write JUnit XML there, for CI systems')
    .option('--html <file>', 'also write a self-contained HTML report there (offline, no script)')
    .option('--csv <file>', 'also write every test result as a CSV row there')
    .option('--fail-under <pct>', "exit 1 when a suite's pass rate is below this percentage (instead of on any failure)", percent)
    .option('--resume', "continue each suite's newest run when it was interrupted: its finished tests are kept, the rest run")
    .option('--retry-errors <run>', 'run again only the tests of RUN (a result file or run id) that no model answered; keep the others')
    .addHelpText(
      'after',
      `
Exit codes: 0 all passed (or --fail-under met), 1 a test failed, the threshold was missed or the run was
interrupted, 2 usage or config error, 3 the run errored: no model answered some test (server down, bad key).
Environment: GSTACK_STATE_DIR, EVAL_CACHE=0, EVAL_TIER, EVAL_JUDGE_TIER, provider keys (ANTHROPIC_API_KEY, OPENAI_API_KEY, OLLAMA_HOST, ...).`,
    )
    .action(async (files: string[], flags: RunFlags, command: Command) => {
      // An explicit flag wins over the environment: --model with EVAL_TIER exported runs that model.
      const modelFlags = flags.model ?? [];
      const picked = modelFlags.length > 0;
      if (picked && command.getOptionValueSource('tier') === 'env') flags.tier = undefined;
      if (picked && flags.tier) throw new UserError('--model and --tier both pick the model; give one');
      for (const value of modelFlags)
        for (const ref of value.split(','))
          if (!/^[A-Za-z0-9_.-]+\/\S+$/.test(ref))
            throw new UserError(`--model must be provider/model (a,b for a chain), not ${JSON.stringify(value)}`);
      const env = process.env;
      const paths = statePaths(env);
      const suites = [];
      for (const file of files) suites.push(await loadSuite(file));
      if (flags.filter) {
        const keep = testFilter(flags.filter);
        for (const [i, loaded] of suites.entries()) {
          const tests = loaded.suite.tests.filter((t) => keep({ name: t.name, category: t.category ?? 'general' }));
          suites[i] = { ...loaded, suite: { ...loaded.suite, tests } };
        }
        if (suites.every((l) => !l.suite.tests.length))
          throw new UserError(`--filter ${JSON.stringify(flags.filter)} matches no test by name or category in ${files.join(', ')}`);
      }
      const models = loadModelsConfig(flags.models, process.cwd(), suites[0]?.dir);
      if (!models.file && !picked && !suites.every((l) => l.suite.models)) {
        throw new UserError(
          'no models.yaml (here or next to the suite): pass --models FILE, or --model provider/model to run every test on one model',
        );
      }
      checkSuiteEntries(models, suites);
      // One run per model (or chain) given by --model, else by the suite's models: list, else one run.
      const runsOf = (loaded: LoadedSuite): Array<{ model?: string; tier?: string; chain?: string[] }> => {
        const entries: Array<string | string[]> = picked
          ? modelFlags.map((m) => (m.includes(',') ? m.split(',') : m))
          : (loaded.suite.models ?? []);
        if (!entries.length) return [{ tier: flags.tier }];
        return entries.map((e) => (Array.isArray(e) ? (e.length > 1 ? { chain: e } : { model: e[0] }) : { model: e }));
      };
      if ((flags.resume || flags.retryErrors) && suites.some((l) => runsOf(l).length > 1))
        throw new UserError(`${flags.resume ? '--resume' : '--retry-errors'} continues one run: give one --model (or none)`);
      if (flags.resume && flags.retryErrors) throw new UserError('--resume and --retry-errors both continue a run; give one');
      const warn = (line: string) => process.stderr.write(`note: ${line}\n`);
      const git = gitInfo(process.cwd(), env);
      const carries = new Map<LoadedSuite, { file: string; carry: Carry }>();
      if (flags.resume)
        for (const loaded of suites) {
          const from = resumeFrom(paths.root, git.repoSlug, loaded, warn);
          carries.set(loaded, { file: from.file, carry: { results: from.results, costs: from.costs } });
        }
      if (flags.retryErrors) {
        const retry = retryErrorsOf(flags.retryErrors, paths.root, git.repoSlug, suites, warn);
        carries.set(retry.loaded, { file: retry.run.file, carry: retry.carry });
      }
      // Every suite's plan (chain, providers, keys) is checked before the first call, and before any file is written.
      for (const loaded of suites)
        for (const override of runsOf(loaded)) planRun({ loaded, models, override, judgeTier: flags.judgeTier, env });
      const readEnabled = flags.cache !== false && env.EVAL_CACHE !== '0';
      const responses = new ResponseCache(paths.responseCache, { read: readEnabled });
      // Opt-in: --cache, else the suite's defaults.cache, else models.yaml's cache. (--no-cache only stops reads.)
      const usesResponseCache = (loaded: LoadedSuite) =>
        flags.cache === true || (loaded.suite.defaults.cache ?? models.config.cache ?? false);
      const remote = readEnabled ? await teamVerdictsFor(process.cwd(), env) : undefined;
      const cache = new JudgeCache(paths.evalCache, { readEnabled, remote });

      const err = process.stderr;
      const tty = Boolean(err.isTTY);
      const s = style(useColor(process.stdout));
      const es = style(useColor(err));
      const controller = new AbortController();
      // Ctrl-C and SIGTERM (what CI sends on cancel) both stop the run and keep what finished.
      const onSignal = (signal: NodeJS.Signals) => {
        if (controller.signal.aborted) process.exit(signal === 'SIGTERM' ? 143 : 130);
        err.write(
          `\nStopping (${signal}): finished tests are kept (${signal === 'SIGINT' ? 'Ctrl-C' : 'the same signal'} again to quit at once)\n`,
        );
        controller.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      // Whether the background push can land is checked while the tests run, and told at the end.
      const preflight =
        flags.push && backgroundPushEnabled(process.cwd(), env) ? checkConnection(process.cwd(), env).catch(() => undefined) : undefined;
      const docs: StandardEvalResult[] = [];
      const written: string[] = [];
      let failed = false;
      let errored = false;
      try {
        for (const [loaded, override] of suites.flatMap((l) => runsOf(l).map((o) => [l, o] as const))) {
          if (!loaded.suite.tests.length) continue; // --filter left nothing of this suite
          const timestamp = new Date().toISOString();
          const dir = flags.out ? path.resolve(flags.out) : resultsDir(paths.root, git.repoSlug);
          const file = path.join(dir, resultFileName(timestamp, loaded.suite.suite));
          const writer = new PartialWriter(file);
          await claimPartial(file);
          const continued = carries.get(loaded);
          let doc: StandardEvalResult;
          try {
            doc = await runSuite({
              carry: continued?.carry,
              responses: usesResponseCache(loaded) ? responses : undefined,
              loaded,
              models,
              override,
              judgeTier: flags.judgeTier,
              concurrency: flags.concurrency,
              repeat: flags.repeat,
              label: flags.label ?? null,
              cache,
              env,
              git,
              hostname: os.hostname(),
              version: VERSION,
              signal: controller.signal,
              onProgress: (p) => {
                if (tty) err.write(`\r\u001b[2K${progressLine(loaded.suite.suite, p, es, err.columns ?? 80)}`);
              },
              partial: {
                start: (header) => writer.start(header),
                append: async (result, running) => {
                  await writer.append(result, running);
                  // In logs, each test's line appears once it is safely in the partial file.
                  if (!tty && !flags.json) process.stdout.write(`${testLine(result, s)}\n`);
                },
              },
            });
          } catch (error) {
            // Nothing ran (the partial was never started): no owner record is left behind.
            if (!existsSync(partialPath(file))) await removePartial(file);
            throw error;
          }
          if (tty) err.write('\r\u001b[2K');
          await writeResultFile(file, doc);
          // --no-push: a bare `gstack-sync push` must not send this run later either.
          if (!flags.push) await writeFile(noPushMarker(file), '', { mode: 0o600 });
          await removePartial(file);
          if (continued) markSuperseded(continued.file);
          written.push(file);
          docs.push(doc);
          if (!flags.json) process.stdout.write(`${summary(doc, file, s)}\n`);
          const missed = flags.failUnder !== undefined ? (doc.pass_rate ?? 0) < flags.failUnder : doc.totals.failed > 0;
          if (missed || doc.interrupted) failed = true;
          if (doc.errored) errored = true;
          if (controller.signal.aborted) break;
        }
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      await remote?.flush();
      // A run where no model answered is an outage, not a 0 % pass rate: it stays local unless --push-errors.
      const toPush = flags.pushErrors ? written : written.filter((_, i) => !docs[i]?.errored);
      const pushNote = flags.push && toPush.length ? pushInBackground(toPush, process.cwd(), env, flags.pushErrors) : undefined;
      if (pushNote && !flags.json) process.stdout.write(`${pushNote}\n`);
      // A slow store must not hold the run's exit for long: the check had the whole run to finish.
      const settled = preflight && (await Promise.race([preflight, delay(2000, undefined, { ref: false })]));
      const problem = settled ? settled.checks.find((c) => !c.ok) : undefined;
      if (pushNote && problem) {
        err.write(
          problem.check === 'store'
            ? `note: ${problem.detail}; the results are queued and go with the next push (gstack-sync drain)\n`
            : `warning: the results will not reach the team store: ${problem.check}: ${problem.detail}\n`,
        );
      }
      // Several models on one suite: a matrix of tests × models.
      if (!flags.json)
        for (const loaded of suites) {
          const runs = docs.filter((d) => d.suite === loaded.suite.suite);
          if (runs.length > 1) process.stdout.write(`${modelMatrix(runs, s)}\n`);
        }
      if (flags.junit) await writeFile(path.resolve(flags.junit), junitXml(docs));
      if (flags.html) await writeFile(path.resolve(flags.html), htmlReport(docs));
      if (flags.csv) await writeFile(path.resolve(flags.csv), csvReport(docs));
      if (flags.json) printJson(docs.length === 1 ? docs[0] : docs);
      process.exitCode = errored ? EXIT_ERRORED : failed ? 1 : 0;
    });
}
