/**
 * docs/quickstart.md, as a newcomer follows it: the commands of its first
 * code block, in order, through the real binaries in an empty repository.
 * The private test stack stands in for `npm start` (step 1); the URL, key,
 * email and team of the doc are swapped for this stack's and unique ones.
 */
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually, stackInfo, unique } from '@gstack/local-stack/testing';
import { describe, expect, it } from 'vitest';
import { run } from '../testing/cli.ts';

const doc = readFileSync(fileURLToPath(new URL('../../../../docs/quickstart.md', import.meta.url)), 'utf8');

/** The commands of the doc's first sh block, comments dropped. */
function commands(): string[] {
  const block = /```sh\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter(Boolean);
}

describe('docs/quickstart.md', () => {
  it('takes a newcomer to a run in the team store in at most 6 steps', async () => {
    const steps = commands();
    // Step 6 (open the dashboard) is prose after the block.
    expect(steps.length + 1).toBeLessThanOrEqual(6);
    expect(doc).toMatch(/^6\. Open the \*\*Dashboard\*\* URL that `npm start` printed/m);
    expect(steps[0]).toBe('npm install && npm start');

    const repo = mkdtempSync(path.join(os.tmpdir(), 'gstack-quickstart-'));
    mkdirSync(path.join(repo, '.git'));
    const state = path.join(repo, '.state');
    const email = `${unique('newcomer')}@example.test`.toLowerCase();
    const team = unique('my-team').replace(/_/g, '-').toLowerCase();
    // The password is what step 3 asks for; GSTACK_PASSWORD is the non-interactive way to give it.
    const env = { PATH: process.env.PATH ?? '', HOME: state, GSTACK_STATE_DIR: state, NO_COLOR: '1', GSTACK_PASSWORD: 'password-123' };
    const swap = (text: string) =>
      text
        .replaceAll('http://127.0.0.1:54321', stackInfo().apiUrl)
        .replaceAll('<Publishable key>', stackInfo().publishableKey)
        .replaceAll('you@example.com', email)
        .replaceAll('my-team', team);

    for (const step of steps.slice(1)) {
      const [npx, bin, ...args] = swap(step).split(/\s+/);
      expect(npx).toBe('npx');
      expect(['gstack', 'gstack-sync']).toContain(bin);
      const result = await run(bin as 'gstack' | 'gstack-sync', args, env, repo);
      expect([step, result.code, result.stderr]).toEqual([step, 0, expect.any(String)]);
    }

    const listed = await eventually('the run to be in the team store', async () => {
      const list = await run('gstack', ['eval', 'list', '--team', '--json'], env, repo);
      const runs = JSON.parse(list.stdout).runs as Array<{ suite: string; person: string }>;
      return runs.length ? runs : undefined;
    });
    expect(listed).toEqual([expect.objectContaining({ suite: 'starter', person: email.split('@')[0] })]);
  });
});
