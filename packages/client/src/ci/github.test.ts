import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { actionsContext, fitted } from './github.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'gstack-gh-'));
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('actionsContext', () => {
  it("reads a pull request's number, link and base branch, and the repository's default branch", async () => {
    const event = file(
      'pr.json',
      JSON.stringify({
        number: 12,
        pull_request: { number: 12, html_url: 'https://ghe.example/acme/app/pull/12', base: { ref: 'develop' } },
        repository: { default_branch: 'trunk' },
      }),
    );
    const { context, notes } = await actionsContext({
      GITHUB_TOKEN: 't',
      GITHUB_API_URL: 'https://ghe.example/api/v3/',
      GITHUB_REPOSITORY: 'acme/app',
      GITHUB_EVENT_PATH: event,
    });
    expect(notes).toEqual([]);
    expect(context).toMatchObject({
      token: 't',
      apiUrl: 'https://ghe.example/api/v3',
      repository: 'acme/app',
      pullRequest: { number: 12, url: 'https://ghe.example/acme/app/pull/12', baseRef: 'develop' },
      defaultBranch: 'trunk',
      summaryPath: null,
      serverUrl: 'https://github.com',
    });
  });

  it('outside Actions: api.github.com, no pull request, no token', async () => {
    const { context, notes } = await actionsContext({});
    expect(notes).toEqual([]);
    expect(context).toMatchObject({ token: null, apiUrl: 'https://api.github.com', repository: null, pullRequest: null });
  });

  it('a push event has no pull request; what cannot be used is a note, never an error', async () => {
    const push = file('push.json', JSON.stringify({ ref: 'refs/heads/main', repository: { default_branch: 'main' } }));
    expect((await actionsContext({ GITHUB_EVENT_PATH: push })).context.pullRequest).toBeNull();
    const broken = await actionsContext({ GITHUB_EVENT_PATH: file('broken.json', '{not json'), GITHUB_REPOSITORY: 'no slash' });
    expect(broken.context).toMatchObject({ pullRequest: null, repository: null });
    expect(broken.notes).toEqual([
      'GITHUB_REPOSITORY should be owner/name, not "no slash"',
      expect.stringMatching(/^GITHUB_EVENT_PATH .*broken\.json could not be read as JSON \(.*\); no pull request$/),
    ]);
  });
});

describe('fitted', () => {
  it('leaves a comment under GitHub’s limit alone and cuts a longer one at a line, saying where the rest is', () => {
    expect(fitted('short\n')).toBe('short\n');
    const long = Array.from({ length: 5_000 }, (_, i) => `| row ${i} | ${'x'.repeat(20)} |`).join('\n');
    const cut = fitted(long);
    expect(cut.length).toBeLessThanOrEqual(65_536);
    expect(cut.endsWith('\n\n_(cut to fit a comment: the whole report is in the job summary)_\n')).toBe(true);
    const kept = cut.slice(0, cut.indexOf('\n\n_(cut'));
    expect(long.startsWith(kept)).toBe(true);
    expect(kept.endsWith('|')).toBe(true); // a whole line
  });
});
