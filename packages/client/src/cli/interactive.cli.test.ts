/**
 * The interactive modes of `gstack-sync setup` and `gstack init` in a real
 * terminal (a pty): answers typed, empty answers asked again or refused,
 * Ctrl-C and Ctrl-D abort with exit 2, no stack trace and nothing written.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { terminal } from '../testing/pty.ts';

const ENTER = '\r';
const CTRL_C = '\u0003';
const CTRL_D = '\u0004';

/** A fresh git-less project folder and a private state dir. */
function project() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'gstack-tty-'));
  const state = path.join(root, '.state');
  mkdirSync(state);
  return { root, env: { PATH: process.env.PATH ?? '', HOME: state, GSTACK_STATE_DIR: state } };
}

const noStackTrace = (screen: string) => expect(screen).not.toMatch(/\n\s+at .+:\d+:\d+/);

/** Answers the URL question, presses `key` at the key question: exit 2, no stack trace, `written` not created. */
async function abortsAtTheKeyQuestion(bin: 'gstack' | 'gstack-sync', args: string[], urlPrompt: string, key: string, written: string) {
  const { root, env } = project();
  const tty = terminal(bin, args, env, root);
  await tty.waitFor(urlPrompt);
  tty.type(`https://acme.supabase.co${ENTER}`);
  await tty.waitFor('Publishable or anon key: ');
  tty.type(key);
  expect(await tty.exit).toBe(2);
  expect(tty.screen()).toContain('error: aborted: nothing was written');
  noStackTrace(tty.screen());
  expect(existsSync(path.join(root, written))).toBe(false);
}

describe('gstack-sync setup in a terminal', () => {
  it('asks for each value, asks again after an empty answer, and writes the file', async () => {
    const { root, env } = project();
    const tty = terminal('gstack-sync', ['setup'], env, root);
    await tty.waitFor('Supabase URL');
    tty.type(ENTER);
    await tty.waitFor('(an answer is needed; Ctrl-C to stop)');
    await tty.waitFor('Supabase URL');
    tty.type(`https://acme.supabase.co${ENTER}`);
    await tty.waitFor('Publishable or anon key: ');
    tty.type(`sb_publishable_abc123${ENTER}`);
    await tty.waitFor('Team slug: ');
    tty.type(`acme${ENTER}`);
    expect(await tty.exit).toBe(0);
    expect(tty.screen()).toContain(`wrote ${path.join(root, '.gstack-sync.json')}`);
    expect(JSON.parse(readFileSync(path.join(root, '.gstack-sync.json'), 'utf8'))).toEqual({
      supabase_url: 'https://acme.supabase.co',
      anon_key: 'sb_publishable_abc123',
      team_slug: 'acme',
    });
  });

  it.each([
    ['Ctrl-C', CTRL_C],
    ['Ctrl-D', CTRL_D],
  ])('%s at a question aborts with exit 2, no stack trace and nothing written', async (_name, key) => {
    await abortsAtTheKeyQuestion('gstack-sync', ['setup'], 'Supabase URL', key, '.gstack-sync.json');
  });

  it('refuses after three empty answers with exit 2', async () => {
    const { root, env } = project();
    const tty = terminal('gstack-sync', ['setup', '--url', 'https://acme.supabase.co', '--team', 'acme'], env, root);
    for (let i = 0; i < 3; i++) {
      await tty.waitFor('Publishable or anon key: ');
      tty.type(ENTER);
    }
    expect(await tty.exit).toBe(2);
    expect(tty.screen()).toContain('error: anonKey: an answer is needed (asked 3 times)');
    expect(tty.screen()).not.toContain('Supabase URL');
    expect(existsSync(path.join(root, '.gstack-sync.json'))).toBe(false);
  });
});

describe('gstack init in a terminal', () => {
  it('an empty store URL means local only: the starter files, no sync config', async () => {
    const { root, env } = project();
    const tty = terminal('gstack', ['init'], env, root);
    await tty.waitFor('Team store URL');
    tty.type(ENTER);
    expect(await tty.exit).toBe(0);
    expect(tty.screen()).not.toContain('Team slug');
    expect(existsSync(path.join(root, 'evals', 'starter.yaml'))).toBe(true);
    expect(existsSync(path.join(root, '.gstack-sync.json'))).toBe(false);
  });

  it('with a store URL, asks for the key and team and writes .gstack-sync.json', async () => {
    const { root, env } = project();
    const tty = terminal('gstack', ['init', '--offline'], env, root);
    await tty.waitFor('Team store URL');
    tty.type(`https://acme.supabase.co${ENTER}`);
    await tty.waitFor('Publishable or anon key: ');
    tty.type(`sb_publishable_abc123${ENTER}`);
    await tty.waitFor('Team slug: ');
    tty.type(ENTER);
    await tty.waitFor('(an answer is needed; Ctrl-C to stop)');
    tty.type(`acme${ENTER}`);
    expect(await tty.exit).toBe(0);
    expect(JSON.parse(readFileSync(path.join(root, '.gstack-sync.json'), 'utf8'))).toMatchObject({ team_slug: 'acme' });
  });

  it.each([
    ['Ctrl-C', CTRL_C],
    ['Ctrl-D', CTRL_D],
  ])('%s aborts with exit 2 and writes no file', async (_name, key) => {
    await abortsAtTheKeyQuestion('gstack', ['init'], 'Team store URL', key, 'evals');
  });
});
