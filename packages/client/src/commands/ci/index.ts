/**
 * `gstack ci report`: after `gstack eval run` in CI (or for any run), compare the
 * run with its baseline in the team store, classify every test, apply the gate,
 * and tell the pull request: the job summary always, the pull-request comment
 * (updated in place) when a GITHUB_TOKEN can write it. Works with the CI ingest
 * token (GSTACK_SYNC_TOKEN) or a signed-in member. The rules are core's
 * (ci/report.ts); this file gathers the inputs and writes the outputs.
 *
 * Exit codes: 0 the gate passed, 1 the gate stopped a run, 2 usage or
 * configuration error, 4 a report could not be produced (store unreachable, run
 * missing, the run errored, token refused). 3 is left to `gstack eval run`'s
 * "the run errored". docs/ci.md has the whole table.
 */
import { CI_COMMENT_MARKER, CI_RULES, type CiMarkdownSection, ciMarkdown } from '@gstack/core';
import type { Command } from 'commander';
import { actionsContext, appendSummary, upsertComment } from '../../ci/github.ts';
import { recordVerdict, reportRun } from '../../ci/store.ts';
import { baseBranches, reportTargets } from '../../ci/targets.ts';
import { printJson, snakeKeysDeep } from '../../cli/run.ts';
import { UserError } from '../../errors.ts';
import { type Connection, connect } from '../../sync/connection.ts';
import { RemoteError } from '../../sync/remote-error.ts';

/**
 * Each request to the store may take this long: a CI job waits for its report (a push of
 * thousands of results, the history), where `eval run`'s background push gives up after 5 s and queues.
 */
const CI_TIMEOUT_MS = 60_000;

/** The exit codes of `gstack ci report` (docs/ci.md). */
export const CI_EXIT = { passed: 0, stopped: 1, usage: 2, unavailable: 4 } as const;

interface ReportFlags {
  baseline?: string;
  branch?: string;
  pullRequest?: number;
  baseBranch?: string[];
  threshold?: number;
  alpha: number;
  comment: boolean;
  json?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function number(name: string, min: number, max: number, exclusiveMin = false) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isFinite(n) || (exclusiveMin ? n <= min : n < min) || n > max)
      throw new UserError(
        `${name} must be a number ${exclusiveMin ? 'above' : 'from'} ${min}${exclusiveMin ? ' and at most' : ' to'} ${max}, not ${JSON.stringify(value)}`,
      );
    return n;
  };
}

export function registerCi(program: Command): void {
  const ci = program.command('ci').description('Continuous integration: report a run against the team baseline, gate pull requests');
  ci.command('report')
    .description(
      "Compare runs with their baseline (the latest run of the repo and suite on the default branch in the team store), classify every test, and gate: exit 1 for a newly failing test that is not known-flaky or a pass-rate drop beyond the team's alert threshold",
    )
    .argument(
      '[runs...]',
      "result files or run ids (a local prefix, or a run key or id in the team store); default: this commit's local runs, the newest of each suite",
    )
    .option('--baseline <run>', "compare with this run (key or id in the team store) instead of the base branch's latest")
    .option(
      '--base-branch <branch>',
      "where the baseline comes from (repeatable; default: the pull request's base branch, else the repository's default branch, else main and master)",
      collect,
    )
    .option(
      '--branch <name>',
      "record this branch for the local runs it pushes (a fork's results in a workflow_run job: never the default branch's name)",
    )
    .option(
      '--pull-request <number>',
      'the pull request to comment on, when the event is not a pull_request one (a workflow_run job)',
      number('--pull-request', 1, 2 ** 31 - 1),
    )
    .option(
      '--threshold <points>',
      "the pass-rate drop that gates, in percentage points (default: the team's alert threshold)",
      number('--threshold', 0, 100, true),
    )
    .option('--alpha <p>', "significance level of Fisher's exact test for tests with trials", number('--alpha', 0, 1, true), CI_RULES.alpha)
    .option('--no-comment', 'do not create or update the pull-request comment (the job summary is still written)')
    .option('--json', 'print the reports as JSON instead of Markdown')
    .addHelpText(
      'after',
      `
Exit codes: 0 the gate passed, 1 the gate stopped a run, 2 usage or configuration error,
4 a report could not be produced (the team store unreachable, the run missing or errored).

In GitHub Actions it reads GITHUB_TOKEN, GITHUB_API_URL, GITHUB_REPOSITORY and GITHUB_EVENT_PATH
to keep one comment on the pull request up to date, and always appends the report to
GITHUB_STEP_SUMMARY (fork pull requests, whose token cannot comment, still see it there).
The team store: GSTACK_SYNC_TOKEN (a CI token) or a signed-in member. See docs/ci.md.`,
    )
    .action(async (refs: string[], flags: ReportFlags) => {
      const cwd = process.cwd();
      const note = (line: string) => process.stderr.write(`note: ${line}\n`);
      const { context: gh, notes } = await actionsContext(process.env);
      notes.forEach(note);
      if (flags.pullRequest !== undefined) {
        if (!Number.isInteger(flags.pullRequest)) throw new UserError(`--pull-request must be a whole number, not ${flags.pullRequest}`);
        gh.pullRequest = {
          number: flags.pullRequest,
          url: gh.repository ? `${gh.serverUrl}/${gh.repository}/pull/${flags.pullRequest}` : null,
          baseRef: null,
        };
      }
      const list = reportTargets(refs, { cwd, env: process.env, branch: flags.branch, warn: note });
      const options = {
        branches: baseBranches(flags.baseBranch, gh.pullRequest, gh.defaultBranch),
        baseline: flags.baseline,
        threshold: flags.threshold,
        alpha: flags.alpha,
      };

      const sections: CiMarkdownSection[] = [];
      const problems: string[] = [];
      let connection: Connection | undefined;
      try {
        connection = await connect({ cwd, env: process.env, timeoutMs: CI_TIMEOUT_MS });
      } catch (error) {
        if (!(error instanceof RemoteError)) throw error;
        problems.push(`the team store could not be used: ${error.message}`);
      }
      for (const target of connection ? list : []) {
        try {
          const section = await reportRun(connection as Connection, target, options);
          sections.push(section);
          const refused = await recordVerdict(connection as Connection, section.report, gh.pullRequest);
          if (refused) note(`the verdict was not recorded in the team store: ${refused}`);
        } catch (error) {
          if (!(error instanceof RemoteError)) throw error;
          problems.push(`${target.ref}: ${error.message}`);
        }
      }

      const markdown = ciMarkdown(sections, problems);
      if (gh.summaryPath)
        await appendSummary(gh.summaryPath, markdown).catch((error: Error) =>
          note(`the job summary (GITHUB_STEP_SUMMARY) could not be written: ${error.message}`),
        );
      let comment: { action: string; url: string } | null = null;
      if (flags.comment && gh.pullRequest && gh.repository) {
        if (!gh.token) note('no GITHUB_TOKEN: the report is in the job summary only');
        else {
          const posted = await upsertComment(
            {
              apiUrl: gh.apiUrl,
              token: gh.token,
              repository: gh.repository,
              pullRequest: gh.pullRequest.number,
              marker: CI_COMMENT_MARKER,
            },
            markdown,
          );
          if (posted.error) note(`the pull-request comment was not written: ${posted.error}; the report is in the job summary`);
          else comment = posted.data;
        }
      }
      const stopped = sections.some((s) => s.report.gate.stopped);
      const exitCode = stopped ? CI_EXIT.stopped : problems.length ? CI_EXIT.unavailable : CI_EXIT.passed;
      if (flags.json)
        printJson({
          exit_code: exitCode,
          problems,
          comment,
          reports: sections.map((s) => ({
            ...(snakeKeysDeep(s.report) as object),
            // Class names are keys here: snake_case like every --json key (newly_failing); as values they stay classes.
            counts: Object.fromEntries(Object.entries(s.report.counts).map(([k, v]) => [k.replace(/-/g, '_'), v])),
            run_url: s.runUrl ?? null,
            compare_url: s.compareUrl ?? null,
          })),
        });
      else {
        process.stdout.write(markdown);
        if (comment) process.stderr.write(`${comment.action} the pull-request comment: ${comment.url}\n`);
      }
      process.exitCode = exitCode;
    });
}
