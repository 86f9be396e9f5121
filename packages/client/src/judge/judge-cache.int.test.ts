/**
 * One behavioural suite for the judge cache, run against both backends: local files (a
 * re-run on the same machine) and the team cache on the real stack (a teammate's machine
 * that has never judged: its own empty folder, verdicts from the team's judge_cache table, in a
 * team that trusts its members' verdicts).
 * Whatever the backend, a verdict paid for once is reused for the same key, and anything
 * that changes the key, or a verdict the caller cannot use, is a miss.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTeam, signedInClient } from '@gstack/local-stack/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { cacheKey, JudgeCache } from './cache.ts';
import { TeamVerdicts } from './team-cache.ts';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'gstack-judge-cache-'));

interface Backend {
  name: string;
  /** The cache of the run that pays for a verdict. */
  writer(): Promise<JudgeCache>;
  /** The cache of a later run that should reuse it. */
  reader(): Promise<JudgeCache>;
  /** Waits until what the writer stored is visible to readers. */
  settle(): Promise<void>;
}

const local = (): Backend => {
  const root = tmp();
  return {
    name: 'local files',
    writer: async () => new JudgeCache(root),
    reader: async () => new JudgeCache(root),
    settle: async () => {},
  };
};

let team: { writer: TeamVerdicts; reader: () => TeamVerdicts };

beforeAll(async () => {
  const alice = await signedInClient();
  const bob = await signedInClient();
  const teamId = await createTeam(alice.client, 'judge');
  const invite = await alice.client.rpc('create_invite', { p_team_id: teamId });
  const joined = await bob.client.rpc('accept_invite', { p_code: invite.data[0].code });
  if (joined.error) throw new Error(joined.error.message);
  // Teammates' verdicts are reused only where the team allows it (team-trust.int.test.ts has the rules).
  const trust = await alice.client.from('team_settings').upsert({ team_id: teamId, judge_cache_trust_members: true });
  if (trust.error) throw new Error(trust.error.message);
  team = {
    writer: new TeamVerdicts({ client: alice.client, userId: alice.userId, teamId: async () => teamId }),
    reader: () => new TeamVerdicts({ client: bob.client, userId: bob.userId, teamId: async () => teamId }),
  };
});

const teamStore = (): Backend => ({
  name: 'team cache (real stack)',
  writer: async () => new JudgeCache(tmp(), { readEnabled: true, remote: team.writer }),
  reader: async () => new JudgeCache(tmp(), { readEnabled: true, remote: team.reader() }),
  settle: () => team.writer.flush(),
});

const VERDICT = { pass: true, score: 0.9, reason: 'names the capital' };

describe.each([local, teamStore])('judge cache: %o', (makeBackend) => {
  let backend: Backend;
  const keyOf = (over: Partial<Parameters<typeof cacheKey>[0]> = {}) =>
    cacheKey({
      judgeModel: 'anthropic/haiku',
      rubric: 'names the capital',
      input: { prompt: [{ role: 'user', content: 'capital of Canada?' }], answer: 'Ottawa' },
      sources: ['suite file v1'],
      ...over,
    });

  beforeAll(() => {
    backend = makeBackend();
  });

  it('reuses a verdict paid for once, with its model and cost', async () => {
    const key = await keyOf({ rubric: `names the capital ${backend.name}` });
    const writer = await backend.writer();
    expect(await writer.get('geo', key)).toBeUndefined();
    await writer.set('geo', key, 'anthropic/haiku', VERDICT, 0.0021);
    await backend.settle();

    const reader = await backend.reader();
    const hit = await reader.get('geo', key);
    expect(hit).toMatchObject({ key, judge_model: 'anthropic/haiku', verdict: VERDICT, cost_usd: 0.0021 });
    expect([reader.hits, reader.misses]).toEqual([1, 0]);
  });

  it('misses when the judge model, rubric, input or sources change', async () => {
    const base = { rubric: `stable rubric ${backend.name}` };
    const writer = await backend.writer();
    await writer.set('geo', await keyOf(base), 'anthropic/haiku', VERDICT, 0.001);
    await backend.settle();

    const reader = await backend.reader();
    const changed = [
      await keyOf({ ...base, judgeModel: 'anthropic/sonnet' }),
      await keyOf({ ...base, rubric: `${base.rubric}, politely` }),
      await keyOf({ ...base, input: { answer: 'Toronto' } }),
      await keyOf({ ...base, sources: ['suite file v2'] }),
    ];
    expect(new Set(changed).size).toBe(4);
    for (const key of changed) expect(await reader.get('geo', key)).toBeUndefined();
    expect([reader.hits, reader.misses]).toEqual([0, 4]);
    expect(await reader.get('geo', await keyOf(base))).toBeDefined();
  });

  it('misses on a verdict the caller cannot use (it pays for a call instead)', async () => {
    const key = await keyOf({ rubric: `unusable ${backend.name}` });
    const writer = await backend.writer();
    await writer.set('geo', key, 'anthropic/haiku', { accept: 'maybe' }, 0.001);
    await backend.settle();

    const reader = await backend.reader();
    expect(await reader.get('geo', key, (v) => typeof v.pass === 'boolean')).toBeUndefined();
    expect([reader.hits, reader.misses]).toEqual([0, 1]);
  });
});
