/** Where a run happens: repository slug, branch and commit, host. */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

function git(args: string[], cwd: string): string | null {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return result.status === 0 ? result.stdout.trim() || null : null;
}

/** `owner/repo` from a remote URL (https or ssh), as a path-safe `owner-repo`. */
export function slugFromRemote(remote: string): string | null {
  const match = /[:/]([^/:]+)\/([^/]+?)(?:\.git)?\/?$/.exec(remote.trim());
  if (!match) return null;
  return `${match[1]}-${match[2]}`.replace(/[^A-Za-z0-9_.-]/g, '-').toLowerCase();
}

export interface GitInfo {
  repoSlug: string;
  branch: string | null;
  sha: string | null;
}

/**
 * The repository, branch and commit at `cwd`. On a GitHub Actions pull request the
 * checkout is a detached merge commit: the branch is then the pull request's head
 * branch (`GITHUB_HEAD_REF`, set only for pull-request events), so a pull request's
 * runs carry their own branch, never none (runs without a branch alert the team).
 */
export function gitInfo(cwd: string, env: { GITHUB_HEAD_REF?: string } = {}): GitInfo {
  const remote = git(['remote', 'get-url', 'origin'], cwd);
  const top = git(['rev-parse', '--show-toplevel'], cwd);
  const repoSlug =
    (remote && slugFromRemote(remote)) ??
    path
      .basename(top ?? cwd)
      .replace(/[^A-Za-z0-9_.-]/g, '-')
      .toLowerCase();
  const branch = git(['rev-parse', '--abbrev-ref', 'HEAD'], cwd);
  const detached = branch === null || branch === 'HEAD';
  return { repoSlug, branch: detached ? env.GITHUB_HEAD_REF || null : branch, sha: git(['rev-parse', 'HEAD'], cwd) };
}

export function hostname(): string {
  return os.hostname();
}
