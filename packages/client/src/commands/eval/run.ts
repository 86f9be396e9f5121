/** `gstack eval run <suite.yaml>...`: run suites through the escalation ladder and write their results. */
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { StandardEvalResult } from '@gstack/core';
import { type Command, Option } from 'commander';
import { printJson } from '../../cli/run.ts';
import { style, useColor } from '../../cli/term.ts';
import { VERSION } from '../../cli/version.ts';
import { checkSuiteEntries, loadModelsConfig, loadSuite } from '../../config/load.ts';
import { UserError } from '../../errors.ts';
import { JudgeCache } from '../../judge/cache.ts';
import { noPushMarker, resultFileName, resultsDir } from '../../results/layout.ts';
import { gitInfo } from '../../runner/git.ts';
import { junitXml } from '../../runner/junit.ts';
import { progressLine, summary, testLine } from '../../runner/report.ts';
import { claimPartial, PartialWriter, removePartial, writeResultFile } from '../../runner/results-store.ts';
import { runSuite } from '../../runner/run-suite.ts';
import { statePaths } from '../../state-dir.ts';
import { checkConnection } from '../../sync/check.ts';
import { teamVerdictsFor } from '../../sync/judge-sharing.ts';
import { backgroundPushEnabled, pushInBackground } from '../../sync/push/background.ts';

interface RunFlags {
  models?: string;
  model?: string;
  tier?: string;
  judgeTier?: string;
  concurrency?: number;
  repeat?: number;
  label?: string;
  out?: string;
  cache: boolean;
  json?: boolean;
  failUnder?: number;
  push: boolean;
  pushErrors?: boolean;
  filter?: string;
  junit?: string;
}

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
    .option('--model <provider/model>', 'run every test on this one model: no escalation, no verifier')
    .addOption(
      new Option('--tier <tier>', 'run every test on this tier of models.yaml (fast|standard|full, or haiku|sonnet|opus)').env('EVAL_TIER'),
    )
    .addOption(new Option('--judge-tier <tier>', 'judge with this tier of models.yaml').env('EVAL_JUDGE_TIER'))
    .option('--concurrency <n>', "tests in flight at once (default: the suite's)", positiveInt('--concurrency'))
    .option('--repeat <n>', 'run every test n times (trials)', positiveInt('--repeat'))
    .option('--label <label>', 'a label stored with the results')
    .option('--out <dir>', 'write results here instead of ~/.gstack/projects/<repo>/evals')
    .option('--no-cache', 'do not read the judge cache (verdicts are still written); same as EVAL_CACHE=0')
    .option('--json', 'print the result document(s) on stdout and nothing else there')
    .option('--no-push', 'do not push the results to the team store (when sync is configured)')
    .option('--push-errors', 'push runs in which no model answered some test too (by default they are not pushed)')
    .option('--filter <pattern>', 'only tests whose name or category matches (substring, or a glob with *)')
    .option('--junit <file>', 'also write JUnit XML there, for CI systems')
    .option('--fail-under <pct>', "exit 1 when a suite's pass rate is below this percentage (instead of on any failure)", percent)
    .addHelpText(
      'after',
      `
Exit codes: 0 all passed (or --fail-under met), 1 a test failed or the threshold was missed, 2 usage or config error.
Environment: GSTACK_STATE_DIR, EVAL_CACHE=0, EVAL_TIER, EVAL_JUDGE_TIER, provider keys (ANTHROPIC_API_KEY, OPENAI_API_KEY, OLLAMA_HOST, ...).`,
    )
    .action(async (files: string[], flags: RunFlags, command: Command) => {
      // An explicit flag wins over the environment: --model with EVAL_TIER exported runs that model.
      if (flags.model && command.getOptionValueSource('tier') === 'env') flags.tier = undefined;
      if (flags.model && flags.tier) throw new UserError('--model and --tier both pick the model; give one');
      if (flags.model && !/^[A-Za-z0-9_.-]+\/\S+$/.test(flags.model))
        throw new UserError(`--model must be provider/model, not ${JSON.stringify(flags.model)}`);
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
      if (!models.file && !flags.model) {
        throw new UserError(
          'no models.yaml (here or next to the suite): pass --models FILE, or --model provider/model to run every test on one model',
        );
      }
      checkSuiteEntries(models, suites);
      const readEnabled = flags.cache && env.EVAL_CACHE !== '0';
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
      const git = gitInfo(process.cwd(), env);
      const docs: StandardEvalResult[] = [];
      const written: string[] = [];
      let failed = false;
      try {
        for (const loaded of suites) {
          if (!loaded.suite.tests.length) continue; // --filter left nothing of this suite
          const timestamp = new Date().toISOString();
          const dir = flags.out ? path.resolve(flags.out) : resultsDir(paths.root, git.repoSlug);
          const file = path.join(dir, resultFileName(timestamp, loaded.suite.suite));
          const writer = new PartialWriter(file);
          await claimPartial(file);
          const doc = await runSuite({
            loaded,
            models,
            override: { model: flags.model, tier: flags.tier },
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
          if (tty) err.write('\r\u001b[2K');
          await writeResultFile(file, doc);
          // --no-push: a bare `gstack-sync push` must not send this run later either.
          if (!flags.push) await writeFile(noPushMarker(file), '', { mode: 0o600 });
          await removePartial(file);
          written.push(file);
          docs.push(doc);
          if (!flags.json) process.stdout.write(`${summary(doc, file, s)}\n`);
          const missed = flags.failUnder !== undefined ? (doc.pass_rate ?? 0) < flags.failUnder : doc.totals.failed > 0;
          if (missed || doc.interrupted) failed = true;
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
      if (flags.junit) await writeFile(path.resolve(flags.junit), junitXml(docs));
      if (flags.json) printJson(docs.length === 1 ? docs[0] : docs);
      process.exitCode = failed ? 1 : 0;
    });
}
