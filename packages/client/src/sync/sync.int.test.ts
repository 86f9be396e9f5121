/**
 * Team sync end to end on the local stack, through the real gstack and
 * gstack-sync binaries: two people, two teams, a CI token; a push read back
 * from every table; idempotent re-pushes; the offline queue when the gateway
 * goes away mid-push; bad input refused before anything is sent.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StandardEvalResultInput } from '@gstack/core';
import { eventually, serviceClient, stackInfo, unique } from '@gstack/local-stack/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { FAKE_ANTHROPIC_KEY, sessionLines } from '../testing/claude-sessions.ts';
import { baseEnv, binDir, type Person, person, run } from '../testing/people.ts';

/** A valid result document with `tests` results, written to a file. */
function resultFile(dir: string, tests = 3, extra: Partial<StandardEvalResultInput> = {}): { file: string; runId: string } {
  const runId = randomUUID();
  const doc: StandardEvalResultInput = {
    schema_version: 1,
    version: '0.1.0',
    run_id: runId,
    suite: 'smoke',
    tier: 'ladder',
    repo_slug: 'acme-app',
    git: { branch: 'main', sha: 'abc123' },
    hostname: 'laptop',
    timestamp: new Date().toISOString(),
    prompt_sha: 'f'.repeat(64),
    duration_ms: 1200,
    totals: { tests, passed: tests - 1, failed: 1, skipped: 0, errors: 0 },
    pass_rate: Math.round((10_000 * (tests - 1)) / tests) / 100,
    cost_usd: 0.02,
    judge_cost_usd: 0.005,
    cost_exact: false,
    costs: [
      { model: 'local/qwen', purpose: 'system', calls: tests, cost_usd: 0, exact: true },
      { model: 'anthropic/claude-sonnet-4-6', purpose: 'system', calls: 1, cost_usd: 0.015, exact: false },
      { model: 'anthropic/claude-haiku-4-5', purpose: 'judge', calls: 2, cost_usd: 0.005, exact: false },
    ],
    by_category: { basics: { tests, passed: tests - 1, failed: 1 } },
    all_results: Array.from({ length: tests }, (_, i) => ({
      name: `test-${i}`,
      category: 'basics',
      passed: i > 0,
      resolved_tier: i === 1 ? 't2' : 't1',
      resolved_model: i === 1 ? 'anthropic/claude-sonnet-4-6' : 'local/qwen',
      attempts: [
        {
          attempt: 1,
          model: 'local/qwen',
          tier: 't1',
          duration_ms: 100,
          verdict: i === 1 ? 'escalate' : 'accept',
          feedback: i === 1 ? 'too short' : null,
        },
        ...(i === 1
          ? [
              {
                attempt: 2,
                model: 'anthropic/claude-sonnet-4-6',
                tier: 't2',
                duration_ms: 900,
                verdict: 'accept' as const,
                self_certified: true,
              },
            ]
          : []),
      ],
    })),
    ...extra,
  };
  const file = path.join(dir, `${runId}.json`);
  writeFileSync(file, JSON.stringify(doc));
  return { file, runId };
}

async function countRows(runKey: string): Promise<Record<string, number>> {
  const svc = serviceClient();
  const run = await svc.from('eval_runs').select('id').eq('run_key', runKey);
  const id = run.data?.[0]?.id;
  const counts: Record<string, number> = { eval_runs: run.data?.length ?? 0 };
  for (const table of ['eval_results', 'eval_attempts', 'eval_costs']) {
    const { count } = await svc
      .from(table)
      .select('*', { count: 'exact', head: true })
      .eq('run_id', id ?? randomUUID());
    counts[table] = count ?? 0;
  }
  return counts;
}

/** An HTTP relay standing in for the gateway between the CLI and the stack, which the test can take down. */
class Relay {
  private server?: http.Server;
  private readonly sockets = new Set<net.Socket>();
  port = 0;
  /** Requests to let through before going down on its own (Infinity: never). */
  budget = Number.POSITIVE_INFINITY;

  async start(port = 0): Promise<this> {
    const upstream = new URL(stackInfo().apiUrl);
    this.server = http.createServer((req, res) => {
      if (this.budget <= 0) {
        req.socket.destroy();
        void this.stop();
        return;
      }
      this.budget -= 1;
      const forward = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => res.destroy());
      req.pipe(forward);
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server?.listening ? this.server.close(() => resolve()) : resolve()));
  }
}

const slug = (prefix: string) => unique(prefix).replace(/_/g, '-').toLowerCase();
let teamA: string;
let teamC: string;
let alice: Person;
let bob: Person;
let carol: Person;

beforeAll(async () => {
  teamA = slug('team-a');
  teamC = slug('team-c');
  [alice, bob, carol] = await Promise.all([person(teamA), person(teamA), person(teamC)]);
  expect((await run('gstack', ['team', 'create', teamA, '--name', 'Team A'], alice.env)).code).toBe(0);
  expect((await run('gstack', ['team', 'create', teamC], carol.env)).code).toBe(0);
  const invite = await run('gstack', ['team', 'invite', '--json'], alice.env);
  const code = JSON.parse(invite.stdout).code as string;
  const joined = await run('gstack', ['team', 'join', code], bob.env);
  expect(joined.stdout).toContain(`joined ${teamA}`);
});

describe('login', () => {
  it('keeps the session in auth.json with mode 0600', () => {
    const file = path.join(alice.state, 'auth.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8')).sessions[stackInfo().apiUrl]).toBeTruthy();
  });

  it('takes the password from GSTACK_PASSWORD, and warns when it is given as --password', async () => {
    const env = baseEnv(mkdtempSync(path.join(os.tmpdir(), 'gstack-pw-')), teamA);
    const viaEnv = await run('gstack-sync', ['login', '--email', alice.email, '--json'], { ...env, GSTACK_PASSWORD: alice.password });
    expect(viaEnv.code).toBe(0);
    expect(viaEnv.stderr).toBe('');
    const viaFlag = await run('gstack-sync', ['login', '--email', alice.email, '--password', alice.password], env);
    expect(viaFlag.code).toBe(0);
    expect(viaFlag.stderr).toContain('warning: --password puts the password in the process list');
    const none = await run('gstack-sync', ['login', '--email', alice.email], env);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--password-stdin');
    const badEmail = await run('gstack-sync', ['login', '--email', 'alice', '--password-stdin'], env, undefined, 'x');
    expect(badEmail.code).toBe(2);
    expect(badEmail.stderr).toContain('--email: "alice" is not a valid email address');
  });

  it('refreshes an expired session on its own', async () => {
    const file = path.join(carol.state, 'auth.json');
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    const slot = doc.sessions[stackInfo().apiUrl] as Record<string, string>;
    const key = Object.keys(slot).find((k) => k.endsWith('-auth-token')) ?? '';
    const session = JSON.parse(slot[key] ?? '{}');
    session.expires_at = Math.floor(Date.now() / 1000) - 60;
    slot[key] = JSON.stringify(session);
    writeFileSync(file, JSON.stringify(doc));
    const test = await run('gstack-sync', ['test'], carol.env);
    expect(test.code).toBe(0);
    const refreshed = JSON.parse(JSON.parse(readFileSync(file, 'utf8')).sessions[stackInfo().apiUrl][key]);
    expect(refreshed.expires_at).toBeGreaterThan(Date.now() / 1000);
    expect(refreshed.refresh_token).not.toBe(session.refresh_token);
  });

  it('signs in through the browser flow with --no-browser', async () => {
    const email = `${unique('pkce')}@example.test`.toLowerCase();
    await serviceClient().auth.admin.createUser({ email, password: 'password-123', email_confirm: true });
    const state = mkdtempSync(path.join(os.tmpdir(), 'gstack-pkce-'));
    const child: ChildProcess = spawn(process.execPath, [path.join(binDir, 'gstack-sync.js'), 'login', '--no-browser'], {
      env: baseEnv(state, teamA),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    const url = await new Promise<string>((resolve) => {
      child.stderr?.on('data', (d: Buffer) => {
        stderr += d.toString();
        const match = /(http\S+\/auth\/v1\/authorize\S+)/.exec(stderr);
        if (match?.[1]) resolve(match[1]);
      });
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    // Play the browser: fill in the sign-in page and follow the redirect to the loopback callback.
    const html = await (await fetch(url)).text();
    const hidden = Object.fromEntries(
      [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], (m[2] ?? '').replaceAll('&amp;', '&')]),
    );
    const redirect = await fetch(new URL('authorize', url), {
      method: 'POST',
      body: new URLSearchParams({ ...hidden, email, password: 'password-123' }),
      redirect: 'manual',
    });
    const callback = redirect.headers.get('location') ?? '';
    expect(callback).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback\?code=/);
    expect((await fetch(callback)).status).toBe(200);
    expect(await exited).toBe(0);
    expect(stdout).toContain(`as ${email}`);
  });
});

describe('push', () => {
  it('lands a run in every table, once, readable by teammates only', async () => {
    const { file, runId } = resultFile(bob.state, 3);
    const first = await run('gstack-sync', ['push', file, '--json'], bob.env);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout).pushed).toEqual([{ label: path.basename(file), created: true, from_queue: false }]);
    expect(await countRows(runId)).toEqual({ eval_runs: 1, eval_results: 3, eval_attempts: 4, eval_costs: 3 });

    const again = await run('gstack-sync', ['push', file, '--json'], bob.env);
    expect(JSON.parse(again.stdout).pushed).toEqual([{ label: path.basename(file), created: false, from_queue: false }]);
    expect(await countRows(runId)).toEqual({ eval_runs: 1, eval_results: 3, eval_attempts: 4, eval_costs: 3 });

    const asAlice = await run('gstack-sync', ['show', 'evals', '--json'], alice.env);
    expect(JSON.parse(asAlice.stdout).map((r: { suite: string }) => r.suite)).toContain('smoke');
    const asCarol = await run('gstack-sync', ['show', 'evals', '--json'], { ...carol.env, GSTACK_TEAM: teamA });
    expect(asCarol.code).toBe(1);
    expect(asCarol.stderr).toContain(`team "${teamA}" not found, or you are not a member`);
    const carolsOwn = await run('gstack-sync', ['show', 'evals', '--json'], carol.env);
    expect(JSON.parse(carolsOwn.stdout)).toEqual([]);

    const beat = await serviceClient()
      .from('sync_heartbeats')
      .select('event, repo_slug')
      .eq('user_id', (await userId(bob.email)) ?? '');
    expect(beat.data).toEqual([{ event: 'push', repo_slug: 'acme-app' }]);
  });

  it("with no files pushes this repository's results not yet synced, and status lists the rest per repo", async () => {
    const dir = path.join(bob.state, 'projects', 'acme-app', 'evals');
    const runs = [resultFile(dirMade(dir)), resultFile(dir)];
    // Another repository's run, and one of this repo's made with --no-push: neither goes implicitly.
    const otherDir = dirMade(path.join(bob.state, 'projects', 'other-repo', 'evals'));
    const other = resultFile(otherDir, 3, { repo_slug: 'other-repo' });
    const held = resultFile(dir);
    writeFileSync(held.file.replace(/\.json$/, '.no-push'), '');
    // A checkout of acme-app (no git remote: the folder name is the slug).
    const checkout = dirMade(path.join(mkdtempSync(path.join(os.tmpdir(), 'gstack-repo-')), 'acme-app'));

    const first = await run('gstack-sync', ['push', '--json'], bob.env, checkout);
    expect(
      JSON.parse(first.stdout)
        .pushed.map((p: { label: string }) => p.label)
        .sort(),
    ).toEqual(runs.map((r) => path.basename(r.file)).sort());
    expect((await countRows(other.runId)).eval_runs).toBe(0);
    expect((await countRows(held.runId)).eval_runs).toBe(0);
    const second = await run('gstack-sync', ['push', '--json'], bob.env, checkout);
    expect(JSON.parse(second.stdout).pushed).toEqual([]);

    const status = JSON.parse((await run('gstack-sync', ['status', '--json'], bob.env, checkout)).stdout);
    expect(status.current_repo).toBe('acme-app');
    expect(status.pending).toEqual(
      expect.arrayContaining([
        { repo: 'acme-app', pending: 0, held: 1, unreadable: 0, current: true },
        { repo: 'other-repo', pending: 1, held: 0, unreadable: 0, current: false },
      ]),
    );
    // Named, the held run goes.
    const named = await run('gstack-sync', ['push', held.file, '--json'], bob.env, checkout);
    expect(JSON.parse(named.stdout).pushed).toHaveLength(1);
    expect((await countRows(held.runId)).eval_runs).toBe(1);
  });

  it('skips a run in which no model answered, unless --push-errors', async () => {
    const totals = { tests: 2, passed: 0, failed: 2, skipped: 0, errors: 2 };
    const { file, runId } = resultFile(bob.state, 2, { errored: true, totals, pass_rate: 0 });
    const skipped = await run('gstack-sync', ['push', file, '--json'], bob.env);
    expect(skipped.code).toBe(0);
    expect(skipped.stderr).toContain(`skipped: ${file}: no model answered 2 of 2 tests (the run errored); pass --push-errors`);
    expect(JSON.parse(skipped.stdout).pushed).toEqual([]);
    expect((await countRows(runId)).eval_runs).toBe(0);
    const forced = await run('gstack-sync', ['push', file, '--push-errors', '--json'], bob.env);
    expect(JSON.parse(forced.stdout).pushed).toHaveLength(1);
    expect((await countRows(runId)).eval_runs).toBe(1);
  });

  it('takes a CI token that can push but not read, and refuses it once revoked', async () => {
    const created = await run('gstack', ['team', 'token', 'create', 'ci', '--json'], alice.env);
    const token = JSON.parse(created.stdout).token as string;
    const ciState = mkdtempSync(path.join(os.tmpdir(), 'gstack-ci-'));
    const ci = { ...baseEnv(ciState, teamA), GSTACK_SYNC_TOKEN: token };
    const { file, runId } = resultFile(ciState, 2);
    const pushed = await run('gstack-sync', ['push', file], ci);
    expect(pushed.code).toBe(0);
    expect(await countRows(runId)).toMatchObject({ eval_runs: 1, eval_results: 2 });

    const read = await run('gstack-sync', ['show', 'evals'], ci);
    expect(read.code).toBe(1);
    expect(read.stderr).toContain('needs a signed-in person');

    expect((await run('gstack', ['team', 'token', 'revoke', 'ci'], alice.env)).code).toBe(0);
    const refused = await run('gstack-sync', ['push', resultFile(ciState, 1).file], ci);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('the ingest token is not valid');
  });

  it('refuses bad input before sending anything', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gstack-bad-'));
    const good = resultFile(dir, 1);
    const malformed = path.join(dir, 'malformed.json');
    writeFileSync(malformed, JSON.stringify({ schema_version: 1, suite: 'x', totals: { tests: 'many' } }));
    const future = path.join(dir, 'future.json');
    writeFileSync(future, JSON.stringify({ schema_version: 3, suite: 'x' }));
    const longName = resultFile(dir, 1);
    const doc = JSON.parse(readFileSync(longName.file, 'utf8'));
    doc.all_results[0].name = 'n'.repeat(600);
    writeFileSync(longName.file, JSON.stringify(doc));

    const result = await run('gstack-sync', ['push', good.file, malformed, future, longName.file], bob.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${malformed}: totals.tests: Invalid input: expected number, received string`);
    expect(result.stderr).toContain(`${future}: schema_version: this gstack reads version 1 and 2 result files, not 3`);
    expect(result.stderr).toContain(`${longName.file}: all_results[0].name: 600 characters; at most 500`);
    expect(result.stderr).toContain('nothing was pushed');
    expect(await countRows(good.runId)).toMatchObject({ eval_runs: 0 });
  });

  it('a failed background push is shown by every command until a push of the file lands', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gstack-failed-bg-'));
    const { file } = resultFile(dir, 1);
    // What a background push that was refused leaves behind.
    writeFileSync(
      path.join(bob.state, 'sync-push-failures.json'),
      JSON.stringify({ failures: [{ file, reason: 'refused: not a member', at: new Date().toISOString() }] }),
    );
    const before = await run('gstack', ['eval', 'list'], bob.env);
    expect(before.stderr).toContain(`warning: the background push of ${file} failed: refused: not a member`);
    const pushed = await run('gstack-sync', ['push', file], bob.env);
    expect(pushed.code).toBe(0);
    const after = await run('gstack', ['eval', 'list'], bob.env);
    expect(after.stderr).not.toContain('background push');
  });

  it('pushes a run with an answer over the store limit, cut with a marker (it was refused)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gstack-huge-'));
    const huge = resultFile(dir, 1);
    const doc = JSON.parse(readFileSync(huge.file, 'utf8'));
    doc.all_results[0].output = 'x'.repeat(2_000_000);
    writeFileSync(huge.file, JSON.stringify(doc));
    const result = await run('gstack-sync', ['push', huge.file], bob.env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('pushed 1 run');
    // The stored document (eval_runs.result) holds the answer, cut.
    const stored = await serviceClient().from('eval_runs').select('result').eq('run_key', huge.runId);
    const output = (stored.data?.[0]?.result as { all_results?: Array<{ output?: string }> } | undefined)?.all_results?.[0]?.output ?? '';
    expect(output.length).toBe(200_000);
    expect(output).toMatch(/\n…\[truncated by gstack: 2000000 characters, the first \d+ kept\]$/);
  });
});

describe('setup and pull', () => {
  it('writes .gstack-sync.json from flags, refusing a secret key', async () => {
    const repo = mkdtempSync(path.join(os.tmpdir(), 'gstack-repo-'));
    mkdirSync(path.join(repo, '.git'));
    mkdirSync(path.join(repo, 'src'));
    const env = { PATH: process.env.PATH ?? '', HOME: repo, GSTACK_STATE_DIR: path.join(repo, 'state') };
    const refused = await run(
      'gstack-sync',
      ['setup', '--url', stackInfo().apiUrl, '--anon-key', stackInfo().secretKey, '--team', teamA],
      env,
      path.join(repo, 'src'),
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--anon-key: a secret or service-role key must never be stored here');
    const ok = await run(
      'gstack-sync',
      ['setup', '--url', `${stackInfo().apiUrl}/`, '--anon-key', stackInfo().publishableKey, '--team', teamA],
      env,
      path.join(repo, 'src'),
    );
    expect(ok.code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(repo, '.gstack-sync.json'), 'utf8'))).toEqual({
      supabase_url: stackInfo().apiUrl,
      anon_key: stackInfo().publishableKey,
      team_slug: teamA,
    });
    const status = JSON.parse((await run('gstack-sync', ['status', '--json'], env, repo)).stdout);
    expect(status).toMatchObject({ configured: true, team: { value: teamA, source: '.gstack-sync.json' }, signed_in: false });
  });

  it("pulls the team's result documents", async () => {
    const pulled = JSON.parse((await run('gstack-sync', ['pull', '--json'], alice.env)).stdout);
    expect(pulled.runs).toBeGreaterThanOrEqual(1);
    expect(pulled.dir).toBe(path.join(alice.state, 'team', teamA, 'evals'));
    const files = readdirSync(pulled.dir);
    expect(files).toHaveLength(pulled.runs);
    const doc = JSON.parse(readFileSync(path.join(pulled.dir, files[0] ?? ''), 'utf8'));
    expect(doc.schema_version).toBe(1);
  });
});

describe('gstack eval run with sync configured', () => {
  it('pushes the result in the background and records an eval_run heartbeat', async () => {
    const example = fileURLToPath(new URL('../../../../docs/examples/capitals.yaml', import.meta.url));
    const evalRun = await run('gstack', ['eval', 'run', example, '--json'], alice.env);
    expect(evalRun.code).toBe(0);
    const runId = JSON.parse(evalRun.stdout).run_id as string;
    const rows = await eventually('the background push to land', async () => {
      const counts = await countRows(runId);
      return counts.eval_runs === 1 ? counts : undefined;
    });
    expect(rows).toEqual({ eval_runs: 1, eval_results: 4, eval_attempts: 5, eval_costs: 3 });
    // The heartbeat goes after the push's rows are in, from the same background process.
    const alicesId = await userId(alice.email);
    const events = await eventually('the eval_run heartbeat', async () => {
      const beats = await serviceClient()
        .from('sync_heartbeats')
        .select('event')
        .eq('user_id', alicesId ?? '');
      const found = (beats.data ?? []).map((b) => b.event);
      return found.includes('eval_run') ? found : undefined;
    });
    expect(events).toContain('eval_run');

    // A run made with --no-push stays local through a bare push, and goes when named.
    const noPush = await run('gstack', ['eval', 'run', example, '--json', '--no-push'], alice.env);
    const quietId = JSON.parse(noPush.stdout).run_id as string;
    const later = await run('gstack-sync', ['push', '--json'], alice.env);
    expect(later.code).toBe(0);
    expect((await countRows(quietId)).eval_runs).toBe(0);
    const evalsDir = path.join(alice.state, 'projects', path.basename(os.tmpdir()).toLowerCase(), 'evals');
    const quietFile = readdirSync(evalsDir)
      .map((f) => path.join(evalsDir, f))
      .find((f) => f.endsWith('.json') && readFileSync(f, 'utf8').includes(quietId));
    expect(quietFile).toBeDefined();
    const named = await run('gstack-sync', ['push', quietFile ?? '', '--json'], alice.env);
    expect(
      JSON.parse(named.stdout)
        .pushed.map((p: { label: string }) => p.label)
        .join(),
    ).toContain('capitals');
    expect((await countRows(quietId)).eval_runs).toBe(1);
  });
});

describe('the team-shared judge cache', () => {
  it("reuses a teammate's verdicts where the team allows it: an unchanged suite costs the second person nothing to judge", async () => {
    const example = fileURLToPath(new URL('../../../../docs/examples/capitals.yaml', import.meta.url));
    // By default a run reuses only its own and CI tokens' verdicts; the admin allows members' (issue 23, item 5).
    expect((await run('gstack', ['team', 'set', 'judge-cache-trust-members', 'true'], alice.env)).code).toBe(0);
    // Alice judges the suite (or already has): her verdicts are shared with team A.
    expect((await run('gstack', ['eval', 'run', example, '--no-push'], alice.env)).code).toBe(0);
    const shared = await serviceClient()
      .from('judge_cache')
      .select('cache_key', { count: 'exact', head: true })
      .eq('team_id', (await teamIdOf(teamA)) ?? '');
    expect(shared.count).toBe(4); // three verifier verdicts and one judge verdict

    // Bob's machine has never judged this suite.
    const second = JSON.parse((await run('gstack', ['eval', 'run', example, '--json', '--no-push'], bob.env)).stdout);
    expect(second.cache).toEqual({ hits: 4, misses: 0 });
    expect(second.judge_cost_usd).toBe(0);
    expect(second.all_results.find((r: { name: string }) => r.name === 'canada-explained').judge[0].cached).toBe(true);

    // Carol's team has its own cache: nothing to reuse.
    const other = JSON.parse((await run('gstack', ['eval', 'run', example, '--json', '--no-push'], carol.env)).stdout);
    expect(other.cache.hits).toBe(0);

    // An admin purges one writer's verdicts (a member may not; naming no writer is a usage error).
    expect((await run('gstack', ['team', 'purge-verdicts'], alice.env)).code).toBe(2);
    const notAdmin = await run('gstack', ['team', 'purge-verdicts', alice.email], bob.env);
    expect(notAdmin.code).toBe(1);
    expect(notAdmin.stderr).toContain('only an admin');
    const purged = await run('gstack', ['team', 'purge-verdicts', alice.email], alice.env);
    expect(purged.stdout).toBe(`purged 4 verdicts written by ${alice.email} from ${teamA}'s judge cache\n`);
    const left = await serviceClient()
      .from('judge_cache')
      .select('cache_key', { count: 'exact', head: true })
      .eq('team_id', (await teamIdOf(teamA)) ?? '');
    expect(left.count).toBe(0);
  });
});

describe('activity records', () => {
  it('pushes a ship log once, and refuses a malformed one naming the field', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gstack-ship-'));
    const ship = path.join(dir, 'ship.json');
    const sha = randomUUID().replace(/-/g, '').slice(0, 12);
    writeFileSync(
      ship,
      JSON.stringify({
        repo_slug: 'acme-app',
        git_sha: sha,
        version: '1.2.0',
        title: 'Faster evals',
        shipped_at: new Date().toISOString(),
      }),
    );
    const first = JSON.parse((await run('gstack-sync', ['push-ship', ship, '--json'], alice.env)).stdout);
    expect(first.pushed).toEqual([{ label: `ship acme-app/${sha}`, created: true, from_queue: false }]);
    const again = JSON.parse((await run('gstack-sync', ['push-ship', ship, '--json'], alice.env)).stdout);
    expect(again.pushed[0].created).toBe(false);
    const rows = await serviceClient().from('ship_logs').select('title').eq('git_sha', sha);
    expect(rows.data).toEqual([{ title: 'Faster evals' }]);

    writeFileSync(ship, JSON.stringify([{ repo_slug: 'acme-app', git_sha: 'not-a-sha', shipped_at: 'yesterday' }]));
    const bad = await run('gstack-sync', ['push-ship', ship], alice.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${ship}: [0]: git_sha: a git commit sha`);
    expect(bad.stderr).toContain('shipped_at');
  });

  it('pushes session summaries (opt-in), skips unchanged sessions and re-pushes grown ones', async () => {
    const claude = mkdtempSync(path.join(os.tmpdir(), 'gstack-claude-'));
    const project = path.join(claude, 'projects', '-home-dev-acme-app');
    mkdirSync(project, { recursive: true });
    const sessionId = randomUUID();
    const file = path.join(project, `${sessionId}.jsonl`);
    writeFileSync(
      file,
      `${sessionLines([`Rotate the key ${FAKE_ANTHROPIC_KEY} in prod config`])
        .join('\n')
        .replaceAll('s-1', sessionId)}\n`,
    );
    const args = ['push-transcript', '--claude-dir', claude, '--json'];

    const off = await run('gstack-sync', args, alice.env);
    expect(off.code).toBe(2);
    expect(off.stderr).toContain('opt-in');
    expect((await run('gstack-sync', ['prefs', 'sync_transcripts', 'true'], alice.env)).code).toBe(0);

    const first = JSON.parse((await run('gstack-sync', args, alice.env)).stdout);
    expect(first.pushed).toEqual([{ label: `session ${sessionId}`, created: true, from_queue: false }]);
    const row = async () =>
      (
        await serviceClient()
          .from('session_transcripts')
          .select('turns, tool_calls, tools, summary, repo_slug')
          .eq('session_id', sessionId)
          .single()
      ).data;
    expect(await row()).toEqual({
      turns: 1,
      tool_calls: 3,
      tools: { Read: 2, Edit: 1 },
      summary: 'Rotate the key [REDACTED_ANTHROPIC_KEY] in prod config',
      repo_slug: 'acme-app',
    });

    expect(JSON.parse((await run('gstack-sync', args, alice.env)).stdout).pushed).toEqual([]);

    appendFileSync(file, `${sessionLines(['Now write the migration'], ['Bash']).join('\n').replaceAll('s-1', sessionId)}\n`);
    const grown = JSON.parse((await run('gstack-sync', args, alice.env)).stdout);
    expect(grown.pushed).toHaveLength(1);
    expect(await row()).toMatchObject({ turns: 2, tool_calls: 4, tools: { Read: 2, Edit: 1, Bash: 1 } });
  });
});

describe('the offline queue', () => {
  it('queues what the gateway did not take, returns promptly, and drains every run exactly once', async () => {
    const relay = await new Relay().start();
    const env = { ...bob.env, GSTACK_SUPABASE_URL: relay.url };
    // auth.json is keyed by URL: sign in through the relay's URL.
    expect((await run('gstack-sync', ['login', '--email', bob.email, '--password', bob.password], env)).code).toBe(0);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gstack-queue-'));
    const runs = Array.from({ length: 5 }, () => resultFile(dir, 2));
    relay.budget = 3; // team lookup + two runs, then the gateway "goes down"
    const push = await run('gstack-sync', ['push', ...runs.map((r) => r.file), '--json'], env);
    expect(push.code).toBe(0);
    expect(push.ms).toBeLessThan(15_000);
    const outcome = JSON.parse(push.stdout);
    expect(outcome.pushed.length + outcome.queued.length).toBe(5);
    expect(outcome.queued.length).toBeGreaterThan(0);

    const status = await run('gstack-sync', ['status', '--json'], env);
    expect(JSON.parse(status.stdout).queue.entries).toBe(outcome.queued.length);

    await relay.start(relay.port);
    relay.budget = Number.POSITIVE_INFINITY;
    const drain = await run('gstack-sync', ['drain', '--json'], env);
    expect(drain.code).toBe(0);
    expect(JSON.parse(drain.stdout)).toMatchObject({ remaining: 0, reachable: true });
    for (const r of runs) expect(await countRows(r.runId)).toEqual({ eval_runs: 1, eval_results: 2, eval_attempts: 3, eval_costs: 3 });
    await relay.stop();
  });

  it('moves a corrupt line aside and drains the rest; racing pushes lose nothing', async () => {
    const relay = await new Relay().start();
    const env = { ...carol.env, GSTACK_SUPABASE_URL: relay.url };
    expect((await run('gstack-sync', ['login', '--email', carol.email, '--password', carol.password], env)).code).toBe(0);
    await relay.stop();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gstack-race-'));
    const runs = Array.from({ length: 6 }, () => resultFile(dir, 1));
    // Two pushes at once against a store that is down: both must end up queued.
    const [a, b] = await Promise.all([
      run('gstack-sync', ['push', ...runs.slice(0, 3).map((r) => r.file)], env),
      run('gstack-sync', ['push', ...runs.slice(3).map((r) => r.file)], env),
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(a.stdout).toContain('queued 3 for later');
    const queueFile = path.join(carol.state, 'sync-queue.jsonl');
    appendFileSync(queueFile, '{"id": "half a line\n');

    await relay.start(relay.port);
    const drain = await run('gstack-sync', ['drain', '--json'], env);
    expect(drain.stderr).toContain('moved 1 unreadable queue line aside');
    expect(readFileSync(path.join(carol.state, 'sync-queue.corrupt.jsonl'), 'utf8')).toContain('half a line');
    expect(JSON.parse(drain.stdout).pushed).toHaveLength(6);
    for (const r of runs) expect((await countRows(r.runId)).eval_runs).toBe(1);
    await relay.stop();
  });

  it('dead-letters an entry the store refuses for good, and says so in status', async () => {
    const relay = await new Relay().start();
    const env = { ...bob.env, GSTACK_SUPABASE_URL: relay.url };
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gstack-dead-'));
    const { file } = resultFile(dir, 1);
    expect((await run('gstack-sync', ['login', '--email', bob.email, '--password', bob.password], env)).code).toBe(0);
    await relay.stop();
    const queued = await run('gstack-sync', ['push', file], env);
    expect(queued.code).toBe(0);
    expect(queued.stdout).toContain('queued 1 for later');
    // While it waited, bob was removed from the team.
    const removed = await run('gstack', ['team', 'remove', bob.email], alice.env);
    expect(removed.code).toBe(0);
    await relay.start(relay.port);
    const drain = await run('gstack-sync', ['drain'], env);
    expect(drain.stderr).toContain('dead letter');
    const status = JSON.parse((await run('gstack-sync', ['status', '--json'], env)).stdout);
    expect(status.queue.entries).toBe(0);
    expect(status.dead_letters).toHaveLength(1);
    expect(status.dead_letters[0].reason).toContain('not found, or you are not a member');
    await relay.stop();
  });
});

function dirMade(dir: string): string {
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  return dir;
}

async function teamIdOf(slug: string): Promise<string | undefined> {
  const { data } = await serviceClient().from('teams').select('id').eq('slug', slug).single();
  return data?.id;
}

async function userId(email: string): Promise<string | undefined> {
  const { data } = await serviceClient().auth.admin.listUsers({ perPage: 1000 });
  return data.users.find((u) => u.email === email)?.id;
}
