/**
 * Whose team judge verdicts a run reuses (issue 23, item 5), on the real stack:
 * by default its own (from another machine) and the team's CI tokens'; a
 * teammate's only when the team's admins allow it. A member who writes a
 * forged verdict under a key cannot make teammates' runs pass, and an admin
 * can purge everything one writer wrote.
 */
import { anonClient, createTeam, signedInClient, sql } from '@gstack/local-stack/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { TeamVerdicts } from './team-cache.ts';

type Person = Awaited<ReturnType<typeof signedInClient>>;
let teamId: string;
let alice: Person;
let bob: Person;
let mallory: Person;
let ciToken: string;

const verdicts = (who: Person) => new TeamVerdicts({ client: who.client as never, userId: who.userId, teamId: async () => teamId });
const ci = (token = ciToken) => new TeamVerdicts({ client: anonClient() as never, token, teamId: async () => '' });
let n = 0;
const key = () => `${(++n).toString(16).padStart(8, '0')}${'ab'.repeat(28)}`;
const HONEST = { judge_model: 'anthropic/haiku', verdict: { pass: false, reason: 'wrong city' }, cost_usd: 0.002 };
const FORGED = { judge_model: 'anthropic/haiku', verdict: { pass: true, reason: 'looks great' }, cost_usd: 0 };

async function write(cache: TeamVerdicts, k: string, v: typeof HONEST) {
  cache.put(k, v);
  await cache.flush();
  expect(cache.shared).toBe(1);
}

beforeAll(async () => {
  [alice, bob, mallory] = await Promise.all([signedInClient(), signedInClient(), signedInClient()]);
  teamId = await createTeam(alice.client, 'trust');
  for (const who of [bob, mallory]) {
    const invite = await alice.client.rpc('create_invite', { p_team_id: teamId });
    const joined = await who.client.rpc('accept_invite', { p_code: invite.data[0].code });
    if (joined.error) throw new Error(joined.error.message);
  }
  const token = await alice.client.rpc('create_team_token', { p_team_id: teamId, p_name: 'ci' });
  if (token.error) throw new Error(token.error.message);
  ciToken = (token.data as Array<{ token: string }>)[0]?.token ?? '';
});

describe('team judge verdicts: whose are reused', () => {
  it("does not reuse a teammate's verdict by default, so a forged one spreads nowhere", async () => {
    const k = key();
    await write(verdicts(mallory), k, FORGED);
    expect(await verdicts(bob).get(k)).toBeUndefined();
    // The writer is recorded by the store, whatever the request said.
    const rows = await sql<{ created_by: string; token_id: string | null }>(
      'select created_by, token_id from public.judge_cache where cache_key = $1',
      [k],
    );
    expect(rows).toEqual([{ created_by: mallory.userId, token_id: null }]);
  });

  it('reuses your own verdicts (another machine) and the CI token’s, preferring your own', async () => {
    const own = key();
    await write(verdicts(bob), own, HONEST);
    expect(await verdicts(bob).get(own)).toEqual(HONEST);

    const fromCi = key();
    const ciCache = ci();
    await write(ciCache, fromCi, HONEST);
    expect(await ciCache.get(fromCi)).toBeUndefined(); // a token reads nothing
    expect(await verdicts(bob).get(fromCi)).toEqual(HONEST);
    // A forged verdict under the same key does not displace the CI token's.
    await write(verdicts(mallory), fromCi, FORGED);
    expect(await verdicts(bob).get(fromCi)).toEqual(HONEST);
  });

  it("refuses a member's insert in another writer's name", async () => {
    const forged = await mallory.client.from('judge_cache').insert({
      team_id: teamId,
      cache_key: key(),
      judge_model: 'x',
      grader_version: '1',
      verdict: {},
      created_by: bob.userId,
    });
    expect(forged.error?.code).toBe('42501');
  });

  it("reuses teammates' verdicts once an admin allows it, and an admin can purge one writer's", async () => {
    const k = key();
    await write(verdicts(mallory), k, FORGED);
    expect((await bob.client.from('team_settings').upsert({ team_id: teamId, judge_cache_trust_members: true })).error).not.toBeNull();
    expect((await alice.client.from('team_settings').upsert({ team_id: teamId, judge_cache_trust_members: true })).error).toBeNull();
    expect(await verdicts(bob).get(k)).toEqual(FORGED);

    expect((await bob.client.rpc('purge_judge_verdicts', { p_team_id: teamId, p_user_id: mallory.userId })).error?.code).toBe('42501');
    const purged = await alice.client.rpc('purge_judge_verdicts', { p_team_id: teamId, p_user_id: mallory.userId });
    expect(purged.error).toBeNull();
    expect(purged.data).toBe(3);
    expect(await verdicts(bob).get(k)).toBeUndefined();
    const left = await sql('select 1 from public.judge_cache where created_by = $1', [mallory.userId]);
    expect(left).toHaveLength(0);
    expect((await alice.client.from('team_settings').upsert({ team_id: teamId, judge_cache_trust_members: false })).error).toBeNull();
  });

  it("stops reusing a member's verdicts once they leave the team, even where members are trusted", async () => {
    const leaver = await signedInClient();
    const invite = await alice.client.rpc('create_invite', { p_team_id: teamId });
    expect((await leaver.client.rpc('accept_invite', { p_code: invite.data[0].code })).error).toBeNull();
    const k = key();
    await write(verdicts(leaver), k, FORGED);
    expect((await alice.client.from('team_settings').upsert({ team_id: teamId, judge_cache_trust_members: true })).error).toBeNull();
    expect(await verdicts(bob).get(k)).toEqual(FORGED);
    expect((await alice.client.rpc('remove_member', { p_team_id: teamId, p_user_id: leaver.userId })).error).toBeNull();
    expect(await verdicts(bob).get(k)).toBeUndefined();
    expect((await alice.client.from('team_settings').upsert({ team_id: teamId, judge_cache_trust_members: false })).error).toBeNull();
  });

  it("stops reusing a revoked token's verdicts; an admin can purge a token's by name", async () => {
    const k = key();
    await write(ci(), k, HONEST);
    expect(await verdicts(bob).get(k)).toEqual(HONEST);
    expect((await alice.client.rpc('revoke_team_token', { p_team_id: teamId, p_name: 'ci' })).data).toBe(true);
    expect(await verdicts(bob).get(k)).toBeUndefined();
    const purged = await alice.client.rpc('purge_judge_verdicts', { p_team_id: teamId, p_token_name: 'ci' });
    expect(purged.data).toBe(2);
  });
});
