/**
 * Team management and ingest through the RPCs, as the CLI will call them:
 * create, invite → accept, remove, role changes, the last-admin rule, and the CI
 * token lifecycle (create → ingest → revoke → refused).
 */
import { anonClient, eventually, serviceClient, signedInClient, sql, stackInfo, unique } from '@gstack/local-stack/testing';
import { describe, expect, it } from 'vitest';

const slug = (prefix: string) => unique(prefix).replace(/_/g, '-').toLowerCase();

async function teamWithAdmin() {
  const admin = await signedInClient();
  const { data, error } = await admin.client.rpc('create_team', { p_slug: slug('team'), p_name: 'Acme Evals' });
  if (error) throw new Error(error.message);
  return { admin, team: data as { id: string; slug: string; name: string } };
}

async function invite(client: Awaited<ReturnType<typeof signedInClient>>['client'], teamId: string, role = 'member', email?: string) {
  const { data, error } = await client.rpc('create_invite', { p_team_id: teamId, p_role: role, p_email: email ?? null });
  const row = (data as Array<{ invite_id: string; code: string; expires_at: string }>)[0];
  if (error || !row) throw new Error(error?.message ?? 'no invite returned');
  return row;
}

function runPayload(runKey: string) {
  return {
    run: {
      run_key: runKey,
      repo_slug: 'acme/app',
      branch: 'main',
      git_sha: 'abc123',
      suite: 'smoke',
      tier: 'standard',
      hostname: 'ci-runner',
      version: '0.1.0',
      run_at: new Date().toISOString(),
      total_tests: 2,
      passed: 1,
      failed: 1,
      cost_usd: 0.012,
      judge_cost_usd: 0.002,
      duration_ms: 1234,
      by_category: { basics: { passed: 1, total: 2 } },
      result: { schema_version: 1, suite: 'smoke' },
    },
    results: [
      {
        test_name: 'greets',
        category: 'basics',
        passed: true,
        score: 1,
        cost_usd: 0.004,
        resolved_tier: 'local',
        resolved_model: 'local/qwen',
      },
      {
        test_name: 'counts',
        category: 'basics',
        passed: false,
        score: 0,
        cost_usd: 0.006,
        resolved_tier: 'cloud',
        resolved_model: 'anthropic/claude-sonnet-4-6',
        error: 'wrong',
      },
    ],
    attempts: [
      { test_name: 'greets', attempt: 1, model: 'local/qwen', tier: 'local', verdict: 'accept', input_tokens: 10, output_tokens: 5 },
      { test_name: 'counts', attempt: 1, model: 'local/qwen', tier: 'local', verdict: 'escalate', feedback: 'off by one' },
      {
        test_name: 'counts',
        attempt: 2,
        model: 'anthropic/claude-sonnet-4-6',
        tier: 'cloud',
        verdict: 'accept',
        cost_usd: 0.006,
        cost_exact: true,
      },
    ],
    costs: [
      { model: 'local/qwen', purpose: 'system', calls: 2, input_tokens: 20, output_tokens: 10, cost_usd: 0 },
      { model: 'anthropic/claude-sonnet-4-6', purpose: 'system', calls: 1, cost_usd: 0.01, exact: true },
      { model: 'anthropic/claude-haiku-4-5', purpose: 'judge', calls: 2, cost_usd: 0.002, exact: true },
    ],
  };
}

describe('creating a team', () => {
  it('makes the creator its admin', async () => {
    const { admin, team } = await teamWithAdmin();
    expect(team.name).toBe('Acme Evals');
    const { data } = await admin.client.from('team_members').select('user_id, role, email').eq('team_id', team.id);
    expect(data).toEqual([{ user_id: admin.userId, role: 'admin', email: admin.email }]);
  });

  it('refuses bad and taken slugs with clear errors', async () => {
    const { admin, team } = await teamWithAdmin();
    const bad = await admin.client.rpc('create_team', { p_slug: 'Not A Slug' });
    expect(bad.error?.code).toBe('22023');
    expect(bad.error?.message).toContain('invalid team slug');
    const taken = await admin.client.rpc('create_team', { p_slug: team.slug });
    expect(taken.error?.code).toBe('23505');
    expect(taken.error?.message).toBe(`the team slug ${team.slug} is taken`);
    const anon = await anonClient().rpc('create_team', { p_slug: slug('anon') });
    expect(anon.error?.code).toBe('42501');
  });
});

describe('invites', () => {
  it('invite → accept → member, single use', async () => {
    const { admin, team } = await teamWithAdmin();
    const member = await signedInClient();
    const { code } = await invite(admin.client, team.id);
    expect(code).toMatch(/^gsi_[A-Za-z0-9_-]{32}$/);

    expect((await member.client.from('teams').select('id').eq('id', team.id)).data).toEqual([]);
    const accepted = await member.client.rpc('accept_invite', { p_code: code });
    expect(accepted.error).toBeNull();
    expect(accepted.data).toBe(team.id);
    expect((await member.client.from('teams').select('id').eq('id', team.id)).data).toEqual([{ id: team.id }]);
    const roles = await admin.client.from('team_members').select('user_id, role').eq('team_id', team.id).order('role');
    expect(roles.data).toEqual([
      { user_id: admin.userId, role: 'admin' },
      { user_id: member.userId, role: 'member' },
    ]);

    const third = await signedInClient();
    const reused = await third.client.rpc('accept_invite', { p_code: code });
    expect(reused.error?.message).toBe('this invite has already been used');
    // Only the hash is stored.
    const stored = await sql<{ code_hash: string }>('select code_hash from public.team_invites where team_id = $1', [team.id]);
    expect(stored[0]?.code_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(code);
  });

  it('refuses expired, unknown and other-address invites, and non-admin inviters', async () => {
    const { admin, team } = await teamWithAdmin();
    const joiner = await signedInClient();
    const expired = await invite(admin.client, team.id);
    await sql("update public.team_invites set expires_at = now() - interval '1 minute' where id = $1", [expired.invite_id]);
    expect((await joiner.client.rpc('accept_invite', { p_code: expired.code })).error?.message).toMatch(/^this invite expired at/);
    expect((await joiner.client.rpc('accept_invite', { p_code: 'gsi_nope' })).error?.message).toBe('this invite code is not valid');

    const forSomeoneElse = await invite(admin.client, team.id, 'member', 'someone.else@example.test');
    const wrongEmail = await joiner.client.rpc('accept_invite', { p_code: forSomeoneElse.code });
    expect(wrongEmail.error?.code).toBe('42501');

    const forJoiner = await invite(admin.client, team.id, 'admin', joiner.email.toUpperCase());
    expect((await joiner.client.rpc('accept_invite', { p_code: forJoiner.code })).error).toBeNull();
    const role = await admin.client.from('team_members').select('role').eq('team_id', team.id).eq('user_id', joiner.userId).single();
    expect(role.data?.role).toBe('admin');

    const member = await signedInClient();
    await member.client.rpc('accept_invite', { p_code: (await invite(admin.client, team.id)).code });
    const byMember = await member.client.rpc('create_invite', { p_team_id: team.id });
    expect(byMember.error?.code).toBe('42501');
    expect(byMember.error?.message).toBe('only a team admin can do this');
  });
});

describe('email-bound invites need a confirmed address', () => {
  it('refuses an email-bound invite to an unconfirmed address until it is confirmed; an unbound one is unaffected', async () => {
    const { admin, team } = await teamWithAdmin();
    const joiner = await signedInClient();
    // As if signed up where confirmation is on, or through a provider that did not verify the address:
    // the session is valid, the address unproven.
    await sql('update auth.users set email_confirmed_at = null where id = $1', [joiner.userId]);
    const bound = await invite(admin.client, team.id, 'member', joiner.email);
    const refused = await joiner.client.rpc('accept_invite', { p_code: bound.code });
    expect(refused.error?.code).toBe('42501');
    expect(refused.error?.message).toBe(
      `this invite is for ${joiner.email}: confirm that email address first (the link in the confirmation email), then accept it`,
    );
    const members = await sql('select 1 from public.team_members where team_id = $1 and user_id = $2', [team.id, joiner.userId]);
    expect(members).toHaveLength(0);
    // The invite is still usable once the address is confirmed.
    await sql('update auth.users set email_confirmed_at = now() where id = $1', [joiner.userId]);
    expect((await joiner.client.rpc('accept_invite', { p_code: bound.code })).error).toBeNull();

    const other = await signedInClient();
    await sql('update auth.users set email_confirmed_at = null where id = $1', [other.userId]);
    expect((await other.client.rpc('accept_invite', { p_code: (await invite(admin.client, team.id)).code })).error).toBeNull();
  });

  it('the local auth, like GoTrue, refuses a password sign-in to an unconfirmed address', async () => {
    const email = `${unique('unconfirmed')}@example.test`.toLowerCase();
    const created = await serviceClient().auth.admin.createUser({ email, password: 'password-123' });
    expect(created.data.user?.email_confirmed_at).toBeNull();
    const { error } = await anonClient().auth.signInWithPassword({ email, password: 'password-123' });
    expect(error?.status).toBe(400);
    expect(error?.code).toBe('email_not_confirmed');
  });
});

describe('members and roles', () => {
  it('removes members, changes roles, and never leaves a team without an admin', async () => {
    const { admin, team } = await teamWithAdmin();
    const member = await signedInClient();
    await member.client.rpc('accept_invite', { p_code: (await invite(admin.client, team.id)).code });

    // The only admin can neither leave nor be demoted.
    const leave = await admin.client.rpc('remove_member', { p_team_id: team.id, p_user_id: admin.userId });
    expect(leave.error?.code).toBe('23514');
    expect(leave.error?.message).toContain('at least one admin');
    const demote = await admin.client.rpc('set_member_role', { p_team_id: team.id, p_user_id: admin.userId, p_role: 'member' });
    expect(demote.error?.code).toBe('23514');

    // A member can neither change roles nor remove others.
    expect(
      (await member.client.rpc('set_member_role', { p_team_id: team.id, p_user_id: member.userId, p_role: 'admin' })).error?.code,
    ).toBe('42501');
    expect((await member.client.rpc('remove_member', { p_team_id: team.id, p_user_id: admin.userId })).error?.code).toBe('42501');
    // ... nor write their own role directly, only their display name.
    expect(
      (await member.client.from('team_members').update({ role: 'admin' }).eq('team_id', team.id).eq('user_id', member.userId)).error?.code,
    ).toBe('42501');
    expect(
      (await member.client.from('team_members').update({ display_name: 'Grace' }).eq('team_id', team.id).eq('user_id', member.userId))
        .error,
    ).toBeNull();

    // Promote, then the first admin may step down and leave.
    expect((await admin.client.rpc('set_member_role', { p_team_id: team.id, p_user_id: member.userId, p_role: 'admin' })).error).toBeNull();
    expect((await admin.client.rpc('set_member_role', { p_team_id: team.id, p_user_id: admin.userId, p_role: 'member' })).error).toBeNull();
    expect((await admin.client.rpc('remove_member', { p_team_id: team.id, p_user_id: admin.userId })).error).toBeNull();
    expect((await admin.client.from('teams').select('id').eq('id', team.id)).data).toEqual([]);

    const members = await member.client.from('team_members').select('user_id, role, display_name').eq('team_id', team.id);
    expect(members.data).toEqual([{ user_id: member.userId, role: 'admin', display_name: 'Grace' }]);
  });

  it('lets an admin remove a member, who then sees nothing', async () => {
    const { admin, team } = await teamWithAdmin();
    const member = await signedInClient();
    await member.client.rpc('accept_invite', { p_code: (await invite(admin.client, team.id)).code });
    expect((await admin.client.rpc('remove_member', { p_team_id: team.id, p_user_id: member.userId })).error).toBeNull();
    expect((await member.client.from('teams').select('id').eq('id', team.id)).data).toEqual([]);
    expect((await admin.client.rpc('remove_member', { p_team_id: team.id, p_user_id: member.userId })).error?.message).toBe(
      'not a member of this team',
    );
  });
});

describe('CI ingest tokens', () => {
  it('create → ingest → re-ingest is a no-op → revoke → refused', async () => {
    const { admin, team } = await teamWithAdmin();
    const created = await admin.client.rpc('create_team_token', { p_team_id: team.id, p_name: 'github-actions' });
    expect(created.error).toBeNull();
    const token = (created.data as Array<{ token: string }>)[0]?.token ?? '';
    expect(token).toMatch(/^gst_[A-Za-z0-9_-]{32}$/);

    const ci = anonClient();
    const runKey = unique('ci-run');
    const first = await ci.rpc('ingest_eval_run', { p_token: token, p_payload: runPayload(runKey) });
    expect(first.error).toBeNull();
    expect(first.data).toMatchObject({ created: true });
    const runId = (first.data as { run_id: string }).run_id;

    const again = await ci.rpc('ingest_eval_run', { p_token: token, p_payload: runPayload(runKey) });
    expect(again.data).toEqual({ run_id: runId, created: false });

    // Everything landed once, attributed to the token, readable by the team.
    const counts = await sql<{ results: number; attempts: number; costs: number; runs: number }>(
      `select (select count(*)::int from public.eval_runs where team_id = $1) as runs,
              (select count(*)::int from public.eval_results where run_id = $2) as results,
              (select count(*)::int from public.eval_attempts where run_id = $2) as attempts,
              (select count(*)::int from public.eval_costs where run_id = $2) as costs`,
      [team.id, runId],
    );
    expect(counts).toEqual([{ runs: 1, results: 2, attempts: 3, costs: 3 }]);
    const run = await admin.client.from('eval_runs').select('user_id, token_id, pass_rate, cost_usd, suite').eq('id', runId).single();
    expect(run.data).toMatchObject({ user_id: null, pass_rate: 50, cost_usd: 0.012, suite: 'smoke' });
    expect(run.data?.token_id).toBeTruthy();

    // The token writes but cannot read.
    const read = await ci.from('eval_runs').select('id');
    expect(read.error?.code).toBe('42501');

    const listed = await admin.client.from('team_tokens').select('name, token_prefix, last_used_at, revoked_at').eq('team_id', team.id);
    expect(listed.data).toEqual([
      { name: 'github-actions', token_prefix: token.slice(0, 10), last_used_at: expect.any(String), revoked_at: null },
    ]);

    expect((await admin.client.rpc('revoke_team_token', { p_team_id: team.id, p_name: 'github-actions' })).data).toBe(true);
    const refused = await ci.rpc('ingest_eval_run', { p_token: token, p_payload: runPayload(unique('after-revoke')) });
    expect(refused.error?.code).toBe('28000');
    expect(refused.error?.message).toBe('this ingest token is not valid (revoked or unknown)');
    expect((await admin.client.rpc('revoke_team_token', { p_team_id: team.id, p_name: 'github-actions' })).data).toBe(false);
  });

  it('refuses a malformed payload whole, writing nothing', async () => {
    const { admin, team } = await teamWithAdmin();
    const payload = runPayload(unique('bad'));
    // A result missing its required `passed`: the run must not land half-written.
    (payload.results[1] as Record<string, unknown>).passed = undefined;
    const res = await admin.client.rpc('push_eval_run', { p_team_id: team.id, p_payload: JSON.parse(JSON.stringify(payload)) });
    expect(res.error?.code).toBe('23502');
    expect(res.error?.message).toContain('"passed"');
    const runs = await admin.client.from('eval_runs').select('id').eq('team_id', team.id);
    expect(runs.data).toEqual([]);
    const notObject = await admin.client.rpc('push_eval_run', { p_team_id: team.id, p_payload: { run: [] } });
    expect(notObject.error?.message).toBe('payload.run must be an object');
  });

  it('lets members push as themselves and refuses outsiders', async () => {
    const { admin, team } = await teamWithAdmin();
    const pushed = await admin.client.rpc('push_eval_run', { p_team_id: team.id, p_payload: runPayload(unique('member-run')) });
    expect(pushed.error).toBeNull();
    const row = await admin.client
      .from('eval_runs')
      .select('user_id, token_id')
      .eq('id', (pushed.data as { run_id: string }).run_id)
      .single();
    expect(row.data).toEqual({ user_id: admin.userId, token_id: null });

    const outsider = await signedInClient();
    const refused = await outsider.client.rpc('push_eval_run', { p_team_id: team.id, p_payload: runPayload(unique('x')) });
    expect(refused.error?.code).toBe('42501');
  });
});

describe('alerts and digest wiring', () => {
  it('a new run reaches the regression-alert function through net.http_post, which records its decision', async () => {
    const { admin, team } = await teamWithAdmin();
    const pushed = await admin.client.rpc('push_eval_run', { p_team_id: team.id, p_payload: runPayload(unique('alerting')) });
    const runId = (pushed.data as { run_id: string }).run_id;
    // The function claimed the run from the webhook payload (a first run has no baseline: no alert).
    const delivery = await eventually('the delivery row', async () => {
      const rows = await sql('select team_id, decision from public.alert_deliveries where run_id = $1 and decision <> $2', [
        runId,
        'pending',
      ]);
      return rows[0];
    });
    expect(delivery).toEqual({ team_id: team.id, decision: 'none' });
    const requests = await eventually('the recorded response', async () => {
      const rows = await sql<{ status_code: number }>('select status_code from net._http_response where content like $1', [`%${runId}%`]);
      return rows.length ? rows : undefined;
    });
    expect(requests.map((r) => r.status_code)).toEqual([200]);
  });

  it('schedules the weekly digest for Mondays 09:00 UTC with cron.schedule, without any secret in the job', async () => {
    const jobs = await sql('select jobname, schedule, command from cron.job where jobname = $1', ['gstack-weekly-digest']);
    expect(jobs).toEqual([
      { jobname: 'gstack-weekly-digest', schedule: '0 9 * * 1', command: ` select private.invoke_function('weekly-digest', '{}'::jsonb) ` },
    ]);
    expect(JSON.stringify(jobs)).not.toContain(stackInfo().serviceRoleKey);
  });

  it('keeps team settings to admins', async () => {
    const { admin, team } = await teamWithAdmin();
    const member = await signedInClient();
    await member.client.rpc('accept_invite', { p_code: (await invite(admin.client, team.id)).code });
    const set = await admin.client.from('team_settings').upsert({
      team_id: team.id,
      slack_webhook_url: ['https://hooks.slack.com', '/services/', 'T/B/X'].join(''),
      alert_threshold_pp: 7.5,
    });
    expect(set.error).toBeNull();
    expect((await member.client.from('team_settings').select('*').eq('team_id', team.id)).data).toEqual([]);
    const bad = await admin.client.from('team_settings').upsert({ team_id: team.id, alert_threshold_pp: 0 });
    expect(bad.error?.code).toBe('23514');
    const settings = await serviceClient()
      .from('team_settings')
      .select('alert_threshold_pp, digest_enabled')
      .eq('team_id', team.id)
      .single();
    expect(settings.data).toEqual({ alert_threshold_pp: 7.5, digest_enabled: true });
  });
});
