/**
 * What a new user and a daily user meet, through the real binaries against
 * the local stack: sign-up, refusals that say what happened (with the exit
 * code docs/cli.md promises), checks that really reach the store, the
 * offline queue with the store down, and a killed run's partial file.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serviceClient, stackInfo, unique } from '@gstack/local-stack/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeRun } from '../testing/history.ts';
import { baseEnv, type Person, person, run } from '../testing/people.ts';

const slug = (prefix: string) => unique(prefix).replace(/_/g, '-').toLowerCase();
/** A port nothing listens on: the store, down. */
const DEAD_URL = 'http://127.0.0.1:9';
const example = fileURLToPath(new URL('../../../../docs/examples/capitals.yaml', import.meta.url));

let team: string;
let admin: Person;
let member: Person;

beforeAll(async () => {
  team = slug('first');
  [admin, member] = await Promise.all([person(team), person(team)]);
  expect((await run('gstack', ['team', 'create', team], admin.env)).code).toBe(0);
  const code = JSON.parse((await run('gstack', ['team', 'invite', '--json'], admin.env)).stdout).code;
  expect((await run('gstack', ['team', 'join', code], member.env)).code).toBe(0);
});

/** A copy of someone's state dir whose saved session points at a store that is down. */
function sessionOnDeadStore(who: Person): Record<string, string> {
  const state = mkdtempSync(path.join(os.tmpdir(), 'gstack-down-'));
  const auth = JSON.parse(readFileSync(path.join(who.state, 'auth.json'), 'utf8'));
  auth.sessions[DEAD_URL] = auth.sessions[stackInfo().apiUrl];
  writeFileSync(path.join(state, 'auth.json'), JSON.stringify(auth), { mode: 0o600 });
  return baseEnv(state, team, DEAD_URL);
}

function resultFile(dir: string): { file: string; runId: string } {
  const doc = makeRun({ hoursAgo: 1, tests: { a: true, b: false } });
  const file = path.join(dir, `${doc.run_id}.json`);
  writeFileSync(file, JSON.stringify(doc));
  return { file, runId: doc.run_id };
}

describe('gstack-sync signup', () => {
  it('creates an account from a piped password and signs in', async () => {
    const email = `${unique('newbie')}@example.test`.toLowerCase();
    const env = baseEnv(mkdtempSync(path.join(os.tmpdir(), 'gstack-signup-')), team);
    const created = await run(
      'gstack-sync',
      ['signup', '--email', email.toUpperCase(), '--password-stdin'],
      env,
      undefined,
      'password-123\n',
    );
    expect(created.code).toBe(0);
    expect(created.stdout).toContain(`created ${email} on ${stackInfo().apiUrl} and signed in`);
    const test = await run('gstack-sync', ['test'], env);
    expect(test.stdout).toContain(`✓ signed in: ${email}`);
    const whoami = await run('gstack-sync', ['whoami'], env);
    expect([whoami.code, whoami.stdout]).toEqual([0, `${email} on ${stackInfo().apiUrl} (team ${team})\n`]);
    expect(JSON.parse((await run('gstack-sync', ['status', '--json'], env)).stdout).signed_in_as).toBe(email);
  });

  it('a second sign-up points to login, and a refused login points to signup', async () => {
    const email = `${unique('again')}@example.test`.toLowerCase();
    const env = baseEnv(mkdtempSync(path.join(os.tmpdir(), 'gstack-signup-')), team);
    const created = await run('gstack-sync', ['signup', '--email', email, '--password-stdin'], env, undefined, 'password-123\n');
    expect(created.code).toBe(0);
    // The piped password (newline stripped) is the one that was set.
    const login = await run('gstack-sync', ['login', '--email', email, '--password', 'password-123'], env);
    expect(login.code).toBe(0);

    const again = await run('gstack-sync', ['signup', '--email', email], { ...env, GSTACK_PASSWORD: 'password-123' });
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      `error: ${email} already has an account on ${stackInfo().apiUrl}: sign in with gstack-sync login --email ${email}\n`,
    );

    const unknown = await run('gstack-sync', ['login', '--email', 'nobody@example.test', '--password', 'password-123'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('create one with gstack-sync signup --email nobody@example.test');
  });

  it('refuses a bad email, a missing password and a short one with exit 2, creating nothing', async () => {
    const env = baseEnv(mkdtempSync(path.join(os.tmpdir(), 'gstack-signup-')), team);
    const bad = await run('gstack-sync', ['signup', '--email', 'not-an-email', '--password-stdin'], env, undefined, 'password-123');
    expect([bad.code, bad.stderr]).toEqual([2, 'error: --email must be an email address such as ada@example.com, not "not-an-email"\n']);
    const email = `${unique('nopass')}@example.test`.toLowerCase();
    const none = await run('gstack-sync', ['signup', '--email', email], env);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--password-stdin, set GSTACK_PASSWORD, or run in a terminal');
    const short = await run('gstack-sync', ['signup', '--email', email, '--password-stdin'], env, undefined, 'abc');
    expect(short.code).toBe(2);
    const { data } = await serviceClient().auth.admin.listUsers();
    expect(data.users.map((u) => u.email)).not.toContain(email);
  });

  it('the local sign-in page links to a sign-up form that creates the account and completes the flow', async () => {
    const query = 'code_challenge=abc&code_challenge_method=plain&redirect_to=http%3A%2F%2F127.0.0.1%3A1%2Fcallback';
    const signIn = await (await fetch(`${stackInfo().authUrl}/authorize?${query}`)).text();
    const link = /href="(authorize\?[^"]*mode=signup[^"]*)"/.exec(signIn)?.[1]?.replaceAll('&amp;', '&');
    expect(link).toBeTruthy();
    const signUp = await (await fetch(`${stackInfo().authUrl}/${link}`)).text();
    expect(signUp).toContain('<h1>Create an account</h1>');
    expect(signUp).toContain('<input type="hidden" name="mode" value="signup">');
    const email = `${unique('webnew')}@example.test`.toLowerCase();
    const posted = await fetch(`${stackInfo().authUrl}/authorize`, {
      method: 'POST',
      body: new URLSearchParams({
        mode: 'signup',
        email,
        password: 'password-123',
        redirect_to: 'http://127.0.0.1:1/callback',
        code_challenge: 'abc',
        code_challenge_method: 'plain',
      }),
      redirect: 'manual',
    });
    expect(posted.status).toBe(303);
    expect(posted.headers.get('location')).toMatch(/^http:\/\/127\.0\.0\.1:1\/callback\?code=/);
    const again = await fetch(`${stackInfo().authUrl}/authorize`, {
      method: 'POST',
      body: new URLSearchParams({ mode: 'signup', email, password: 'password-123', code_challenge: 'abc' }),
      redirect: 'manual',
    });
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('User already registered');
  });
});

describe('gstack team refusals', () => {
  it('say what happened, with exit 1, for a bad invite code and a member acting as admin', async () => {
    const join = await run('gstack', ['team', 'join', 'gsi_nonsense'], member.env);
    expect([join.code, join.stderr]).toEqual([1, 'error: this invite code is not valid\n']);

    const set = await run('gstack', ['team', 'set', 'alert-threshold', '7'], member.env);
    expect(set.code).toBe(1);
    expect(set.stderr).toBe(
      `error: only an admin of ${team} can change its settings; you are a member (gstack team members lists the admins)\n`,
    );
    const tokens = await run('gstack', ['team', 'token', 'list'], member.env);
    expect([tokens.code, tokens.stdout]).toEqual([1, '']);
    expect(tokens.stderr).toContain(`only an admin of ${team} can list CI tokens`);
    const settings = await run('gstack', ['team', 'settings'], member.env);
    expect(settings.code).toBe(1);
  });

  it('refuse bad invite flags with exit 2 before anything is created', async () => {
    for (const args of [
      ['--email', 'not-an-email'],
      ['--expires', '400d'],
      ['--expires', 'banana'],
      ['--role', 'owner'],
    ]) {
      const invite = await run('gstack', ['team', 'invite', ...args], admin.env);
      expect([args, invite.code, invite.stdout]).toEqual([args, 2, '']);
      expect(invite.stderr).toMatch(/^error: --?\w+/);
    }
    const { count } = await serviceClient().from('team_invites').select('*', { count: 'exact', head: true }).eq('email', 'not-an-email');
    expect(count).toBe(0);
  });

  it('admins get a members table with headers, and --team acts on another team', async () => {
    const other = slug('other');
    expect((await run('gstack', ['team', 'create', other], admin.env)).code).toBe(0);
    const members = await run('gstack', ['team', 'members', '--team', other], { ...admin.env, NO_COLOR: '1' });
    expect(members.code).toBe(0);
    const lines = members.stdout.trim().split('\n');
    expect(lines[0]?.split(/\s{2,}/)).toEqual(['email', 'name', 'role', 'joined']);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(admin.email);
    expect((await run('gstack', ['team', 'members', '--team', 'Not A Slug'], admin.env)).code).toBe(2);
    const none = await run('gstack', ['team', 'token', 'list', '--team', other], admin.env);
    expect([none.code, none.stdout]).toEqual([0, `no CI tokens in ${other} yet: gstack team token create NAME\n`]);
  });

  it('admins read the settings they set', async () => {
    expect((await run('gstack', ['team', 'set', 'alert-threshold', '7.5'], admin.env)).code).toBe(0);
    const settings = JSON.parse((await run('gstack', ['team', 'settings', '--json'], admin.env)).stdout);
    expect(settings).toMatchObject({ team, slack_webhook: null, alert_threshold_pp: 7.5, digest_enabled: true });
  });
});

describe('checks that reach the store', () => {
  it('gstack-sync test fails with exit 1 when the store is down, even with a saved session', async () => {
    const down = await run('gstack-sync', ['test'], sessionOnDeadStore(member));
    expect(down.code).toBe(1);
    expect(down.stdout).toMatch(/^✗ store: the team store is unreachable/);
    expect(down.stdout).not.toContain('✓');
    expect(down.stderr).not.toMatch(/\n\s+at /);
    const up = await run('gstack-sync', ['test'], member.env);
    expect(up.code).toBe(0);
    expect(up.stdout).toContain(`✓ team: ${team} (member)`);
  });

  it('drain with the store down keeps the queue, says so and exits 0 like push', async () => {
    const env = sessionOnDeadStore(member);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gstack-drain-'));
    const push = await run('gstack-sync', ['push', resultFile(dir).file], env);
    expect(push.code).toBe(0);
    expect(push.stdout).toContain('queued 1 for later');
    const drain = await run('gstack-sync', ['drain'], env);
    expect(drain.code).toBe(0);
    expect(drain.stdout).toMatch(
      /^sent 0 queued items; 1 left in the queue \(the team store is unreachable.*; they stay queued for the next push or drain\)\n$/,
    );
  });

  it('push says how many it added and how many were already there', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gstack-push-'));
    const first = resultFile(dir);
    expect((await run('gstack-sync', ['push', first.file], member.env)).stdout).toBe('pushed 1 run\n');
    const both = await run('gstack-sync', ['push', first.file, resultFile(dir).file, resultFile(dir).file], member.env);
    expect(both.stdout).toBe('pushed 2 runs, 1 already there\n');
  });

  it('eval run says on stderr, at the end, when its background push cannot land', async () => {
    const outsider = await person(slug('not-mine'));
    const evalRun = await run('gstack', ['eval', 'run', example], outsider.env);
    expect(evalRun.code).toBe(0);
    expect(evalRun.stderr).toMatch(
      /warning: the results will not reach the team store: team: team "[^"]+" not found, or you are not a member/,
    );
    const signedOut = baseEnv(mkdtempSync(path.join(os.tmpdir(), 'gstack-out-')), team);
    const out = await run('gstack', ['eval', 'run', example], signedOut);
    expect(out.stderr).toContain('warning: the results will not reach the team store: signed in: not signed in');
    const fine = await run('gstack', ['eval', 'run', example], member.env);
    expect(fine.stderr).not.toContain('warning');
  });
});

describe("a killed run's partial file", () => {
  it('is pushed by push with no file, as the interrupted run it is', async () => {
    const env = { ...member.env };
    const dir = path.join(member.state, 'projects', 'acme-app', 'evals');
    mkdirSync(dir, { recursive: true });
    const doc = { ...makeRun({ hoursAgo: 0, tests: { a: true } }), interrupted: true, planned_tests: 3 };
    const partial = path.join(dir, `${doc.timestamp.replace(/[:.]/g, '-')}-smoke_partial.json`);
    writeFileSync(partial, JSON.stringify(doc));
    // The process that wrote it is gone (a finished child's pid, on this machine).
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    writeFileSync(`${partial}.owner`, JSON.stringify({ pid: Number(gone), hostname: os.hostname() }));
    // A bare push sends the current repository's runs: push from a checkout of acme-app.
    const checkout = path.join(mkdtempSync(path.join(os.tmpdir(), 'gstack-repo-')), 'acme-app');
    mkdirSync(checkout);
    const push = await run('gstack-sync', ['push', '--json'], env, checkout);
    expect(push.code).toBe(0);
    expect(JSON.parse(push.stdout).pushed.map((p: { label: string }) => p.label)).toContain(
      path.basename(partial).replace(/_partial\.json$/, '.json'),
    );
    expect(readdirSync(dir).filter((f) => f.includes('_partial'))).toEqual([]);
    const row = await serviceClient().from('eval_runs').select('result').eq('run_key', doc.run_id).single();
    expect((row.data?.result as { interrupted?: boolean } | undefined)?.interrupted).toBe(true);
    const list = await run('gstack', ['eval', 'list', '--team', '--repo', 'acme-app', '--json'], env);
    expect(JSON.parse(list.stdout).runs.find((r: { run_key: string }) => r.run_key === doc.run_id)).toMatchObject({
      interrupted: true,
      repo_slug: 'acme-app',
      person: member.email.split('@')[0],
    });
  });
});
