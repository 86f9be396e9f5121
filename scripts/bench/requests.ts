/**
 * Named requests against the stack's gateway, as a signed-in member: the dashboard's
 * aggregate RPCs, and their raw baselines (paging the rows through REST and aggregating
 * in the client); and every dashboard page, through the dashboard's Node server with the
 * member's session cookie.
 */
import type { BenchContext, Member } from './context.ts';

/** One named request; `run` returns the bytes it read over the wire. */
export interface NamedRequest {
  name: string;
  /** Targets: an aggregate p95 < 100 ms, a page < 300 ms, a background job (the digest) < 2 s. */
  kind: 'aggregate' | 'page' | 'job';
  run(): Promise<number>;
  /** The same answer computed from raw rows paged through REST; returns bytes read. */
  raw?: () => Promise<number>;
}

export interface RequestTarget {
  context: BenchContext;
  member: Member;
  /** The suite with the most runs and one ordinary suite, for test_history. */
  bigSuite: string;
  smallSuite: string;
  /** The dashboard's Node server, the member's session cookie, and a run of the team (for its detail page). */
  dashboard?: { url: string; cookie: string; runId: string };
}

/** HTTP requests made so far (every request goes through get): how many round trips a raw baseline takes. */
export let requestsMade = 0;

async function get(target: RequestTarget, pathAndQuery: string, init: RequestInit = {}): Promise<{ bytes: number; body: unknown }> {
  requestsMade += 1;
  const response = await fetch(`${target.context.stack.apiUrl}${pathAndQuery}`, {
    ...init,
    headers: {
      apikey: target.context.stack.publishableKey,
      Authorization: `Bearer ${target.member.accessToken}`,
      'Content-Type': 'application/json',
      ...(init.headers as Record<string, string> | undefined),
    },
  });
  const buffer = Buffer.from(await response.arrayBuffer());
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${pathAndQuery}: ${response.status} ${buffer.toString().slice(0, 300)}`);
  return { bytes: buffer.length, body: buffer.length ? JSON.parse(buffer.toString()) : null };
}

function rpc(target: RequestTarget, fn: string, args: Record<string, unknown>): () => Promise<number> {
  return async () =>
    (await get(target, `/rest/v1/rpc/${fn}`, { method: 'POST', body: JSON.stringify({ p_team_id: target.member.teamId, ...args }) })).bytes;
}

/** Pages `table` 1,000 rows at a time (PostgREST's max_rows), returning every row and the bytes read. */
async function pageAll(
  target: RequestTarget,
  table: string,
  query: string,
): Promise<{ rows: Array<Record<string, unknown>>; bytes: number }> {
  const rows: Array<Record<string, unknown>> = [];
  let bytes = 0;
  for (let offset = 0; ; offset += 1000) {
    const page = await get(target, `/rest/v1/${table}?${query}&limit=1000&offset=${offset}`);
    const got = page.body as Array<Record<string, unknown>>;
    bytes += page.bytes;
    rows.push(...got);
    if (got.length < 1000) return { rows, bytes };
  }
}

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

/** Groups rows by a key and sums numeric fields: the client-side half of every raw baseline. */
function groupSum(rows: Array<Record<string, unknown>>, key: (r: Record<string, unknown>) => string, fields: string[]): number {
  const groups = new Map<string, Record<string, number>>();
  for (const row of rows) {
    const k = key(row);
    const g = groups.get(k) ?? {};
    for (const f of fields) g[f] = (g[f] ?? 0) + Number(row[f] ?? 0);
    groups.set(k, g);
  }
  return groups.size;
}

/**
 * The cheapest request through the same path (gateway, JWT check, PostgREST, RLS): one row of
 * the member's own team. No request can be faster than this, so it bounds what ratio an
 * aggregate can reach against a baseline of a few pages.
 */
export function floorRequest(target: RequestTarget): () => Promise<number> {
  return async () => (await get(target, `/rest/v1/teams?select=id&id=eq.${target.member.teamId}`)).bytes;
}

/** The dashboard's aggregate RPCs, each with its raw baseline where one is practical. */
export function aggregateRequests(target: RequestTarget): NamedRequest[] {
  const team = `team_id=eq.${target.member.teamId}`;
  const runCols = 'select=run_at,repo_slug,suite,user_id,passed,total_tests,skipped,cost_usd,judge_cost_usd';
  return [
    {
      name: 'dashboard_overview',
      kind: 'aggregate',
      run: rpc(target, 'dashboard_overview', {}),
      raw: async () => {
        const { rows, bytes } = await pageAll(target, 'eval_runs', `${runCols}&${team}&run_at=gte.${daysAgo(14)}&order=run_at.desc`);
        const count = await get(target, `/rest/v1/eval_runs?select=run_at&${team}&order=run_at.desc&limit=1`, {
          headers: { Prefer: 'count=exact' },
        });
        groupSum(rows, (r) => String(r.run_at).slice(0, 10), ['passed', 'total_tests', 'cost_usd']);
        return bytes + count.bytes;
      },
    },
    {
      name: 'pass_rate_series (30 days)',
      kind: 'aggregate',
      run: rpc(target, 'pass_rate_series', { p_days: 30 }),
      raw: async () => {
        const { rows, bytes } = await pageAll(target, 'eval_runs', `${runCols}&${team}&run_at=gte.${daysAgo(30)}&order=run_at.desc`);
        groupSum(rows, (r) => `${r.repo_slug}/${r.suite}/${String(r.run_at).slice(0, 10)}`, ['passed', 'total_tests']);
        return bytes;
      },
    },
    ...[target.bigSuite, target.smallSuite].map(
      (suite): NamedRequest => ({
        name: `test_history (${suite}, 20 runs)`,
        kind: 'aggregate',
        run: rpc(target, 'test_history', { p_repo_slug: 'acme/app', p_suite: suite, p_runs: 20 }),
        raw: async () => {
          const runs = await get(
            target,
            `/rest/v1/eval_runs?select=id,run_at&${team}&repo_slug=eq.acme/app&suite=eq.${suite}&order=run_at.desc&limit=20`,
          );
          const ids = (runs.body as Array<{ id: string }>).map((r) => r.id);
          const { rows, bytes } = await pageAll(
            target,
            'eval_results',
            `select=run_id,test_name,passed,category,resolved_tier&run_id=in.(${ids.join(',')})&order=run_id,test_name`,
          );
          groupSum(rows, (r) => String(r.test_name), ['passed']);
          return runs.bytes + bytes;
        },
      }),
    ),
    {
      name: 'cost_per_week (12 weeks)',
      kind: 'aggregate',
      run: rpc(target, 'cost_per_week', { p_weeks: 12 }),
      raw: async () => {
        const { rows, bytes } = await pageAll(
          target,
          'eval_runs',
          `select=run_at,cost_usd,judge_cost_usd&${team}&run_at=gte.${daysAgo(84)}&order=run_at.desc`,
        );
        groupSum(rows, (r) => String(r.run_at).slice(0, 10), ['cost_usd', 'judge_cost_usd']);
        return bytes;
      },
    },
    {
      name: 'cost_per_model (30 days)',
      kind: 'aggregate',
      run: rpc(target, 'cost_per_model', { p_days: 30 }),
      raw: async () => {
        const { rows, bytes } = await pageAll(
          target,
          'eval_costs',
          `select=model,purpose,calls,input_tokens,output_tokens,cost_usd&${team}&run_at=gte.${daysAgo(30)}&order=run_at.desc`,
        );
        groupSum(rows, (r) => `${r.model}/${r.purpose}`, ['calls', 'input_tokens', 'output_tokens', 'cost_usd']);
        return bytes;
      },
    },
    { name: 'escalation_per_tier (30 days)', kind: 'aggregate', run: rpc(target, 'escalation_per_tier', { p_days: 30 }) },
    // The Costs and Escalation pages' ladder spend (no raw baseline: it would page every attempt of 30 days).
    { name: 'ladder_spend (30 days)', kind: 'aggregate', run: rpc(target, 'ladder_spend', { p_days: 30 }) },
    {
      name: 'leaderboard (7 days)',
      kind: 'aggregate',
      run: rpc(target, 'leaderboard', { p_days: 7 }),
      raw: async () => {
        const { rows, bytes } = await pageAll(target, 'eval_runs', `${runCols}&${team}&run_at=gte.${daysAgo(7)}&order=run_at.desc`);
        groupSum(rows, (r) => String(r.user_id), ['passed', 'total_tests', 'cost_usd']);
        return bytes;
      },
    },
    { name: 'active_now', kind: 'aggregate', run: rpc(target, 'active_now', {}) },
  ];
}

/**
 * Signs `member` in through the dashboard's login form (the way a browser does) and
 * returns the session cookie header its pages need.
 */
export async function dashboardCookie(dashboardUrl: string, member: Member): Promise<string> {
  const login = await fetch(`${dashboardUrl}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(dashboardUrl).origin },
    body: new URLSearchParams({ email: member.email, password: member.password, next: '/' }),
    redirect: 'manual',
  });
  const cookies = login.headers.getSetCookie();
  if (login.status !== 303 || !cookies.length) throw new Error(`dashboard sign-in: ${login.status} ${(await login.text()).slice(0, 300)}`);
  return cookies.map((c) => c.split(';')[0]).join('; ');
}

/**
 * Every dashboard page of the member's team, as named requests: GET through the
 * dashboard's Node server with the session cookie (the page's own RPCs, the HTML render,
 * the server's session check). Empty without a dashboard in the target.
 */
export function pageRequests(target: RequestTarget): NamedRequest[] {
  const dashboard = target.dashboard;
  if (!dashboard) return [];
  const team = `${dashboard.url}/t/${target.member.teamSlug}`;
  const page = (name: string, url: string): NamedRequest => ({
    name: `page: ${name}`,
    kind: 'page',
    run: async () => {
      const response = await fetch(url, { headers: { cookie: dashboard.cookie }, redirect: 'manual' });
      const body = Buffer.from(await response.arrayBuffer());
      if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${body.toString().slice(0, 300)}`);
      return body.length;
    },
  });
  return [
    page('overview', team),
    page('runs', `${team}/runs`),
    page('run detail (100 results)', `${team}/runs/${dashboard.runId}`),
    page('compare (newest run with the one before)', `${team}/compare?head=${dashboard.runId}`),
    page('trends', `${team}/trends`),
    page('tests', `${team}/tests`),
    page('problems', `${team}/problems`),
    page('test (one test of the big suite)', `${team}/test?repo=acme%2Fapp&suite=${encodeURIComponent(target.bigSuite)}&name=test-007`),
    page('costs', `${team}/costs`),
    page('escalation', `${team}/escalation`),
    page('review', `${team}/review`),
    page('leaderboard', `${team}/leaderboard`),
    page('active', `${team}/active`),
    page('team', `${team}/team`),
  ];
}

/**
 * The Monday digest of the member's team for last week, as a preview (dry_run: computed, not
 * sent) through the weekly-digest function, as `gstack team digest` asks for it.
 */
export function digestRequest(target: RequestTarget): NamedRequest {
  return {
    name: 'weekly digest (preview through the weekly-digest function)',
    kind: 'job',
    run: async () => {
      const response = await fetch(`${target.context.stack.functionsUrl}/weekly-digest`, {
        method: 'POST',
        headers: {
          apikey: target.context.stack.publishableKey,
          Authorization: `Bearer ${target.member.accessToken}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({ team_id: target.member.teamId, dry_run: true }),
      });
      const body = Buffer.from(await response.arrayBuffer());
      const outcome = response.ok
        ? (JSON.parse(body.toString()) as { results: Array<{ outcome: string; error?: string }> }).results[0]
        : undefined;
      if (!response.ok || outcome?.outcome === 'failed')
        throw new Error(`weekly-digest: ${response.status} ${outcome?.error ?? body.toString().slice(0, 300)}`);
      return body.length;
    },
  };
}
