/**
 * Continuing an earlier run instead of starting over: `--resume` carries the
 * tests an interrupted run finished (from its partial file, or the interrupted
 * result it was turned into) and runs the rest; `--retry-errors RUN` carries
 * the tests of RUN that got an answer and runs again those no model answered.
 * Either way the earlier run must be of the same suite file (prompt_sha), and
 * the new run is a run of its own (its own run_id); the earlier one is kept,
 * marked not to be pushed by a bare push (the new one supersedes it).
 */
import { writeFileSync } from 'node:fs';
import type { StandardEvalResult, TestResult } from '@gstack/core';
import { type LocalRun, localRuns, pickRun } from '../../analytics/local.ts';
import type { LoadedSuite } from '../../config/load.ts';
import { UserError } from '../../errors.ts';
import { noPushMarker } from '../../results/layout.ts';
import type { RunOptions } from '../../runner/run-suite.ts';

export type Carry = NonNullable<RunOptions['carry']>;

/** A test no model answered (the run's `errored`, one rule: core's resultTotals). */
const unanswered = (r: TestResult) => !r.skipped && r.output === null;

function sameSuiteFile(doc: StandardEvalResult, loaded: LoadedSuite, flag: string): void {
  if (doc.prompt_sha !== loaded.sha)
    throw new UserError(
      `${flag}: ${loaded.file} changed since run ${doc.run_id.slice(0, 8)} (its prompt_sha differs); run the suite afresh instead`,
    );
}

/** The newest run of the suite, which must be interrupted: what `--resume` continues. */
export function resumeFrom(stateRoot: string, repoSlug: string, loaded: LoadedSuite, warn: (line: string) => void): LocalRun & Carry {
  const suite = loaded.suite.suite;
  const newest = localRuns(stateRoot, repoSlug, warn).find((r) => r.doc.suite === suite);
  if (!newest) throw new UserError(`--resume: suite ${suite} has no run to resume`);
  if (!newest.doc.interrupted)
    throw new UserError(
      `--resume: the newest run of suite ${suite} (${newest.doc.run_id.slice(0, 8)}) finished; there is nothing to resume`,
    );
  sameSuiteFile(newest.doc, loaded, '--resume');
  return { ...newest, results: newest.doc.all_results, costs: newest.doc.costs };
}

/** The run `--retry-errors RUN` names (a file or a run id prefix), its answered tests carried. */
export function retryErrorsOf(
  ref: string,
  stateRoot: string,
  repoSlug: string,
  suites: LoadedSuite[],
  warn: (line: string) => void,
): { loaded: LoadedSuite; run: LocalRun; carry: Carry } {
  const runs = localRuns(stateRoot, repoSlug, warn);
  const doc = pickRun(
    ref,
    runs.map((r) => r.doc),
  );
  const run = runs.find((r) => r.doc.run_id === doc.run_id) ?? { file: ref, doc };
  const loaded = suites.find((s) => s.suite.suite === doc.suite);
  if (!loaded)
    throw new UserError(`--retry-errors: run ${doc.run_id.slice(0, 8)} is of suite ${doc.suite}, which is not among the suites given`);
  sameSuiteFile(doc, loaded, '--retry-errors');
  const errored = doc.all_results.filter(unanswered);
  if (!errored.length) throw new UserError(`--retry-errors: run ${doc.run_id.slice(0, 8)} has no errored test (every test got an answer)`);
  return { loaded, run, carry: { results: doc.all_results.filter((r) => !unanswered(r)), costs: doc.costs } };
}

/** The earlier run stays as it was, held back from a bare push: the run that continued it supersedes it. */
export function markSuperseded(file: string): void {
  writeFileSync(noPushMarker(file), '', { mode: 0o600 });
}
