/**
 * `gstack ci report` end to end: runs pushed through the real CLI to the local
 * stack, the report run as CI runs it (a CI ingest token, GitHub Actions'
 * variables), and a local HTTP server standing in for GitHub's REST API with the
 * documented endpoints, reached through the real client (@octokit/request).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CI_COMMENT_MARKER, type StandardEvalResult } from '@gstack/core';
import { eventually, serviceClient, sinkMessages, stackInfo, unique } from '@gstack/local-stack/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { binDir } from '../../testing/cli.ts';
import { makeRun, type RunSpec } from '../../testing/history.ts';
import { baseEnv, type Person, person, run } from '../../testing/people.ts';

interface Comment {
  id: number;
  body: string;
  html_url: string;
  user: { login: string; type: string };
}

/** A fork's token: it reads, GitHub refuses its writes with 403 "Resource not accessible by integration". */
const READ_ONLY = 'ghs_read_only_fork_token';

/** GitHub's issue-comment endpoints, as documented, for one repository; every request is recorded. */
function fakeGitHub(token: string) {
  const comments: Comment[] = [
    {
      id: 1,
      body: 'LGTM, but see the evals',
      html_url: 'https://github.test/acme/app/pull/7#issuecomment-1',
      user: { login: 'ada', type: 'User' },
    },
  ];
  const requests: Array<{ method: string; path: string; auth: string | undefined; version: string | undefined }> = [];
  let nextId = 100;
  const read = async (req: IncomingMessage) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    return JSON.parse(body || '{}') as { body?: string };
  };
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push({
      method: req.method ?? '',
      path: url.pathname + url.search,
      auth: req.headers.authorization,
      version: req.headers['x-github-api-version'] as string | undefined,
    });
    const send = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    const readOnly = req.headers.authorization === `Bearer ${READ_ONLY}`;
    if (req.headers.authorization !== `Bearer ${token}` && !readOnly) return send(401, { message: 'Bad credentials' });
    if (readOnly && req.method !== 'GET') return send(403, { message: 'Resource not accessible by integration' });
    if (req.method === 'GET' && url.pathname === '/api/v3/repos/acme/app/issues/7/comments') {
      const perPage = Number(url.searchParams.get('per_page') ?? 30);
      const page = Number(url.searchParams.get('page') ?? 1);
      return send(200, comments.slice((page - 1) * perPage, page * perPage));
    }
    if (req.method === 'POST' && url.pathname === '/api/v3/repos/acme/app/issues/7/comments') {
      const { body } = await read(req);
      const comment = {
        id: nextId++,
        body: body ?? '',
        html_url: `https://github.test/acme/app/pull/7#issuecomment-${nextId}`,
        user: { login: 'github-actions[bot]', type: 'Bot' },
      };
      comments.push(comment);
      return send(201, comment);
    }
    const patch = /^\/api\/v3\/repos\/acme\/app\/issues\/comments\/(\d+)$/.exec(url.pathname);
    if (req.method === 'PATCH' && patch) {
      const comment = comments.find((c) => c.id === Number(patch[1]));
      if (!comment) return send(404, { message: 'Not Found' });
      // The Actions token edits only its own comments.
      if (comment.user.type !== 'Bot') return send(403, { message: 'Resource not accessible by integration' });
      comment.body = (await read(req)).body ?? '';
      return send(200, comment);
    }
    send(404, { message: 'Not Found' });
  });
  return { server, comments, requests };
}

const teamSlug = unique('ci').replace(/_/g, '-').toLowerCase();
const hook = `/ci-report/${teamSlug}`;
const dir = mkdtempSync(path.join(os.tmpdir(), 'gstack-ci-'));
const githubToken = 'ghs_fake_token_for_tests';
const github = fakeGitHub(githubToken);
let admin: Person;
let ci: Record<string, string>;
let actions: Record<string, string>;
let summary: string;
let dashboardUrl: string;
let teamId: string;

function writeRun(
  spec: RunSpec,
  name: string,
  change: (doc: StandardEvalResult) => void = () => {},
): { file: string; doc: StandardEvalResult } {
  const doc = makeRun(spec);
  change(doc);
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(doc));
  return { file, doc };
}

const pr = (doc: StandardEvalResult) => {
  doc.git = { branch: 'feature/faster', sha: 'f00dfeed0000' };
};

beforeAll(async () => {
  await new Promise<void>((resolve) => github.server.listen(0, '127.0.0.1', resolve));
  const port = (github.server.address() as AddressInfo).port;
  admin = await person(teamSlug);
  expect((await run('gstack', ['team', 'create', teamSlug], admin.env)).code).toBe(0);
  teamId = ((await serviceClient().from('teams').select('id').eq('slug', teamSlug).single()).data as { id: string }).id;
  dashboardUrl = `https://dash.example/t/${teamSlug}`;
  expect((await run('gstack', ['team', 'set', 'dashboard-url', dashboardUrl], admin.env)).code).toBe(0);
  expect((await run('gstack', ['team', 'set', 'slack-webhook', `${stackInfo().slackSinkUrl}${hook}`], admin.env)).code).toBe(0);
  const minted = await run('gstack', ['team', 'token', 'create', 'github-actions', '--json'], admin.env);
  expect(minted.code, minted.stderr).toBe(0);
  ci = {
    ...baseEnv(mkdtempSync(path.join(os.tmpdir(), 'gstack-ci-state-')), teamSlug),
    GSTACK_SYNC_TOKEN: JSON.parse(minted.stdout).token,
  };
  // main's history, oldest first: "wobbly" passes and fails in turn (core's classifier: flaky); the rest always pass.
  for (const [i, wobbly] of [true, false, true, false, true].entries()) {
    const { file } = writeRun({ hoursAgo: 10 - i, tests: { a: true, b: true, c: true, wobbly } }, `main-${i}`);
    const pushed = await run('gstack-sync', ['push', file], admin.env);
    expect(pushed.code, pushed.stderr).toBe(0);
  }
  const event = path.join(dir, 'event.json');
  writeFileSync(
    event,
    JSON.stringify({
      action: 'synchronize',
      number: 7,
      pull_request: { number: 7, html_url: 'https://github.test/acme/app/pull/7', base: { ref: 'main' }, head: { ref: 'feature/faster' } },
      repository: { default_branch: 'main', full_name: 'acme/app' },
    }),
  );
  summary = path.join(dir, 'summary.md');
  actions = {
    GITHUB_ACTIONS: 'true',
    GITHUB_API_URL: `http://127.0.0.1:${port}/api/v3`,
    GITHUB_REPOSITORY: 'acme/app',
    GITHUB_EVENT_PATH: event,
    GITHUB_STEP_SUMMARY: summary,
  };
});

afterAll(() => new Promise<void>((resolve) => github.server.close(() => resolve())));

describe('gstack ci report on a pull request', () => {
  let first: { code: number | null; stdout: string; stderr: string };
  let firstRun: StandardEvalResult;

  it('first report: a known-flaky failure does not gate; one comment is created, the summary written', async () => {
    const { file, doc } = writeRun({ hoursAgo: 0, tests: { a: true, b: true, c: true, wobbly: false } }, 'pr-1', pr);
    firstRun = doc;
    first = await run('gstack', ['ci', 'report', file], { ...ci, ...actions, GITHUB_TOKEN: githubToken });
    expect(first.code, first.stderr).toBe(0);
    expect(github.comments.filter((c) => c.body.startsWith(CI_COMMENT_MARKER))).toHaveLength(1);
    expect(github.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/v3/repos/acme/app/issues/7/comments?per_page=100&page=1',
      'POST /api/v3/repos/acme/app/issues/7/comments',
    ]);
    expect(github.requests.every((r) => r.auth === `Bearer ${githubToken}` && r.version === '2022-11-28')).toBe(true);
    const body = github.comments.at(-1)?.body ?? '';
    expect(body).toContain('## ✅ gstack evals: nothing newly broken against the baseline');
    expect(body).toContain('| `wobbly` | flaky (known) | ✗ | ✓ | known-flaky: never gates |');
    expect(body).toContain('flaky (known) **1**');
    expect(readFileSync(summary, 'utf8')).toBe(first.stdout);
  });

  it('links the dashboard: the run, and the compare view of the run against its baseline (the latest main run)', async () => {
    const runs = await serviceClient().from('eval_runs').select('id, branch, team_id').in('run_key', [firstRun.run_id]);
    const head = runs.data?.[0] as { id: string; branch: string; team_id: string };
    expect(head.branch).toBe('feature/faster');
    const base = await serviceClient()
      .from('eval_runs')
      .select('id')
      .eq('team_id', head.team_id)
      .eq('branch', 'main')
      .eq('repo_slug', 'acme-app')
      .order('run_at', { ascending: false })
      .limit(1)
      .single();
    const body = github.comments.at(-1)?.body ?? '';
    expect(body).toContain(`[this run](${dashboardUrl}/runs/${head.id})`);
    expect(body).toContain(`[compare with the baseline](${dashboardUrl}/compare?base=${base.data?.id}&head=${head.id})`);
    const recorded = await serviceClient().from('ci_reports').select('*').eq('run_id', head.id).single();
    expect(recorded.data).toMatchObject({
      gated: false,
      pull_request: 7,
      pull_request_url: 'https://github.test/acme/app/pull/7',
      baseline_run_id: base.data?.id,
      counts: { flaky: 1, passing: 3, 'newly-failing': 0 },
    });
  });

  let second: { code: number | null; stdout: string; stderr: string };
  it('second report: a new failure gates (exit 1) and the same comment is updated, not a second one posted', async () => {
    // A reviewer's older comment pasted a report (from another pull request) whole: it starts with the marker too.
    const bot = github.comments.find((c) => c.user.type === 'Bot') as Comment;
    github.comments.unshift({ id: 99, body: bot.body, html_url: 'https://github.test/x', user: { login: 'ada', type: 'User' } });
    github.requests.length = 0;
    const { file } = writeRun({ hoursAgo: 0, tests: { a: false, b: true, c: true, wobbly: true } }, 'pr-2', pr);
    second = await run('gstack', ['ci', 'report', file], { ...ci, ...actions, GITHUB_TOKEN: githubToken });
    expect(second.code, second.stderr).toBe(1);
    const ours = github.comments.filter((c) => c.body.startsWith(CI_COMMENT_MARKER) && c.user.type === 'Bot');
    expect(ours).toHaveLength(1);
    expect(github.comments).toHaveLength(3); // the reviewer's two comments and ours
    expect(github.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/v3/repos/acme/app/issues/7/comments?per_page=100&page=1',
      `PATCH /api/v3/repos/acme/app/issues/comments/${ours[0]?.id}`,
    ]);
    expect(ours[0]?.body).toContain('## ❌ gstack evals: the gate stopped this run');
    expect(ours[0]?.body).toContain('| `a` | newly failing | ✗ | ✓ | **gates** |');
    expect(ours[0]?.body).toContain('"a" newly fails (it passed on the baseline and is not known-flaky)');
    expect(second.stderr).toContain('updated the pull-request comment');
    // The summary gets every report appended.
    expect(readFileSync(summary, 'utf8')).toBe(first.stdout + second.stdout);
    const recorded = await serviceClient()
      .from('ci_reports')
      .select('gated, pull_request, reasons')
      .eq('team_id', teamId)
      .eq('pull_request', 7)
      .eq('gated', true);
    expect(recorded.data).toHaveLength(1);
  });

  it("the pull request's gated run never posts to the team's Slack (its branch does not alert); the verdict is in the store", async () => {
    const runs = await serviceClient().from('eval_runs').select('id').eq('team_id', teamId).eq('branch', 'feature/faster');
    const ids = (runs.data ?? []).map((r) => r.id as string);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    const deliveries = await eventually('the regression-alert decisions on the pull request runs', async () => {
      const { data } = await serviceClient().from('alert_deliveries').select('run_id, decision, status, detail').in('run_id', ids);
      return data && data.length === ids.length && data.every((d) => d.status !== 'processing') ? data : undefined;
    });
    // The gated run (a newly fails) is a regression against main, and skipped for its branch.
    expect(deliveries.filter((d) => d.decision === 'regression')).toEqual([
      expect.objectContaining({ status: 'skipped', detail: expect.objectContaining({ reason: 'branch_not_alerting' }) }),
    ]);
    const posted = await sinkMessages(hook);
    expect(posted.filter((m) => JSON.stringify(m.payload).includes('feature/faster'))).toEqual([]);
  });

  it('no GITHUB_TOKEN (a fork): the job summary only, the same exit code, no request to GitHub', async () => {
    github.requests.length = 0;
    const before = readFileSync(summary, 'utf8');
    const { file } = writeRun({ hoursAgo: 0, tests: { a: false, b: true, c: true, wobbly: true } }, 'pr-3', pr);
    const fork = await run('gstack', ['ci', 'report', file], { ...ci, ...actions });
    expect(fork.code, fork.stderr).toBe(1);
    expect(fork.stderr).toContain('no GITHUB_TOKEN: the report is in the job summary only');
    expect(github.requests).toEqual([]);
    expect(readFileSync(summary, 'utf8')).toBe(before + fork.stdout);
    expect(fork.stdout).toContain('| `a` | newly failing | ✗ | ✓ | **gates** |');
  });

  it("a token that cannot write (a fork's): the comment is refused, a note says why, the same exit code", async () => {
    github.requests.length = 0;
    const { file } = writeRun({ hoursAgo: 0, tests: { a: false, b: true, c: true, wobbly: true } }, 'pr-read-only', pr);
    const out = await run('gstack', ['ci', 'report', file], { ...ci, ...actions, GITHUB_TOKEN: READ_ONLY });
    expect(out.code, out.stderr).toBe(1);
    expect(github.requests.map((r) => r.method)).toEqual(['GET', 'PATCH']);
    expect(out.stderr).toContain(
      'note: the pull-request comment was not written: GitHub answered 403: Resource not accessible by integration',
    );
    expect(out.stderr).toContain('(the token cannot write to this pull request');
    expect(github.comments.filter((c) => c.body.startsWith(CI_COMMENT_MARKER) && c.user.type === 'Bot')).toHaveLength(1);
  });

  it("a workflow_run job reporting a fork's results: --pull-request names the pull request, --branch keeps them off main", async () => {
    github.requests.length = 0;
    const event = path.join(dir, 'workflow-run.json');
    writeFileSync(
      event,
      JSON.stringify({ action: 'completed', workflow_run: { pull_requests: [] }, repository: { default_branch: 'main' } }),
    );
    // The fork named its branch "main": the result file says so.
    const { file, doc } = writeRun({ hoursAgo: 0, tests: { a: true, b: true, c: true, wobbly: true } }, 'fork', (d) => {
      d.git = { branch: 'main', sha: 'f0f0f0f0' };
    });
    const out = await run('gstack', ['ci', 'report', file, '--pull-request', '7', '--branch', 'evil/app:main'], {
      ...ci,
      ...actions,
      GITHUB_EVENT_PATH: event,
      GITHUB_SERVER_URL: 'https://github.test',
      GITHUB_TOKEN: githubToken,
    });
    expect(out.code, out.stderr).toBe(0);
    expect(github.requests.map((r) => r.method)).toEqual(['GET', 'PATCH']);
    const stored = await serviceClient().from('eval_runs').select('id, branch').eq('run_key', doc.run_id).single();
    expect(stored.data?.branch).toBe('evil/app:main');
    const recorded = await serviceClient()
      .from('ci_reports')
      .select('pull_request, pull_request_url')
      .eq('run_id', stored.data?.id)
      .single();
    expect(recorded.data).toEqual({ pull_request: 7, pull_request_url: 'https://github.test/acme/app/pull/7' });
    // Its baseline is still main's latest run, not itself or another fork run.
    expect(out.stdout).toContain('against the baseline on `main`');
  });

  it('--json gives the classification and the exit code', async () => {
    const { file } = writeRun({ hoursAgo: 0, tests: { a: false, b: true, c: true, wobbly: true } }, 'pr-4', pr);
    const out = await run('gstack', ['ci', 'report', file, '--json', '--no-comment'], ci);
    expect(out.code, out.stderr).toBe(1);
    const json = JSON.parse(out.stdout);
    expect(json.exit_code).toBe(1);
    expect(json.reports[0].counts).toEqual({ newly_failing: 1, flaky: 0, still_failing: 0, fixed: 0, new: 0, removed: 0, passing: 3 });
    expect(json.reports[0].tests.map((t: { name: string; class: string }) => [t.name, t.class])).toEqual([
      ['a', 'newly-failing'],
      ['b', 'passing'],
      ['c', 'passing'],
      ['wobbly', 'passing'],
    ]);
    expect(json.reports[0].pass_rate).toEqual({ run: 75, baseline: 100, delta: -25 });
  });
});

describe('gstack ci report when no report can be produced', () => {
  it('the team store unreachable: exit 4, and the summary says why', async () => {
    const { file } = writeRun({ hoursAgo: 0, tests: { a: true } }, 'offline', pr);
    const offlineSummary = path.join(dir, 'offline-summary.md');
    const env = { ...ci, GSTACK_SUPABASE_URL: 'http://127.0.0.1:9', GITHUB_STEP_SUMMARY: offlineSummary };
    const out = await run('gstack', ['ci', 'report', file], env);
    expect(out.code, out.stderr).toBe(4);
    expect(readFileSync(offlineSummary, 'utf8')).toMatch(
      /^<!-- gstack-ci-report -->\n\n## ⚠️ gstack evals: a report could not be produced\n\n- .*unreachable/,
    );
  });

  it('a run id the store does not have: exit 4 naming it', async () => {
    const out = await run('gstack', ['ci', 'report', 'no-such-run-key'], ci);
    expect(out.code, out.stderr).toBe(4);
    expect(out.stdout).toContain('no run no-such-run-key in the team store');
  });

  it('no run of this commit: a usage error (exit 2)', async () => {
    const out = await run('gstack', ['ci', 'report'], ci);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^error: no local run of this commit/);
  });
});

describe('the composite action (action.yml)', () => {
  const action = parse(readFileSync(path.join(binDir, '../../../action.yml'), 'utf8'));
  const script: string = action.runs.steps[0].run;
  /** Runs the action's step as GitHub would: bash, the inputs in the environment. */
  function step(inputs: Record<string, string>, env: Record<string, string>) {
    const output = path.join(mkdtempSync(path.join(os.tmpdir(), 'gstack-action-')), 'output');
    writeFileSync(output, '');
    const defaults = Object.fromEntries(
      Object.entries(action.inputs as Record<string, { default?: string }>).map(([k, v]) => [
        `INPUT_${k.toUpperCase().replace(/-/g, '_')}`,
        String(v.default ?? '').startsWith('${{') ? '' : String(v.default ?? ''),
      ]),
    );
    const result = spawnSync('bash', ['-e', '-c', script], {
      cwd: os.tmpdir(),
      env: { ...env, ...defaults, INPUT_GSTACK: `${process.execPath} ${path.join(binDir, 'gstack.js')}`, GITHUB_OUTPUT: output, ...inputs },
      encoding: 'utf8',
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr, outputs: readFileSync(output, 'utf8') };
  }

  it('runs the same report, passes its exit code through and sets its outputs; an input cannot inject shell', async () => {
    const marker = path.join(dir, 'injected');
    const { doc } = writeRun({ hoursAgo: 0, tests: { a: false, b: true, c: true, wobbly: true } }, 'action-run', pr);
    const out = step(
      { INPUT_RUNS: path.join(dir, 'action-*.json'), INPUT_BRANCH: `$(touch ${marker})`, INPUT_COMMENT: 'false' },
      { ...ci, GITHUB_STEP_SUMMARY: path.join(dir, 'action-summary.md') },
    );
    expect(out.code, out.stderr).toBe(1);
    expect(out.outputs).toBe('exit-code=1\nresult=stopped\n');
    expect(existsSync(marker)).toBe(false);
    const stored = await serviceClient().from('eval_runs').select('branch').eq('run_key', doc.run_id).single();
    expect(stored.data?.branch).toBe(`$(touch ${marker})`);
    expect(readFileSync(path.join(dir, 'action-summary.md'), 'utf8')).toContain('| `a` | newly failing | ✗ | ✓ | **gates** |');
  });

  it('allow-unavailable: a report that could not be produced warns and passes the job, result "unavailable"', () => {
    const strict = step({ INPUT_RUNS: 'no-such-run-key' }, ci);
    expect(strict.code).toBe(4);
    const lenient = step({ INPUT_RUNS: 'no-such-run-key', INPUT_ALLOW_UNAVAILABLE: 'true' }, ci);
    expect(lenient.code).toBe(0);
    expect(lenient.outputs).toBe('exit-code=4\nresult=unavailable\n');
    expect(lenient.stdout).toContain('::warning title=gstack ci report::no report could be produced');
  });
});
