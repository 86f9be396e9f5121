/**
 * Which runs `gstack ci report` reports on: result files and run ids named on the
 * command line, or this commit's local runs (the newest of each suite); and which
 * branches their baselines come from.
 */
import { toRunPayload } from '@gstack/core';
import { localRuns } from '../analytics/local.ts';
import { UserError } from '../errors.ts';
import { gitInfo } from '../runner/git.ts';
import type { Env } from '../state-dir.ts';
import { statePaths } from '../state-dir.ts';
import { checkResultFile, erroredRunReason } from '../sync/push/results.ts';
import type { PushItem } from '../sync/push/types.ts';

/** A run to report on: its key in the store, and the local result to push first when it has one. */
export interface Target {
  /** As named (a file, a run id), for messages. */
  ref: string;
  /** The run key (or id) in the team store. */
  key: string;
  item?: PushItem;
  /** Why the run errored (no model answered), when it did: no report can be made of it. */
  errored?: string;
}

/** A local result file to push and report on; `branch` replaces the branch it records (--branch). */
function localTarget(file: string, branch?: string): Target {
  const checked = checkResultFile(file);
  if (!checked.result) throw new UserError(checked.problems.join('\n'));
  const { doc, item } = checked.result;
  const payload = branch === undefined ? item.payload : toRunPayload({ ...doc, git: { ...doc.git, branch } });
  return { ref: file, key: doc.run_id, item: { ...item, payload }, errored: erroredRunReason(doc) };
}

/**
 * The runs named in `refs` (a result file, a local run-id prefix, else a run key or id in
 * the store), or with none this commit's local runs, the newest of each suite. A usage
 * error (exit 2) when a file is unreadable or no local run matches.
 */
export function reportTargets(refs: string[], options: { cwd: string; env: Env; branch?: string; warn: (line: string) => void }): Target[] {
  const git = gitInfo(options.cwd);
  const local = localRuns(statePaths(options.env).root, git.repoSlug, options.warn);
  if (!refs.length) {
    const ofCommit = local.filter((r) => git.sha && r.doc.git.sha === git.sha);
    // Newest first: the first of each suite wins.
    const newest = [...new Map([...ofCommit].reverse().map((r) => [r.doc.suite, r])).values()];
    if (!newest.length)
      throw new UserError(
        `no local run of this commit (${git.sha?.slice(0, 12) ?? 'no git commit'}) in ${git.repoSlug}: run \`gstack eval run\` first, or name a result file or run id`,
      );
    return newest.map((r) => localTarget(r.file, options.branch));
  }
  return refs.map((ref) => {
    const found = local.filter((r) => r.file === ref || r.doc.run_id.startsWith(ref));
    if (found.length > 1) throw new UserError(`${ref} matches ${found.length} local runs; give more of the run id`);
    if (found[0]) return localTarget(found[0].file, options.branch);
    if (/[\\/]|\.json$/.test(ref)) return localTarget(ref, options.branch);
    // Not a local run: a run key or id in the team store.
    return { ref, key: ref };
  });
}

/** Where baselines come from: --base-branch, else the pull request's base, else the default branch, else main and master. */
export function baseBranches(
  explicit: string[] | undefined,
  pr: { baseRef: string | null } | null,
  defaultBranch: string | null,
): string[] {
  if (explicit?.length) return explicit;
  if (pr?.baseRef) return [pr.baseRef];
  if (defaultBranch) return [defaultBranch];
  return ['main', 'master'];
}
