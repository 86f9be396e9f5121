/**
 * The body push RPCs (20261208100000_push_body.sql): push_eval_run_body({team_id, payload}) and
 * ingest_eval_run_body({token, payload}) take the request body as their one argument, so
 * PostgREST parses a push once. They must store exactly what push_eval_run / ingest_eval_run
 * store (every table the push writes, the rollups), answer the same errors, and be callable by
 * the same roles; the client pushes through them, and through the named-argument RPCs on a
 * store without them (PGRST202), remembering that per connection.
 *
 * The fallback test hides the body RPCs from the shared test stack for a moment (renamed, then
 * renamed back). It lives in this file because every test here calls them directly and a file's
 * tests run one after another; tests in other files push through the client, which falls back.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Person, person, run } from '@gstack/client/testing/people';
import { PUSH_LIMITS, type RunPayload, standardEvalResultSchema, toRunPayload } from '@gstack/core';
import { anonClient, createTeam, eventually, serviceClient, signedInClient, sql, unique } from '@gstack/local-stack/testing';
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { connect } from '../../packages/client/src/sync/connection.ts';
import { sendItem } from '../../packages/client/src/sync/push/send.ts';

/** A run whose rows cover every rollup: result tiers and none, trials, skipped results, attempt tiers, errors, outputs, two cost lines. */
function runPayload(tests = 9): RunPayload {
  const tiers = ['local', 'cloud', 'frontier', null];
  const results = Array.from({ length: tests }, (_, i) => ({
    name: `t${i}`,
    category: i % 2 ? 'math' : 'prose',
    passed: i % 3 !== 0,
    trial: 1 + (i % 2),
    skipped: i % 7 === 6,
    cost_usd: Number((0.000123 * (i + 1)).toFixed(6)),
    resolved_tier: tiers[i % 4],
    resolved_model: tiers[i % 4] ? `m/${tiers[i % 4]}` : null,
    output: `answer ${i}`,
    ...(i % 3 === 0 ? { error: `wrong ${i}` } : {}),
    attempts: Array.from({ length: 1 + (i % 3) }, (_, a) => ({
      attempt: a + 1,
      model: `m${a}`,
      tier: ['local', 'cloud', 'frontier'][a],
      duration_ms: 10 * a,
      verdict: a === i % 3 ? 'accept' : 'escalate',
      input_tokens: 100 + i,
      cost_usd: Number((0.000101 * (i + a + 1)).toFixed(6)),
    })),
  }));
  const passed = results.filter((r) => r.passed).length;
  return toRunPayload(
    standardEvalResultSchema.parse({
      schema_version: 1,
      version: '0.1.0',
      run_id: randomUUID(),
      suite: 'body',
      tier: 'ladder',
      repo_slug: 'acme/app',
      git: { branch: 'main', sha: 'a'.repeat(40) },
      hostname: 'ci',
      timestamp: new Date().toISOString(),
      prompt_sha: 'f'.repeat(64),
      duration_ms: 1234,
      totals: { tests, passed, failed: tests - passed, skipped: 0, errors: 0 },
      pass_rate: Math.round((passed / tests) * 100),
      cost_usd: 0.5,
      judge_cost_usd: 0.01,
      cost_exact: false,
      by_category: {},
      costs: [
        { model: 'm0', purpose: 'system', calls: 3, cost_usd: 0.25, exact: true },
        { model: 'judge', purpose: 'judge', calls: 2, cost_usd: 0.01, exact: false },
      ],
      all_results: results,
    }),
  );
}

/** Columns that differ between two teams' copies of the same push: row and team ids, and times the store sets. */
const STRIP = ['id', 'team_id', 'run_id', 'token_id', 'created_at', 'updated_at', 'last_used_at'];

/**
 * Tables left out: written by the regression-alert function after the push returns (asynchronously),
 * and the team's own (members, tokens, settings, invites), which a push does not write but for a
 * CI token's last_used_at.
 */
const NOT_THE_PUSH = [
  'alert_deliveries',
  'alert_cooldowns',
  'alert_episodes',
  'team_members',
  'team_tokens',
  'team_settings',
  'team_invites',
];

/** Every row of `team` in every public table with a team_id, without ids and store-set times, in a stable order. */
async function teamRows(team: string): Promise<Record<string, unknown[]>> {
  const tables = await sql<{ t: string }>(
    `select c.table_name as t from information_schema.columns c join information_schema.tables x using (table_schema, table_name)
     where c.table_schema = 'public' and c.column_name = 'team_id' and x.table_type = 'BASE TABLE' and c.table_name <> all ($1)
     order by 1`,
    [NOT_THE_PUSH],
  );
  const out: Record<string, unknown[]> = {};
  for (const { t } of tables) {
    const rows = await sql<{ row: unknown }>(
      `select to_jsonb(x) - $2::text[] as row from public.${t} x where team_id = $1 order by (to_jsonb(x) - $2::text[])::text`,
      [team, STRIP],
    );
    out[t] = rows.map((r) => r.row);
  }
  return out;
}

/** The answer without its run id (different teams' runs), and the error as PostgREST gave it. */
function answer(res: { data: unknown; error: { code?: string; message?: string } | null; status: number }) {
  return {
    status: res.status,
    code: res.error?.code ?? null,
    message: res.error?.message ?? null,
    created: (res.data as { created?: boolean })?.created,
  };
}

let member: SupabaseClient;
let teamA: string;
let teamB: string;

beforeAll(async () => {
  const signed = await signedInClient();
  member = signed.client;
  [teamA, teamB] = [await createTeam(member, 'named'), await createTeam(member, 'body')];
});

describe('push_eval_run_body', () => {
  it('stores exactly what push_eval_run stores for the same payload: every table, the rollups, and a re-push is a no-op either way', async () => {
    const p = runPayload();
    const named = await member.rpc('push_eval_run', { p_team_id: teamA, p_payload: p });
    const body = await member.rpc('push_eval_run_body', { team_id: teamB, payload: p });
    expect(named.error).toBeNull();
    expect(body.error).toBeNull();
    expect(body.data).toMatchObject({ created: true });
    const a = await teamRows(teamA);
    const b = await teamRows(teamB);
    expect(a.eval_results).toHaveLength(9);
    expect(a.eval_attempts).toHaveLength(p.attempts.length);
    expect(a.eval_costs).toHaveLength(2);
    expect(a.test_costs_daily).toHaveLength(9);
    const [run] = a.eval_runs as Array<Record<string, unknown>>;
    expect(Object.keys(run?.tier_stats as object).sort()).toEqual(['(none)', 'cloud', 'frontier', 'local']);
    expect(run?.user_id).toBe((await member.auth.getUser()).data.user?.id);
    expect(run?.doc_stats).not.toBeNull();
    expect(b).toEqual(a);

    // A re-push through either RPC writes nothing and names the stored run.
    const runId = (body.data as { run_id: string }).run_id;
    expect((await member.rpc('push_eval_run_body', { team_id: teamB, payload: p })).data).toEqual({ run_id: runId, created: false });
    expect((await member.rpc('push_eval_run', { p_team_id: teamB, p_payload: p })).data).toEqual({ run_id: runId, created: false });
    expect(await teamRows(teamB)).toEqual(b);
  });

  it('answers every refusal as push_eval_run does', async () => {
    const outsider = await signedInClient();
    const theirs = await createTeam(outsider.client, 'theirs');
    const over = runPayload(2);
    over.run.label = 'x'.repeat(PUSH_LIMITS.nameChars + 1);
    const cases: Array<[string, SupabaseClient, string, unknown]> = [
      ['a team that does not exist', member, randomUUID(), runPayload(1)],
      ['a team the caller is not in', member, theirs, runPayload(1)],
      ['a team id that is not a uuid', member, 'team-a', runPayload(1)],
      ['no session (anon key)', anonClient(), teamA, runPayload(1)],
      ['a payload over a push limit', member, teamA, over],
      ['a payload without a run', member, teamA, { results: [] }],
    ];
    for (const [what, client, team, payload] of cases) {
      const named = answer(await client.rpc('push_eval_run', { p_team_id: team, p_payload: payload }));
      const body = answer(await client.rpc('push_eval_run_body', { team_id: team, payload }));
      expect({ what, ...body, message: body.message?.replace('push_eval_run_body', 'push_eval_run') }).toEqual({ what, ...named });
      expect(named.code, what).not.toBeNull();
    }
    expect(await sql('select 1 from public.eval_runs where run_key = $1', [over.run.run_key])).toEqual([]);
  });

  it('answers a push over the quota as push_eval_run does (429, push_quota)', async () => {
    const owner = await signedInClient();
    const team = await createTeam(owner.client, 'quota');
    await sql(
      'insert into public.team_settings (team_id, push_runs_per_hour) values ($1, 1) on conflict (team_id) do update set push_runs_per_hour = 1',
      [team],
    );
    expect((await owner.client.rpc('push_eval_run_body', { team_id: team, payload: runPayload(1) })).error).toBeNull();
    const p = runPayload(1);
    const named = await owner.client.rpc('push_eval_run', { p_team_id: team, p_payload: p });
    const body = await owner.client.rpc('push_eval_run_body', { team_id: team, payload: p });
    expect(named.status).toBe(429);
    expect(named.error?.code).toBe('push_quota');
    expect(answer(body)).toEqual(answer(named));
    expect(body.error?.hint).toMatch(/^retry after \d+ seconds$/);
  });

  it('names what is missing from a body that is not {team_id, payload}', async () => {
    for (const body of [{ payload: runPayload(1) }, { team: teamA, payload: runPayload(1) }, { team_id: 7, payload: runPayload(1) }]) {
      const res = await member.rpc('push_eval_run_body', body);
      expect(res.error?.code).toBe('22023');
      expect(res.error?.message).toBe(
        'push_eval_run_body: the request body must be {"team_id": "...", "payload": {...}}; team_id is missing or not a string',
      );
    }
  });
});

describe('ingest_eval_run_body', () => {
  it('stores what ingest_eval_run stores, as the token, and refuses what it refuses', async () => {
    const tokenOf = async (team: string) => {
      const created = await member.rpc('create_team_token', { p_team_id: team, p_name: unique('ci') });
      return (created.data as Array<{ token: string }>)[0]?.token ?? '';
    };
    const [tokenA, tokenB] = [await tokenOf(teamA), await tokenOf(teamB)];
    const p = runPayload(4);
    const ci = anonClient();
    expect((await ci.rpc('ingest_eval_run', { p_token: tokenA, p_payload: p })).error).toBeNull();
    expect((await ci.rpc('ingest_eval_run_body', { token: tokenB, payload: p })).error).toBeNull();
    const runOf = async (team: string) =>
      (
        await sql<{ token: boolean; user: string | null }>(
          `select r.token_id = t.id as token, r.user_id as user from public.eval_runs r join public.team_tokens t on t.team_id = r.team_id
         where r.run_key = $1 and r.team_id = $2`,
          [p.run.run_key, team],
        )
      )[0];
    expect(await runOf(teamB)).toEqual({ token: true, user: null });
    expect(await runOf(teamA)).toEqual(await runOf(teamB));
    expect(await teamRows(teamB)).toEqual(await teamRows(teamA));

    const over = runPayload(1);
    over.results[0] = { ...over.results[0], error: 'e'.repeat(PUSH_LIMITS.stringChars + 1) } as RunPayload['results'][number];
    for (const [what, token, payload] of [
      ['an unknown token', 'gst_not_a_token', runPayload(1)],
      ['a payload over a push limit', tokenB, over],
      ['an empty payload (the CLI token check)', tokenB, {}],
    ] as const) {
      const named = answer(await ci.rpc('ingest_eval_run', { p_token: token, p_payload: payload }));
      const body = answer(await ci.rpc('ingest_eval_run_body', { token, payload }));
      expect({ what, ...body }).toEqual({ what, ...named });
      expect(named.code, what).not.toBeNull();
    }
    const missing = await ci.rpc('ingest_eval_run_body', { payload: p });
    expect(missing.error?.code).toBe('22023');
    expect(missing.error?.message).toContain('token is missing or not a string');
  });
});

describe('who may call the body RPCs', () => {
  it('the same roles as the named-argument RPCs, as security definer with an empty search_path', async () => {
    const rows = await sql<{ fn: string; roles: string[]; definer: boolean; config: string[] }>(
      `select p.oid::regprocedure::text as fn, p.prosecdef as definer, p.proconfig as config,
              array(select r from unnest(array['public', 'anon', 'authenticated', 'service_role']) r
                    where case r when 'public' then exists (select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a where a.grantee = 0 and a.privilege_type = 'EXECUTE')
                                 else has_function_privilege(r, p.oid, 'execute') end) as roles
       from pg_proc p where p.pronamespace = 'public'::regnamespace
        and p.proname in ('push_eval_run', 'push_eval_run_body', 'ingest_eval_run', 'ingest_eval_run_body') order by 1`,
    );
    const of = (fn: string) => rows.find((r) => r.fn.startsWith(`${fn}(`));
    expect(rows).toHaveLength(4);
    expect(of('push_eval_run')?.roles).toEqual(['authenticated', 'service_role']);
    expect(of('ingest_eval_run')?.roles).toEqual(['anon', 'authenticated', 'service_role']);
    const access = (fn: string) => {
      const row = of(fn);
      return { roles: row?.roles, definer: row?.definer, config: row?.config };
    };
    expect(access('push_eval_run_body')).toEqual(access('push_eval_run'));
    expect(access('ingest_eval_run_body')).toEqual(access('ingest_eval_run'));
    expect(access('push_eval_run_body').config).toEqual(['search_path=""']);
  });
});

describe('the client', () => {
  let admin: Person;
  let slug: string;
  let fetches: string[];

  beforeAll(async () => {
    slug = unique('fallback').replace(/_/g, '-').toLowerCase().slice(0, 40);
    admin = await person(slug);
    expect((await run('gstack', ['team', 'create', slug], admin.env)).code).toBe(0);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** Records the push RPC each request goes to (fetch itself is the real one). */
  function recordRpcs() {
    vi.restoreAllMocks();
    fetches = [];
    const real = globalThis.fetch;
    vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const rpc = /\/rest\/v1\/rpc\/(\w+)$/.exec(url.pathname)?.[1];
      if (rpc) fetches.push(rpc);
      return real(input, init);
    });
  }

  async function stored(runKeys: string[]) {
    const rows = await sql<{ run_key: string; results: number }>(
      `select r.run_key, (select count(*)::int from public.eval_results e where e.run_id = r.id) as results
       from public.eval_runs r where r.run_key = any ($1) order by 1`,
      [runKeys],
    );
    return rows;
  }

  const bodyRpcs = ['push_eval_run_body', 'ingest_eval_run_body'];

  /** Renames the body RPCs away (a store that has not run their migration) while `fn` runs. */
  async function withoutBodyRpcs(fn: () => Promise<void>) {
    const hidden = (name: string) => `${name}_hidden_${process.pid}`;
    for (const name of bodyRpcs) await sql(`alter function public.${name}(jsonb) rename to ${hidden(name)}`);
    try {
      await untilStoreAnswers(false);
      await fn();
    } finally {
      for (const name of bodyRpcs) await sql(`alter function public.${hidden(name)}(jsonb) rename to ${name}`);
      await untilStoreAnswers(true);
    }
  }

  /** Waits until PostgREST's schema cache has (or lacks) the body RPC. */
  async function untilStoreAnswers(present: boolean) {
    await eventually(`the body RPC to be ${present ? 'back' : 'gone'}`, async () => {
      const res = await serviceClient().rpc('push_eval_run_body', {});
      return (res.error?.code === 'PGRST202') !== present ? true : undefined;
    });
  }

  it('pushes through push_eval_run_body', async () => {
    const connection = await connect({ cwd: admin.state, env: admin.env });
    const items = [runPayload(3), runPayload(2)];
    recordRpcs();
    for (const payload of items)
      expect(await sendItem(connection, { kind: 'eval_run', payload })).toEqual({ data: { created: true }, error: null });
    expect(fetches).toEqual(['push_eval_run_body', 'push_eval_run_body']);
    expect(await stored(items.map((p) => p.run.run_key))).toEqual(
      items.map((p) => ({ run_key: p.run.run_key, results: p.results.length })).sort((x, y) => x.run_key.localeCompare(y.run_key)),
    );
  });

  it('falls back to push_eval_run and ingest_eval_run on a store without the body RPCs, asking once per connection', async () => {
    const token = JSON.parse((await run('gstack', ['team', 'token', 'create', unique('ci'), '--json'], admin.env)).stdout).token as string;
    const ciEnv = { ...admin.env, GSTACK_SYNC_TOKEN: token };
    const memberItems = [runPayload(3), runPayload(2), runPayload(1)];
    const ciItems = [runPayload(2), runPayload(1)];
    await withoutBodyRpcs(async () => {
      const asMember = await connect({ cwd: admin.state, env: admin.env });
      const asCi = await connect({ cwd: admin.state, env: ciEnv });
      expect(asCi.mode).toBe('token');
      recordRpcs();
      for (const payload of memberItems)
        expect(await sendItem(asMember, { kind: 'eval_run', payload })).toEqual({ data: { created: true }, error: null });
      expect(fetches).toEqual(['push_eval_run_body', 'push_eval_run', 'push_eval_run', 'push_eval_run']);
      fetches.length = 0;
      for (const payload of ciItems)
        expect(await sendItem(asCi, { kind: 'eval_run', payload })).toEqual({ data: { created: true }, error: null });
      expect(fetches).toEqual(['ingest_eval_run_body', 'ingest_eval_run', 'ingest_eval_run']);
    });
    const all = [...memberItems, ...ciItems];
    expect(await stored(all.map((p) => p.run.run_key))).toEqual(
      all.map((p) => ({ run_key: p.run.run_key, results: p.results.length })).sort((x, y) => x.run_key.localeCompare(y.run_key)),
    );

    // A new connection (the next command) asks for the body RPC again, and the store has it now.
    const later = await connect({ cwd: admin.state, env: admin.env });
    recordRpcs();
    expect(await sendItem(later, { kind: 'eval_run', payload: runPayload(1) })).toEqual({ data: { created: true }, error: null });
    expect(fetches).toEqual(['push_eval_run_body']);
  });

  it('pushes a result file through the CLI on a store without the body RPCs', async () => {
    const p = runPayload(2);
    const file = path.join(admin.state, 'old-store.json');
    // The CLI reads a StandardEvalResult file; the payload's run keeps its document.
    writeFileSync(file, JSON.stringify(p.run.result));
    await withoutBodyRpcs(async () => {
      const pushed = await run('gstack-sync', ['push', file, '--json'], admin.env);
      expect(pushed.code, pushed.stderr).toBe(0);
      expect(JSON.parse(pushed.stdout).pushed).toMatchObject([{ created: true }]);
    });
    expect(await stored([p.run.run_key])).toEqual([{ run_key: p.run.run_key, results: 2 }]);
  });
});
