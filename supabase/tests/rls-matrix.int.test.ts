/**
 * The RLS test matrix: every table × {anon, outsider, member, admin, service role} ×
 * {select, insert, update, delete}, through supabase-js and PostgREST with real JWTs.
 *
 * Each cell is one letter:
 *   select  R = the row is visible        0 = filtered to zero rows   D = denied (42501 / 401)
 *   insert  I = inserted                  D = denied
 *   update  U = the row changed           0 = no row matched          D = denied
 *   delete  X = the row is gone           0 = no row matched          D = denied
 * Outcomes are judged from the service role's view of the table, not from what the caller
 * was told, so a silently ignored write cannot pass as a success.
 *
 * eval_runs and its row tables are insert-D for everyone but the service role: a run and its
 * rows arrive only through push_eval_run / ingest_eval_run and their body-taking twins (tested below,
 * in team-flows and in push-body).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DATABASE_TYPES_FILE, defaultProjectRoot } from '@gstack/local-stack';
import { anonClient, eventually, serviceClient, signedInClient, unique } from '@gstack/local-stack/testing';
import type { SupabaseClient } from '@supabase/supabase-js';
import { beforeAll, describe, expect, it } from 'vitest';

type Identity = 'anon' | 'outsider' | 'member' | 'admin' | 'service';
const IDENTITIES: Identity[] = ['anon', 'outsider', 'member', 'admin', 'service'];

const EXPECTED = parseMatrix(`
  table                anon  outsider  member  admin  service
  teams                DDDD  0D00      RD00    RDUX   RIUX
  team_members         DDDD  0D0D      RD0D    RD0D   RIUX
  team_invites         DDDD  0DD0      0DD0    RDDX   RIUX
  team_tokens          DDDD  0DDD      0DDD    RDDD   RIUX
  team_settings        DDDD  0D00      0D00    RIUX   RIUX
  eval_runs            DDDD  0DD0      RDD0    RDDX   RIUX
  eval_results         DDDD  0DD0      RDD0    RDDX   RIUX
  eval_attempts        DDDD  0DD0      RDD0    RDDX   RIUX
  eval_costs           DDDD  0DD0      RDD0    RDDX   RIUX
  judge_cache          DDDD  0DD0      RID0    RIDX   RIUX
  session_transcripts  DDDD  0D00      RIU0    RI0X   RIUX
  sync_heartbeats      DDDD  0D00      RIU0    RI0X   RIUX
  ship_logs            DDDD  0DD0      RID0    RIDX   RIUX
  qa_reports           DDDD  0DD0      RID0    RIDX   RIUX
  retro_snapshots      DDDD  0DD0      RID0    RIDX   RIUX
  greptile_triage      DDDD  0DD0      RID0    RIDX   RIUX
  alert_cooldowns      DDDD  DDDD      DDDD    DDDD   RIUX
  alert_deliveries     DDDD  0DDD      RDDD    RDDD   RIUX
  alert_episodes       DDDD  0DDD      RDDD    RDDD   RIUX
  digest_deliveries    DDDD  0DDD      RDDD    RDDD   RIUX
  test_costs_daily     DDDD  0DDD      RDDD    RDDD   RIUX
  answer_groups_daily  DDDD  0DDD      RDDD    RDDD   RIUX
  answer_reviews       DDDD  0D00      RIUX    RI00   RIUX
  ci_reports           DDDD  0DDD      RDDD    RDDD   RIUX
`);

/** Reads the table above: one line per table, one four-letter cell per identity. */
function parseMatrix(text: string): Record<string, Record<Identity, string>> {
  const [, ...rows] = text.trim().split('\n');
  return Object.fromEntries(
    rows.map((line) => {
      const [table = '', ...cellsOfRow] = line.trim().split(/\s+/);
      return [table, Object.fromEntries(IDENTITIES.map((identity, i) => [identity, cellsOfRow[i] ?? '']))];
    }),
  ) as Record<string, Record<Identity, string>>;
}

interface Ctx {
  team: string;
  run: string;
  ids: Record<Exclude<Identity, 'anon' | 'service'>, string>;
  /** A new team where `admin` is admin and `member` a member. */
  freshTeam(): Promise<string>;
  /** A new team without members. */
  bareTeam(): Promise<string>;
}

type Row = Record<string, unknown>;

interface TableSpec {
  /** Creates (as the service role) a row the identities then read, update or delete; returns its key. */
  create(ctx: Ctx): Promise<Row>;
  /** A new row `who` tries to insert (user columns set to `who` where the table has them). */
  row(ctx: Ctx, who: string): Promise<Row>;
  /** The change an update tries, on a column the API roles may update where one exists. */
  patch: Row;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const service = () => serviceClient();

async function serviceInsert(table: string, row: Row, key: string[]): Promise<Row> {
  const { error } = await service().from(table).insert(row);
  if (error) throw new Error(`seeding ${table}: ${error.message}`);
  return Object.fromEntries(key.map((k) => [k, row[k]]));
}

/** Specs whose row belongs to the matrix team and is created by `make`. */
function simple(table: string, key: string[], make: (ctx: Ctx, who: string) => Row, patch: Row): TableSpec {
  return {
    create: (ctx) => serviceInsert(table, make(ctx, ctx.ids.member), key),
    row: async (ctx, who) => make(ctx, who),
    patch,
  };
}

/**
 * A run of the matrix team with no alert delivery row yet. Inserting the run
 * fires regression-alert, which records its own (stale) delivery: that row is
 * awaited and removed, so the matrix can create and insert rows itself. The
 * run is dated two days back so the alert sweep (runs inserted in the last
 * hours) never records it again meanwhile.
 */
async function runWithoutDelivery(ctx: Ctx): Promise<Row> {
  const run = {
    id: randomUUID(),
    team_id: ctx.team,
    run_key: unique('run'),
    repo_slug: 'acme/app',
    suite: 'smoke',
    run_at: new Date(Date.now() - 48 * 3_600_000).toISOString(),
    created_at: new Date(Date.now() - 48 * 3_600_000).toISOString(),
    total_tests: 1,
    passed: 1,
    failed: 0,
  };
  await serviceInsert('eval_runs', run, ['id']);
  await eventually('regression-alert to record the run', async () => {
    const { data } = await service().from('alert_deliveries').select('status').eq('run_id', run.id);
    return data?.[0] && data[0].status !== 'processing' ? true : undefined;
  });
  const removed = await service().from('alert_deliveries').delete().eq('run_id', run.id);
  if (removed.error) throw new Error(removed.error.message);
  return { run_id: run.id, team_id: ctx.team, repo_slug: run.repo_slug, suite: run.suite, run_at: run.run_at };
}

/** A new ladder attempt of the matrix run (the answer a review points at); returns its test name. */
async function newAttempt(ctx: Ctx): Promise<string> {
  const name = unique('answer');
  const attempt = { run_id: ctx.run, team_id: ctx.team, test_name: name, attempt: 1, model: 'local/qwen', verdict: 'accept' };
  await serviceInsert('eval_attempts', attempt, ['run_id']);
  return name;
}

/** A CI report row on a new run of the matrix team (a run has at most one): written only by ci_record_report. */
async function ciReportRow(ctx: Ctx): Promise<Row> {
  const run = await serviceInsert(
    'eval_runs',
    {
      id: randomUUID(),
      team_id: ctx.team,
      run_key: unique('run'),
      repo_slug: 'acme/app',
      suite: 'ci',
      run_at: new Date(Date.now() - 48 * 3_600_000).toISOString(),
      total_tests: 1,
      passed: 1,
      failed: 0,
    },
    ['id'],
  );
  return { run_id: run.id, team_id: ctx.team, repo_slug: 'acme/app', suite: 'ci', gated: false, pull_request: 7 };
}

let weeks = 0;
/** A Monday no other matrix row uses. */
const nextMonday = () => new Date(Date.UTC(2000, 0, 3) + 7 * 86_400_000 * ++weeks).toISOString().slice(0, 10);

const SPECS: Record<string, TableSpec> = {
  teams: {
    create: async (ctx) => ({ id: await ctx.freshTeam() }),
    row: async () => ({ slug: unique('t').replace(/_/g, '-').toLowerCase(), name: 'new team' }),
    patch: { name: 'renamed' },
  },
  team_members: {
    create: async (ctx) => {
      const { data } = await service().auth.admin.createUser({
        email: `${unique('extra')}@example.test`.toLowerCase(),
        password: 'password-123',
      });
      return serviceInsert('team_members', { team_id: ctx.team, user_id: data.user?.id, role: 'member' }, ['team_id', 'user_id']);
    },
    row: async (ctx, who) => ({ team_id: await ctx.bareTeam(), user_id: who, role: 'admin' }),
    patch: { display_name: 'Renamed' },
  },
  team_invites: simple(
    'team_invites',
    ['id'],
    (ctx) => ({ id: randomUUID(), team_id: ctx.team, code_hash: hex(32), expires_at: new Date(Date.now() + 86_400_000).toISOString() }),
    { role: 'admin' },
  ),
  team_tokens: simple(
    'team_tokens',
    ['id'],
    (ctx) => ({ id: randomUUID(), team_id: ctx.team, name: unique('tok'), token_hash: hex(32), token_prefix: 'gst_x' }),
    {
      name: 'renamed',
    },
  ),
  team_settings: {
    create: async (ctx) => serviceInsert('team_settings', { team_id: await ctx.freshTeam(), alert_threshold_pp: 5 }, ['team_id']),
    row: async (ctx) => ({ team_id: await ctx.freshTeam(), alert_threshold_pp: 7 }),
    patch: { digest_enabled: false },
  },
  eval_runs: simple(
    'eval_runs',
    ['id'],
    (ctx, who) => ({
      id: randomUUID(),
      team_id: ctx.team,
      user_id: who,
      run_key: unique('run'),
      repo_slug: 'acme/app',
      suite: 'smoke',
      run_at: new Date().toISOString(),
      total_tests: 2,
      passed: 1,
      failed: 1,
    }),
    { label: 'changed' },
  ),
  eval_results: simple(
    'eval_results',
    ['run_id', 'test_name'],
    (ctx) => ({ run_id: ctx.run, team_id: ctx.team, test_name: unique('test'), passed: true }),
    { error: 'changed' },
  ),
  eval_attempts: simple(
    'eval_attempts',
    ['run_id', 'test_name'],
    (ctx) => ({ run_id: ctx.run, team_id: ctx.team, test_name: unique('test'), attempt: 1, model: 'local/qwen', verdict: 'accept' }),
    { feedback: 'changed' },
  ),
  eval_costs: simple(
    'eval_costs',
    ['run_id', 'model'],
    (ctx) => ({ run_id: ctx.run, team_id: ctx.team, model: unique('model'), calls: 1 }),
    { calls: 9 },
  ),
  judge_cache: simple(
    'judge_cache',
    ['team_id', 'cache_key'],
    (ctx, who) => ({
      team_id: ctx.team,
      cache_key: hex(32),
      judge_model: 'anthropic/claude-haiku-4-5',
      grader_version: '1',
      verdict: { pass: true },
      created_by: who,
    }),
    { grader_version: '2' },
  ),
  session_transcripts: simple(
    'session_transcripts',
    ['id'],
    (ctx, who) => ({ id: randomUUID(), team_id: ctx.team, user_id: who, session_id: unique('session') }),
    { summary: 'changed' },
  ),
  sync_heartbeats: simple(
    'sync_heartbeats',
    ['team_id', 'user_id', 'hostname'],
    (ctx, who) => ({ team_id: ctx.team, user_id: who, hostname: unique('host') }),
    { version: '9.9.9' },
  ),
  ship_logs: simple(
    'ship_logs',
    ['id'],
    (ctx, who) => ({
      id: randomUUID(),
      team_id: ctx.team,
      user_id: who,
      repo_slug: 'acme/app',
      git_sha: hex(20),
      shipped_at: new Date().toISOString(),
    }),
    { title: 'changed' },
  ),
  qa_reports: simple(
    'qa_reports',
    ['id'],
    (ctx, who) => ({
      id: randomUUID(),
      team_id: ctx.team,
      user_id: who,
      repo_slug: 'acme/app',
      report_key: unique('qa'),
      reported_at: new Date().toISOString(),
    }),
    { summary: 'changed' },
  ),
  retro_snapshots: simple(
    'retro_snapshots',
    ['id'],
    (ctx, who) => ({ id: randomUUID(), team_id: ctx.team, user_id: who, repo_slug: unique('repo'), period_end: '2026-11-20', data: {} }),
    { data: { changed: true } },
  ),
  greptile_triage: simple(
    'greptile_triage',
    ['id'],
    (ctx, who) => ({ id: randomUUID(), team_id: ctx.team, user_id: who, repo_slug: 'acme/app', comment_id: unique('c'), verdict: 'valid' }),
    { reason: 'changed' },
  ),
  alert_cooldowns: simple(
    'alert_cooldowns',
    ['team_id', 'repo_slug', 'suite'],
    (ctx) => ({ team_id: ctx.team, repo_slug: unique('repo'), suite: 'smoke', last_alerted_at: new Date().toISOString() }),
    { last_run_id: randomUUID() },
  ),
  // Open alert episodes: members read them (the digest's "still failing"), only regression-alert writes them.
  alert_episodes: simple(
    'alert_episodes',
    ['team_id', 'repo_slug', 'suite', 'branch'],
    (ctx) => ({ team_id: ctx.team, repo_slug: unique('repo'), suite: 'smoke', branch: 'main', opened_run_id: randomUUID(), baseline: 90 }),
    { baseline: 80 },
  ),
  alert_deliveries: {
    create: async (ctx) => serviceInsert('alert_deliveries', await runWithoutDelivery(ctx), ['run_id']),
    row: (ctx) => runWithoutDelivery(ctx),
    patch: { error: 'changed' },
  },
  digest_deliveries: simple('digest_deliveries', ['team_id', 'week_start'], (ctx) => ({ team_id: ctx.team, week_start: nextMonday() }), {
    error: 'changed',
  }),
  // A person's review of one answer: the member's own row (reviewer = member); the admin may not change it.
  answer_reviews: {
    create: async (ctx) => {
      const review = {
        run_id: ctx.run,
        team_id: ctx.team,
        test_name: await newAttempt(ctx),
        attempt: 1,
        reviewer: ctx.ids.member,
        correct: true,
      };
      return serviceInsert('answer_reviews', review, ['run_id', 'test_name', 'reviewer']);
    },
    row: async (ctx, who) => ({
      run_id: ctx.run,
      team_id: ctx.team,
      test_name: await newAttempt(ctx),
      attempt: 1,
      reviewer: who,
      correct: true,
    }),
    patch: { note: 'changed' },
  },
  // The CI gate's verdicts: members read them; they arrive only through ci_record_report.
  ci_reports: {
    create: async (ctx) => serviceInsert('ci_reports', await ciReportRow(ctx), ['run_id']),
    row: (ctx) => ciReportRow(ctx),
    patch: { gated: true },
  },
  // A rollup kept by triggers: members read it, only the service role writes it.
  test_costs_daily: simple(
    'test_costs_daily',
    ['team_id', 'day', 'repo_slug', 'suite', 'test_name'],
    (ctx) => ({
      team_id: ctx.team,
      day: '2000-01-01',
      repo_slug: 'matrix/repo',
      suite: 'matrix',
      test_name: unique('test'),
      results: 1,
      cost_usd: 0.5,
    }),
    { results: 2 },
  ),
  // The same for the answer groups' rollup.
  answer_groups_daily: simple(
    'answer_groups_daily',
    ['team_id', 'day', 'repo_slug', 'suite'],
    (ctx) => ({
      team_id: ctx.team,
      day: '2000-01-01',
      repo_slug: 'matrix/repo',
      suite: unique('suite'),
      pruned: false,
      verifier_model: 'matrix/verifier',
      audit: false,
      verifier_error: false,
      reviews_correct: 0,
      reviews_incorrect: 0,
      n: 1,
      cost_usd: 0.5,
    }),
    { n: 2 },
  ),
};

function isDenied(error: { code?: string; message?: string } | null, status: number): boolean {
  return Boolean(error) && (error?.code === '42501' || status === 401 || status === 403);
}

async function existsAsService(table: string, key: Row): Promise<Row | undefined> {
  const { data, error } = await service().from(table).select('*').match(key);
  if (error) throw new Error(`service read of ${table}: ${error.message}`);
  return data?.[0];
}

/** Runs the four commands on `table` as `client`; returns e.g. "RID0". */
async function cells(table: string, spec: TableSpec, ctx: Ctx, client: SupabaseClient, who: string): Promise<string> {
  /** D when the call was denied, else the letter `allowed` computes; any other error fails the test. */
  const letter = async (
    command: string,
    response: { error: { code?: string; message?: string } | null; status: number },
    allowed: () => string | Promise<string>,
  ): Promise<string> => {
    if (!response.error) return allowed();
    if (isDenied(response.error, response.status)) return 'D';
    throw new Error(`${table} ${command} as ${who}: unexpected error ${response.error.code} ${response.error.message}`);
  };

  const readKey = await spec.create(ctx);
  const read = await client.from(table).select('*').match(readKey);
  const select = await letter('select', read, () => (read.data?.length === 1 ? 'R' : '0'));

  const insert = await letter('insert', await client.from(table).insert(await spec.row(ctx, who)), () => 'I');

  const updateKey = await spec.create(ctx);
  const [column, value] = Object.entries(spec.patch)[0] ?? [];
  const update = await letter('update', await client.from(table).update(spec.patch).match(updateKey), async () => {
    const after = await existsAsService(table, updateKey);
    return JSON.stringify(after?.[column ?? '']) === JSON.stringify(value) ? 'U' : '0';
  });

  const deleteKey = await spec.create(ctx);
  const remove = await letter('delete', await client.from(table).delete().match(deleteKey), async () =>
    (await existsAsService(table, deleteKey)) ? '0' : 'X',
  );
  return select + insert + update + remove;
}

const clients = {} as Record<Identity, SupabaseClient>;
let ctx: Ctx;

beforeAll(async () => {
  const [outsider, member, admin] = await Promise.all([signedInClient(), signedInClient(), signedInClient()]);
  clients.anon = anonClient();
  clients.service = serviceClient();
  clients.outsider = outsider.client;
  clients.member = member.client;
  clients.admin = admin.client;
  const ids = { outsider: outsider.userId, member: member.userId, admin: admin.userId };

  // The outsider has a team of their own: signed in, a team admin even, just not in this team.
  await outsider.client.rpc('create_team', { p_slug: unique('outside').replace(/_/g, '-').toLowerCase() });

  const bareTeam = async () => {
    const { data, error } = await service()
      .from('teams')
      .insert({ slug: unique('matrix').replace(/_/g, '-').toLowerCase(), name: 'matrix' })
      .select('id')
      .single();
    if (error) throw new Error(error.message);
    return data.id as string;
  };
  const freshTeam = async () => {
    const id = await bareTeam();
    const memberships = [
      { team_id: id, user_id: ids.admin, role: 'admin' },
      { team_id: id, user_id: ids.member, role: 'member' },
    ];
    const added = await service().from('team_members').insert(memberships);
    if (added.error) throw new Error(added.error.message);
    return id;
  };
  const team = await freshTeam();
  const run = await serviceInsert(
    'eval_runs',
    {
      id: randomUUID(),
      team_id: team,
      run_key: unique('run'),
      repo_slug: 'acme/app',
      suite: 'smoke',
      run_at: new Date().toISOString(),
      total_tests: 1,
      passed: 1,
      failed: 0,
    },
    ['id'],
  );
  ctx = { team, run: run.id as string, ids, freshTeam, bareTeam };
});

describe('RLS matrix', () => {
  it('covers every table the migrations create', () => {
    // database.types.ts is checked against the migrations by types.int.test.ts.
    const types = readFileSync(path.join(defaultProjectRoot(), DATABASE_TYPES_FILE), 'utf8');
    const tablesBlock = types.slice(types.indexOf('    Tables: {'), types.indexOf('    Views: {'));
    const tables = [...tablesBlock.matchAll(/^ {6}(\w+): \{$/gm)].map((m) => m[1]);
    expect(tables.length).toBeGreaterThan(10);
    expect(Object.keys(EXPECTED).sort()).toEqual(tables.sort());
    expect(Object.keys(SPECS).sort()).toEqual(tables.sort());
  });

  it.each(Object.keys(EXPECTED))('%s', async (table) => {
    const spec = SPECS[table];
    if (!spec) throw new Error(`no spec for ${table}`);
    const actual: Record<string, string> = {};
    for (const identity of IDENTITIES) {
      const who = identity === 'anon' || identity === 'service' ? ctx.ids.member : ctx.ids[identity];
      actual[identity] = await cells(table, spec, ctx, clients[identity], who);
    }
    expect(actual).toEqual(EXPECTED[table]);
  });
});
