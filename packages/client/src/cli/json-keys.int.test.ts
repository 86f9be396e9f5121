/**
 * `--json` speaks one naming style: every key of every command's JSON output
 * is snake_case. Walks each command that takes --json (local eval reads, team
 * reads, team management, sync), run as child processes against the stack.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unique } from '@gstack/local-stack/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeHistory } from '../testing/history.ts';
import { type Person, person, run } from '../testing/people.ts';

const SNAKE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
/** Objects whose keys are names people or suites chose (tiers, categories, tools), not field names. */
const DATA_KEYED = new Set(['what_if', 'by_category', 'tools']);

/** Paths of keys in `value` that are not snake_case. */
function badKeys(value: unknown, at = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => badKeys(v, `${at}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => [
    ...(SNAKE.test(k) ? [] : [`${at}.${k}`]),
    ...(DATA_KEYED.has(k) ? [] : badKeys(v, `${at}.${k}`)),
  ]);
}

let ada: Person;
let ben: Person;
let team: string;
let runIds: string[];
let checkout: string;
let resultFile: string;

beforeAll(async () => {
  team = unique('jsonkeys').replace(/_/g, '-').toLowerCase();
  [ada, ben] = await Promise.all([person(team), person(team)]);
  const created = await run('gstack', ['team', 'create', team, '--json'], ada.env);
  expect([created.code, badKeys(JSON.parse(created.stdout))]).toEqual([0, []]);
  const docs = writeHistory(ada.state, [
    { hoursAgo: 3, tests: { a: true, b: false } },
    { hoursAgo: 2, tests: { a: true, b: true } },
  ]);
  runIds = docs.map((d) => d.run_id);
  resultFile = path.join(ada.state, 'projects', 'acme-app', 'evals', `${docs[0]?.timestamp.replace(/[:.]/g, '-')}-smoke.json`);
  checkout = path.join(mkdtempSync(path.join(os.tmpdir(), 'gstack-repo-')), 'acme-app');
  mkdirSync(checkout);
  // In the store for the --team reads; `push --json` below then reports them as already there.
  expect((await run('gstack-sync', ['push'], ada.env, checkout)).code).toBe(0);
});

/** Runs `args` with --json; the output must parse, and every key must be snake_case. */
async function expectSnake(bin: 'gstack' | 'gstack-sync', args: string[], env: Record<string, string>, input?: string, cwd = checkout) {
  const out = await run(bin, [...args, '--json'], { ...env, NO_COLOR: '1' }, cwd, input);
  expect(out.code, `${bin} ${args.join(' ')}: ${out.stderr}`).toBe(0);
  // Commands that print a line per refresh (watch) print JSON lines.
  const values = out.stdout
    .trim()
    .split(/\n(?=[{[])/)
    .map((chunk) => JSON.parse(chunk) as unknown);
  expect(values.length, `${bin} ${args.join(' ')} printed JSON`).toBeGreaterThan(0);
  expect({ command: `${bin} ${args.join(' ')}`, bad: values.flatMap((v) => badKeys(v)) }).toEqual({
    command: `${bin} ${args.join(' ')}`,
    bad: [],
  });
}

describe('--json keys are snake_case', () => {
  it('the check itself finds camelCase keys, nested ones too', () => {
    expect(badKeys({ run_id: 1, tests: [{ passRate: 1, streak: { isPassing: true } }], what_if: { 'Big Model': 1 } })).toEqual([
      '$.tests[0].passRate',
      '$.tests[0].streak.isPassing',
    ]);
  });

  // One test per command (each a child process), in order: later ones build on earlier ones (join uses the invite).
  let code = '';
  let setupDir = '';
  let newcomer: Record<string, string> = {};
  const options = ['--url', 'https://acme.supabase.co', '--anon-key', 'sb_publishable_x', '--team', 'acme'];
  const cases: Array<[string, () => Promise<void>]> = [
    ['gstack-sync push', () => expectSnake('gstack-sync', ['push'], ada.env)],
    ['gstack-sync status', () => expectSnake('gstack-sync', ['status'], ada.env)],
    ['gstack-sync whoami', () => expectSnake('gstack-sync', ['whoami'], ada.env)],
    [
      'gstack-sync login',
      () => expectSnake('gstack-sync', ['login', '--email', ada.email, '--password-stdin'], ada.env, `${ada.password}\n`),
    ],
    ['gstack-sync prefs', () => expectSnake('gstack-sync', ['prefs'], ada.env)],
    ['gstack-sync test', () => expectSnake('gstack-sync', ['test'], ada.env)],
    ['gstack-sync show evals', () => expectSnake('gstack-sync', ['show', 'evals'], ada.env)],
    ['gstack-sync pull', () => expectSnake('gstack-sync', ['pull'], ada.env)],
    ['gstack-sync drain', () => expectSnake('gstack-sync', ['drain'], ada.env)],
    [
      'gstack-sync signup',
      () => {
        newcomer = { ...ada.env, GSTACK_STATE_DIR: mkdtempSync(path.join(os.tmpdir(), 'gstack-new-')) };
        const email = `${unique('new')}@example.test`.toLowerCase();
        return expectSnake('gstack-sync', ['signup', '--email', email, '--password-stdin'], newcomer, 'password-123\n');
      },
    ],
    ['gstack-sync logout', () => expectSnake('gstack-sync', ['logout'], newcomer)],
    [
      'gstack-sync setup',
      () => {
        setupDir = mkdtempSync(path.join(os.tmpdir(), 'gstack-setup-'));
        return expectSnake('gstack-sync', ['setup', ...options], ada.env, undefined, setupDir);
      },
    ],
    ['gstack init', () => expectSnake('gstack', ['init', '--offline', '--force', ...options], ada.env, undefined, setupDir)],
    // The starter suite init wrote, run offline: the result document on stdout.
    [
      'gstack eval run',
      () => expectSnake('gstack', ['eval', 'run', path.join(setupDir, 'evals', 'starter.yaml'), '--no-push'], ada.env, undefined, setupDir),
    ],
    [
      'gstack team invite',
      async () => {
        const invite = await run('gstack', ['team', 'invite', '--json'], ada.env);
        code = JSON.parse(invite.stdout).code as string;
        expect(badKeys(JSON.parse(invite.stdout))).toEqual([]);
      },
    ],
    ['gstack team join', () => expectSnake('gstack', ['team', 'join', code], ben.env)],
    ['gstack team members', () => expectSnake('gstack', ['team', 'members'], ada.env)],
    ['gstack team settings', () => expectSnake('gstack', ['team', 'settings'], ada.env)],
    ['gstack team token create', () => expectSnake('gstack', ['team', 'token', 'create', 'ci'], ada.env)],
    ['gstack team token list', () => expectSnake('gstack', ['team', 'token', 'list'], ada.env)],
    ['gstack team token revoke', () => expectSnake('gstack', ['team', 'token', 'revoke', 'ci'], ada.env)],
    ['gstack team role', () => expectSnake('gstack', ['team', 'role', ben.email, 'admin'], ada.env)],
    ['gstack team set', () => expectSnake('gstack', ['team', 'set', 'alert-threshold', '7'], ada.env)],
    ['gstack team digest', () => expectSnake('gstack', ['team', 'digest'], ada.env)],
    ['gstack team remove', () => expectSnake('gstack', ['team', 'remove', ben.email], ada.env)],
    ...[[], ['--team']].flatMap(
      (team): Array<[string, () => Promise<void>]> => [
        [`gstack eval list ${team}`, () => expectSnake('gstack', ['eval', 'list', ...team], ada.env)],
        [`gstack eval show ${team}`, () => expectSnake('gstack', ['eval', 'show', (runIds[1] ?? '').slice(0, 8), ...team], ada.env)],
        [`gstack eval compare ${team}`, () => expectSnake('gstack', ['eval', 'compare', ...runIds, ...team], ada.env)],
        [`gstack eval summary ${team}`, () => expectSnake('gstack', ['eval', 'summary', ...team], ada.env)],
        [`gstack eval trend ${team}`, () => expectSnake('gstack', ['eval', 'trend', ...team], ada.env)],
        [`gstack eval leaderboard ${team}`, () => expectSnake('gstack', ['eval', 'leaderboard', ...team], ada.env)],
      ],
    ),
    ['gstack eval cost', () => expectSnake('gstack', ['eval', 'cost', resultFile], ada.env)],
    ['gstack eval watch', () => expectSnake('gstack', ['eval', 'watch', '--once'], ada.env)],
    ['gstack eval cache stats', () => expectSnake('gstack', ['eval', 'cache', 'stats'], ada.env)],
    ['gstack eval cache verify', () => expectSnake('gstack', ['eval', 'cache', 'verify'], ada.env)],
    ['gstack ci report', () => expectSnake('gstack', ['ci', 'report', runIds[1] ?? '', '--no-comment'], ada.env)],
  ];
  it.each(cases)('%s --json', async (_command, check) => {
    await check();
  });
});
