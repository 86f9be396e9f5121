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
import {
  CI_COMMENT_MARKER,
  CI_RULES,
  type CiMarkdownSection,
  type CiReport,
  ciDashboardLinks,
  ciMarkdown,
  ciReport,
  parseCiContext,
  toRunPayload,
} from '@gstack/core';
import type { Command } from 'commander';
import { localRuns } from '../../analytics/local.ts';
import { actionsContext, appendSummary, upsertComment } from '../../ci/github.ts';
import { printJson, snakeKeysDeep } from '../../cli/run.ts';
import { UserError } from '../../errors.ts';
import { gitInfo } from '../../runner/git.ts';
import { statePaths } from '../../state-dir.ts';
import { type Connection, connect, teamId } from '../../sync/connection.ts';
import { checkResultFile, erroredRunReason } from '../../sync/push/results.ts';
import { sendItem } from '../../sync/push/send.ts';
import type { PushItem } from '../../sync/push/types.ts';
import { RemoteError, remoteError } from '../../sync/remote-error.ts';

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

/** A run to report on: its key in the store, and the local result to push first when it has one. */
interface Target {
  ref: string;
  key: string;
  item?: PushItem;
  errored?: string;
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

/** A local result file to push and report on; `branch` replaces the branch it records (--branch). */
function localTarget(file: string, branch?: string): Target {
  const checked = checkResultFile(file);
  if (!checked.result) throw new UserError(checked.problems.join('\n'));
  const { doc, item } = checked.result;
  const payload = branch === undefined ? item.payload : toRunPayload({ ...doc, git: { ...doc.git, branch } });
  return { ref: file, key: doc.run_id, item: { ...item, payload }, errored: erroredRunReason(doc) };
}

/** The runs named on the command line, or this commit's local runs (the newest per suite). */
function targets(refs: string[], cwd: string, branch?: string): Target[] {
  const git = gitInfo(cwd);
  const local = localRuns(statePaths(process.env).root, git.repoSlug, (line) => process.stderr.write(`note: ${line}\n`));
  if (!refs.length) {
    const ofCommit = local.filter((r) => git.sha && r.doc.git.sha === git.sha);
    const newest = [...new Map([...ofCommit].reverse().map((r) => [r.doc.suite, r])).values()];
    if (!newest.length)
      throw new UserError(
        `no local run of this commit (${git.sha?.slice(0, 12) ?? 'no git commit'}) in ${git.repoSlug}: run \`gstack eval run\` first, or name a result file or run id`,
      );
    return newest.map((r) => localTarget(r.file, branch));
  }
  return refs.map((ref) => {
    const found = local.filter((r) => r.file === ref || r.doc.run_id.startsWith(ref));
    if (found.length > 1) throw new UserError(`${ref} matches ${found.length} local runs; give more of the run id`);
    if (found[0]) return localTarget(found[0].file, branch);
    if (/[\\/]|\.json$/.test(ref)) return localTarget(ref, branch);
    // Not a local run: a run key or id in the team store.
    return { ref, key: ref };
  });
}

/** Where baselines come from: --base-branch, else the pull request's base, else the default branch, else main and master. */
function baseBranches(flags: ReportFlags, pr: { baseRef: string | null } | null, defaultBranch: string | null): string[] {
  if (flags.baseBranch?.length) return flags.baseBranch;
  if (pr?.baseRef) return [pr.baseRef];
  if (defaultBranch) return [defaultBranch];
  return ['main', 'master'];
}

async function reportOne(
  connection: Connection,
  target: Target,
  flags: ReportFlags,
  branches: string[],
): Promise<{ section: CiMarkdownSection; report: CiReport }> {
  if (target.errored) throw new RemoteError('refused', `${target.ref}: the run errored: ${target.errored}`);
  if (target.item) {
    // The run must be in the store to have a baseline and a verdict; a re-push is a no-op.
    const pushed = await sendItem(connection, target.item);
    if (pushed.error) throw pushed.error;
  }
  const team = connection.mode === 'user' ? await teamId(connection) : null;
  const auth = { p_team_id: team as string, p_token: connection.mode === 'token' ? connection.token : (null as unknown as string) };
  const answer = await connection.client.rpc('ci_report_context', {
    ...auth,
    p_run: target.key,
    p_branches: branches,
    p_baseline: flags.baseline as string,
    p_history_runs: CI_RULES.historyRuns,
  });
  if (answer.error) throw remoteError(answer.error, answer.status);
  const context = parseCiContext(answer.data);
  if (context.data === null) throw new RemoteError('refused', context.error);
  const { run, baseline, history, threshold_pp, dashboard_url } = context.data;
  const report = ciReport(run, baseline, new Map(Object.entries(history)), {
    thresholdPp: flags.threshold ?? threshold_pp,
    alpha: flags.alpha,
  });
  return { report, section: { report, ...ciDashboardLinks(dashboard_url, run.id, baseline?.id ?? null) } };
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
      const list = targets(refs, cwd, flags.branch);
      const branches = baseBranches(flags, gh.pullRequest, gh.defaultBranch);

      const sections: CiMarkdownSection[] = [];
      const problems: string[] = [];
      let connection: Connection | undefined;
      try {
        connection = await connect({ cwd, env: process.env });
      } catch (error) {
        if (!(error instanceof RemoteError)) throw error;
        problems.push(`the team store could not be used: ${error.message}`);
      }
      for (const target of connection ? list : []) {
        try {
          const { section, report } = await reportOne(connection as Connection, target, flags, branches);
          sections.push(section);
          const recorded = await (connection as Connection).client.rpc('ci_record_report', {
            p_team_id: (connection?.mode === 'user' ? await teamId(connection) : null) as string,
            p_token: (connection?.mode === 'token' ? connection.token : null) as string,
            p_run: report.run.id,
            p_report: {
              baseline_run_id: report.baseline?.id ?? null,
              pull_request: gh.pullRequest?.number ?? null,
              pull_request_url: gh.pullRequest?.url ?? null,
              gated: report.gate.stopped,
              reasons: report.gate.reasons,
              counts: report.counts,
            },
          });
          if (recorded.error) note(`the verdict was not recorded in the team store: ${recorded.error.message}`);
        } catch (error) {
          if (!(error instanceof RemoteError)) throw error;
          problems.push(`${target.ref}: ${error.message}`);
        }
      }

      const markdown = ciMarkdown(sections, problems);
      if (gh.summaryPath) await appendSummary(gh.summaryPath, markdown);
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
