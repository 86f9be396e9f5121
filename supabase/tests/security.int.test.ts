/**
 * Hardening of the store (issue 9): push limits enforced by the store and kept
 * equal to core's, team_settings.updated_by set by the server, Slack webhook
 * hosts restricted, a teammate's run closed to other members, and activity
 * natural keys that include the pushing user.
 */
import { PUSH_LIMITS } from '@gstack/core';
import { anonClient, serviceClient, signedInClient, sql, unique } from '@gstack/local-stack/testing';
import { describe, expect, it } from 'vitest';

/** A Slack-webhook-shaped URL built from parts, so no literal in the repository looks like a real hook. */
const hook = (origin: string) => [origin, '/services/', 'T0/B0/XYZ'].join('');

const slug = (prefix: string) => unique(prefix).replace(/_/g, '-').toLowerCase();

async function teamOfTwo() {
  const [admin, member] = await Promise.all([signedInClient(), signedInClient()]);
  const { data, error } = await admin.client.rpc('create_team', { p_slug: slug('sec'), p_name: 'Security' });
  if (error) throw new Error(error.message);
  const team = data as { id: string };
  const added = await serviceClient().from('team_members').insert({ team_id: team.id, user_id: member.userId, role: 'member' });
  if (added.error) throw new Error(added.error.message);
  return { admin, member, team };
}

function payload(runKey: string, results = 1) {
  return {
    run: {
      run_key: runKey,
      repo_slug: 'acme/app',
      suite: 'smoke',
      run_at: new Date().toISOString(),
      total_tests: results,
      passed: results,
      failed: 0,
      result: { schema_version: 1 },
    },
    results: Array.from({ length: results }, (_, i) => ({ test_name: `t${i}`, passed: true, resolved_tier: 'local' })),
    attempts: [],
    costs: [],
  };
}

describe('push limits', () => {
  it('are the same numbers in the store as in core', async () => {
    const [row] = await sql<{ limits: Record<string, number> }>('select private.push_limits() as limits');
    expect(row?.limits).toEqual(PUSH_LIMITS);
  });

  it.each([
    [
      'too many results',
      (p: ReturnType<typeof payload>) => p,
      PUSH_LIMITS.tests + 1,
      `results: ${PUSH_LIMITS.tests + 1} rows; at most ${PUSH_LIMITS.tests}`,
    ],
    [
      'a label over the name limit',
      (p: ReturnType<typeof payload>) => ({ ...p, run: { ...p.run, label: 'x'.repeat(PUSH_LIMITS.nameChars + 1) } }),
      1,
      `run.label: ${PUSH_LIMITS.nameChars + 1} characters; at most ${PUSH_LIMITS.nameChars}`,
    ],
    [
      'an error over the string limit',
      (p: ReturnType<typeof payload>) => ({ ...p, results: [{ ...p.results[0], error: 'e'.repeat(PUSH_LIMITS.stringChars + 1) }] }),
      1,
      `results[0].error: ${PUSH_LIMITS.stringChars + 1} characters; at most ${PUSH_LIMITS.stringChars}`,
    ],
  ])('refuse %s through a CI token, naming the field and writing nothing', async (_what, change, results, message) => {
    const { admin, team } = await teamOfTwo();
    const created = await admin.client.rpc('create_team_token', { p_team_id: team.id, p_name: 'ci' });
    const token = (created.data as Array<{ token: string }>)[0]?.token ?? '';
    const runKey = unique('limits');
    const res = await anonClient().rpc('ingest_eval_run', { p_token: token, p_payload: change(payload(runKey, results)) });
    expect(res.error?.code).toBe('54000');
    expect(res.error?.message).toBe(`push refused: ${message}`);
    const runs = await serviceClient().from('eval_runs').select('id').eq('run_key', runKey);
    expect(runs.data).toEqual([]);
  });

  it('refuse an oversized document pushed by a member', async () => {
    const { member, team } = await teamOfTwo();
    const p = payload(unique('big'));
    p.run.result = { schema_version: 1, blob: 'x'.repeat(PUSH_LIMITS.documentBytes) } as typeof p.run.result;
    const res = await member.client.rpc('push_eval_run', { p_team_id: team.id, p_payload: p });
    expect(res.error?.code).toBe('54000');
    expect(res.error?.message).toMatch(/^push refused: run\.result: the document is \d+ bytes; at most 20971520$/);
  });
});

describe("a teammate's run", () => {
  it('cannot be changed by another member: no results, attempts or costs added, aggregates unchanged', async () => {
    const { admin, member, team } = await teamOfTwo();
    const pushed = await admin.client.rpc('push_eval_run', { p_team_id: team.id, p_payload: payload(unique('mine'), 2) });
    const runId = (pushed.data as { run_id: string }).run_id;
    const before = await serviceClient().from('eval_runs').select('tier_stats').eq('id', runId).single();
    expect(before.data?.tier_stats).toEqual({ local: { tests: 2, passed: 2, cost_usd: 0 } });

    const result = await member.client
      .from('eval_results')
      .insert({ run_id: runId, team_id: team.id, test_name: 'planted', passed: false, resolved_tier: 'frontier' });
    expect(result.error?.code).toBe('42501');
    const attempt = await member.client
      .from('eval_attempts')
      .insert({ run_id: runId, team_id: team.id, test_name: 't0', attempt: 9, model: 'x/y', verdict: 'error' });
    expect(attempt.error?.code).toBe('42501');
    const cost = await member.client.from('eval_costs').insert({ run_id: runId, team_id: team.id, model: 'x/y', cost_usd: 999 });
    expect(cost.error?.code).toBe('42501');

    const after = await serviceClient().from('eval_runs').select('tier_stats').eq('id', runId).single();
    expect(after.data?.tier_stats).toEqual(before.data?.tier_stats);
  });
});

describe('team settings', () => {
  it('record the signed-in admin as updated_by, whatever the request says', async () => {
    const { admin, member, team } = await teamOfTwo();
    const res = await admin.client
      .from('team_settings')
      .upsert({ team_id: team.id, alert_threshold_pp: 7, updated_by: member.userId, updated_at: '2000-01-01T00:00:00Z' })
      .select('updated_by, updated_at')
      .single();
    expect(res.error).toBeNull();
    expect(res.data?.updated_by).toBe(admin.userId);
    expect(Date.parse(res.data?.updated_at ?? '')).toBeGreaterThan(Date.parse('2026-01-01'));
  });

  it.each([hook('https://hooks.slack.com'), hook('https://hooks.slack-gov.com')])('accept the Slack webhook %s', async (url) => {
    const { admin, team } = await teamOfTwo();
    const res = await admin.client.from('team_settings').upsert({ team_id: team.id, slack_webhook_url: url });
    expect(res.error).toBeNull();
  });

  it.each([
    hook('http://hooks.slack.com'),
    'https://hooks.slack.com.evil.example/services/T0',
    'https://hooks.slack.com@evil.example/services/T0',
    'https://evil.example/https://hooks.slack.com/',
    'http://169.254.169.254/latest/meta-data/',
    'http://127.0.0.1:5432/',
    'http://localhost:54321/functions/v1/weekly-digest',
  ])('refuse the webhook %s', async (url) => {
    const { admin, team } = await teamOfTwo();
    const res = await admin.client.from('team_settings').upsert({ team_id: team.id, slack_webhook_url: url });
    expect(res.error?.code).toBe('22023');
    expect(res.error?.message).toContain('slack_webhook_url must be a Slack incoming webhook');
  });

  it("accept the local stack's own Slack sink (listed by the stack), but not with userinfo", async () => {
    const [allowed] = await sql<{ origin: string }>('select origin from private.webhook_allowed_origins');
    expect(allowed?.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const { admin, team } = await teamOfTwo();
    const ok = await admin.client.from('team_settings').upsert({ team_id: team.id, slack_webhook_url: `${allowed?.origin}/hooks/t1` });
    expect(ok.error).toBeNull();
    const sneaky = `http://x@${(allowed?.origin ?? '').slice('http://'.length)}/hooks/t1`;
    const refused = await admin.client.from('team_settings').upsert({ team_id: team.id, slack_webhook_url: sneaky });
    expect(refused.error?.code).toBe('22023');
  });
});

describe('activity natural keys', () => {
  it('let two people log the same ship and triage the same comment, each keeping the credit', async () => {
    const { admin, member, team } = await teamOfTwo();
    const ship = { team_id: team.id, repo_slug: 'acme/app', git_sha: 'abc123', shipped_at: new Date().toISOString() };
    const triage = { team_id: team.id, repo_slug: 'acme/app', comment_id: 'c-1', verdict: 'valid' };
    for (const person of [member, admin]) {
      const s = await person.client
        .from('ship_logs')
        .upsert({ ...ship, user_id: person.userId }, { onConflict: 'team_id,repo_slug,git_sha,user_id', ignoreDuplicates: true });
      expect(s.error).toBeNull();
      const t = await person.client
        .from('greptile_triage')
        .upsert({ ...triage, user_id: person.userId }, { onConflict: 'team_id,repo_slug,comment_id,user_id', ignoreDuplicates: true });
      expect(t.error).toBeNull();
    }
    const ships = await serviceClient().from('ship_logs').select('user_id').eq('team_id', team.id);
    expect(ships.data?.map((r) => r.user_id).sort()).toEqual([admin.userId, member.userId].sort());
    const triaged = await serviceClient().from('greptile_triage').select('user_id').eq('team_id', team.id);
    expect(triaged.data?.map((r) => r.user_id).sort()).toEqual([admin.userId, member.userId].sort());
  });
});
