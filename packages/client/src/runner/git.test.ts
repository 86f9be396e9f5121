import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitInfo } from './git.ts';

/** A repository with one commit on `main`, its remote `origin` at acme/app. */
function repo(): { dir: string; git: (...args: string[]) => string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gstack-git-'));
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=t@example.test', '-c', 'user.name=t', ...args], { cwd: dir, encoding: 'utf8' }).trim();
  git('init', '-q', '-b', 'main');
  git('remote', 'add', 'origin', 'https://github.com/acme/app.git');
  git('commit', '-q', '--allow-empty', '-m', 'one');
  return { dir, git };
}

describe('gitInfo', () => {
  it('reads the repository, branch and commit', () => {
    const { dir, git } = repo();
    expect(gitInfo(dir)).toEqual({ repoSlug: 'acme-app', branch: 'main', sha: git('rev-parse', 'HEAD') });
  });

  it("a pull request's detached checkout takes its head branch from GITHUB_HEAD_REF (runs without a branch alert the team)", () => {
    const { dir, git } = repo();
    git('checkout', '-q', '--detach');
    expect(gitInfo(dir).branch).toBeNull();
    expect(gitInfo(dir, { GITHUB_HEAD_REF: 'feature/faster' }).branch).toBe('feature/faster');
    // An empty GITHUB_HEAD_REF (push events set it so) is no branch.
    expect(gitInfo(dir, { GITHUB_HEAD_REF: '' }).branch).toBeNull();
  });

  it('a checked-out branch wins over GITHUB_HEAD_REF', () => {
    const { dir } = repo();
    expect(gitInfo(dir, { GITHUB_HEAD_REF: 'feature/faster' }).branch).toBe('main');
  });
});
