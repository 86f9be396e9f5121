/**
 * The Team page in real Chromium against the private local stack: an admin
 * creates an invite (shown once, as a code and a link) that a second person
 * joins with the real CLI and a third by opening the link, revokes another and
 * removes a member after a confirmation step (with JavaScript off), mints and
 * revokes a CI token, changes a role, meets the last-admin rule, saves settings
 * (the webhook is shown masked afterwards) and sends a Slack test message to the
 * stack's Slack sink through the same function as `gstack team alert-test`;
 * a member sees no admin forms and their POSTs are refused with 403;
 * a member leaves (the last admin cannot); a
 * cross-site POST is refused by the CSRF check. Screenshots in both themes.
 */
import { type Person, person, run } from '@gstack/client/testing/people';
import { sinkMessages, sql, stackInfo, unique } from '@gstack/local-stack/testing';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDashboard, startDashboard } from '../src/node.ts';
import { auditPage, launchBrowser, screenshotBothThemes, signInWithForm, watchForProblems } from './browser.ts';

const slug = (prefix: string) => unique(prefix).replace(/_/g, '-').toLowerCase().slice(0, 40);

let dashboard: RunningDashboard;
let browser: Browser;
let teamSlug: string;
let teamId: string;
let alice: Person;
let bob: Person;
let erin: Person;

beforeAll(async () => {
  teamSlug = slug('admin');
  [alice, bob, erin] = await Promise.all([person(teamSlug), person(teamSlug), person(teamSlug)]);
  expect((await run('gstack', ['team', 'create', teamSlug, '--name', 'Acme Admin'], alice.env)).code).toBe(0);
  teamId = (await sql<{ id: string }>('select id from public.teams where slug = $1', [teamSlug]))[0]?.id ?? '';
  dashboard = await startDashboard({ supabaseUrl: stackInfo().apiUrl, supabaseKey: stackInfo().publishableKey });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
});

const signIn = (context: BrowserContext, who: Person, to = '/') => signInWithForm(context, dashboard.url, who, to);

const roleOf = async (who: Person) =>
  (await sql<{ role: string }>('select role from public.team_members where team_id = $1 and email = $2', [teamId, who.email]))[0]?.role ??
  null;

describe('team admin in Chromium', () => {
  it('lets an admin manage invites, members, CI tokens and settings through the RPCs', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, alice, `/t/${teamSlug}/team`);
    const problems = watchForProblems(page);
    // Alone: the last-admin rule refuses the demotion, with the database's reason.
    await page.locator(`tr[data-member="${alice.email}"]`).getByRole('button', { name: 'Make member' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('A team needs at least one admin: make someone else admin first');
    expect(await roleOf(alice)).toBe('admin');

    // An invite, shown once, that bob accepts with the CLI.
    await page.goto(`${dashboard.url}/t/${teamSlug}/team`);
    await page.getByLabel('Role').selectOption('member');
    await page.getByLabel('Expires in (days)').fill('3');
    await page.getByRole('button', { name: 'Create invite' }).click();
    const code = (await page.locator('[data-secret]').textContent()) ?? '';
    expect(code).toMatch(/^gsi_/);
    // The same invite as a link, for someone without the CLI.
    expect(await page.locator('[data-invite-link]').textContent()).toBe(`${dashboard.url}/join/${code}`);
    expect(await page.locator('table.invites tbody tr').count()).toBe(1);
    const joined = await run('gstack', ['team', 'join', code], bob.env);
    expect(joined.code, joined.stderr).toBe(0);
    expect(await roleOf(bob)).toBe('member');

    // A second invite for an email, then revoked: Revoke asks first, Cancel keeps it.
    await page.goto(`${dashboard.url}/t/${teamSlug}/team`);
    await page.getByLabel('Only for email (optional)').fill('dana@example.test');
    await page.getByRole('button', { name: 'Create invite' }).click();
    await page.locator('table.invites tr', { hasText: 'dana@example.test' }).getByRole('button', { name: 'Revoke' }).click();
    expect(await page.locator('main p').first().textContent()).toBe(
      'Revoke the member invite for dana@example.test? Its code and link stop working.',
    );
    expect(await auditPage(page, 'team-confirm-revoke')).toEqual([]);
    await page.getByRole('link', { name: 'Cancel' }).click();
    expect(await page.locator('table.invites').textContent()).toContain('dana@example.test');
    await page.locator('table.invites tr', { hasText: 'dana@example.test' }).getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('button', { name: 'Revoke the invite' }).click();
    await page.waitForURL(/done=invite-revoked/);
    expect(await page.getByRole('status').textContent()).toBe('Invite revoked.');
    expect(await page.locator('table.invites').textContent()).toContain('No pending invites.');

    // Roles: bob up to admin and back.
    await page.locator(`tr[data-member="${bob.email}"]`).getByRole('button', { name: 'Make admin' }).click();
    await page.waitForURL(/done=role/);
    expect(await roleOf(bob)).toBe('admin');
    await page.locator(`tr[data-member="${bob.email}"]`).getByRole('button', { name: 'Make member' }).click();
    await page.waitForURL(/done=role/);
    expect(await roleOf(bob)).toBe('member');

    // A CI token: shown once, listed by prefix, then revoked.
    await page.getByLabel('Name').fill('github-actions');
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = (await page.locator('[data-secret]').textContent()) ?? '';
    expect(token).toMatch(/^gst_/);
    const row = page.locator('tr[data-token="github-actions"]');
    expect(await row.locator('code').textContent()).toBe(`${token.slice(0, 10)}…`);
    expect(await row.textContent()).toContain('never');
    await page.goto(`${dashboard.url}/t/${teamSlug}/team`);
    expect(await page.locator('[data-secret]').count()).toBe(0);
    await page.locator('tr[data-token="github-actions"]').getByRole('button', { name: 'Revoke' }).click();
    expect(await page.locator('main p').first().textContent()).toContain('Revoke the CI token github-actions?');
    expect(await sql('select 1 from public.team_tokens where team_id = $1 and revoked_at is null', [teamId])).toHaveLength(1);
    await page.getByRole('button', { name: 'Revoke github-actions' }).click();
    await page.waitForURL(/done=token-revoked/);
    expect(await page.locator('tr[data-token="github-actions"]').textContent()).toContain('revoked');
    const [stored] = await sql<{ revoked: boolean }>(
      'select revoked_at is not null as revoked from public.team_tokens where team_id = $1',
      [teamId],
    );
    expect(stored?.revoked).toBe(true);

    // Settings, then a test message to the Slack sink.
    const hookPath = `/services/${unique('hook')}`;
    await page.getByLabel('Slack webhook URL').fill(`${stackInfo().slackSinkUrl}${hookPath}`);
    await page.getByLabel('Alert threshold (points)').fill('7.5');
    // The defaults are shown before anything is saved.
    expect(await page.getByLabel('Alert branches').inputValue()).toBe('main,master,(none)');
    expect(await page.getByLabel('Alert cooldown (minutes)').inputValue()).toBe('5');
    await page.getByLabel('Alert branches').fill('main, release/*');
    await page.getByLabel('Alert cooldown (minutes)').fill('0');
    await page.getByLabel('Monday digest').selectOption('false');
    await page.getByLabel('Dashboard URL').fill('https://dash.example.test');
    expect(await page.getByLabel('Push quota: runs per hour').inputValue()).toBe('120');
    await page.getByLabel('Reuse judge verdicts from').selectOption('true');
    await page.getByLabel('Push quota: runs per hour').fill('30');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.waitForURL(/done=settings/);
    const [settings] = await sql<Record<string, unknown>>(
      'select slack_webhook_url, alert_threshold_pp, alert_branches, alert_cooldown_minutes, digest_enabled, dashboard_url, judge_cache_trust_members, push_runs_per_hour, push_results_per_hour from public.team_settings where team_id = $1',
      [teamId],
    );
    expect(settings).toEqual({
      slack_webhook_url: `${stackInfo().slackSinkUrl}${hookPath}`,
      alert_threshold_pp: '7.50',
      alert_branches: ['main', 'release/*'],
      alert_cooldown_minutes: 0,
      digest_enabled: false,
      dashboard_url: 'https://dash.example.test',
      judge_cache_trust_members: true,
      push_runs_per_hour: 30,
      push_results_per_hour: 200_000,
    });
    // Saved, the webhook is shown masked: the page never carries the whole URL again.
    expect(await page.getByLabel('Slack webhook URL').inputValue()).toBe('');
    expect(await page.locator('[data-webhook]').textContent()).toBe(`${`${stackInfo().slackSinkUrl}${hookPath}`.slice(0, 32)}…`);
    expect(await page.content()).not.toContain(hookPath);
    // Saving with the field left empty keeps it; the box removes it (checked further down).
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.waitForURL(/done=settings/);
    expect((await sql<{ u: string }>('select slack_webhook_url as u from public.team_settings where team_id = $1', [teamId]))[0]?.u).toBe(
      `${stackInfo().slackSinkUrl}${hookPath}`,
    );
    // The test message goes through the regression-alert function, as the CLI's does, so the stack's sink gets it.
    await page.getByRole('button', { name: 'Send a test message to Slack' }).click();
    await page.waitForURL(/done=slack-test/);
    const messages = await sinkMessages(hookPath);
    expect(messages).toHaveLength(1);
    expect(String(messages[0]?.payload.text)).toBe('Test message from gstack for Acme Admin');
    await screenshotBothThemes(page, 'team-admin');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshotBothThemes(page, 'team-admin-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(await auditPage(page, 'team-admin')).toEqual([]);

    // Invalid input is named, not stored.
    await page.getByLabel('Alert threshold (points)').evaluate((el) => el.removeAttribute('min'));
    await page.getByLabel('Alert threshold (points)').fill('0');
    await page.getByRole('button', { name: 'Save settings' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('alert_threshold_pp');
    expect((await sql<{ t: string }>('select alert_threshold_pp as t from public.team_settings where team_id = $1', [teamId]))[0]?.t).toBe(
      '7.50',
    );
    await page.getByLabel('Alert threshold (points)').fill('7.5');
    await page.getByLabel('Alert branches').fill('main, my branch');
    await page.getByRole('button', { name: 'Save settings' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('alert_branches');
    expect((await sql<{ b: string[] }>('select alert_branches as b from public.team_settings where team_id = $1', [teamId]))[0]?.b).toEqual(
      ['main', 'release/*'],
    );
    expect(problems.filter((p) => !p.includes('400'))).toEqual([]);
    await context.close();
  });

  it('lets someone join by opening the invite link, and removes them after a confirmation that needs no JavaScript', async () => {
    const admin = await browser.newContext({ javaScriptEnabled: false });
    const page = await signIn(admin, alice, `/t/${teamSlug}/team`);
    await page.getByRole('button', { name: 'Create invite' }).click();
    const link = (await page.locator('[data-invite-link]').textContent()) ?? '';

    // Signed out, the link asks for sign-in first and comes back to the invite.
    const invited = await browser.newContext();
    const joining = await invited.newPage();
    await joining.goto(link);
    expect(new URL(joining.url()).pathname).toBe('/login');
    await joining.getByLabel('Email').fill(erin.email);
    await joining.getByLabel('Password').fill(erin.password);
    await joining.getByRole('button', { name: 'Sign in' }).click();
    await joining.waitForURL(link);
    // Opening the link changed nothing yet: joining is the button.
    expect(await roleOf(erin)).toBeNull();
    expect(await auditPage(joining, 'team-join')).toEqual([]);
    await joining.getByRole('button', { name: 'Join the team' }).click();
    await joining.waitForURL(`${dashboard.url}/t/${teamSlug}`);
    expect(await roleOf(erin)).toBe('member');
    // Single use: the link now says so.
    await joining.goto(link);
    await joining.getByRole('button', { name: 'Join the team' }).click();
    expect(await joining.getByRole('alert').textContent()).toBe('This invite has already been used.');
    await invited.close();

    // Remove asks first, on a page of its own (a plain form: JavaScript is off here).
    await page.goto(`${dashboard.url}/t/${teamSlug}/team`);
    await page.locator(`tr[data-member="${erin.email}"]`).getByRole('button', { name: 'Remove' }).click();
    expect(await page.locator('main p').first().textContent()).toContain(`Remove ${erin.email} from Acme Admin?`);
    expect(await roleOf(erin)).toBe('member');
    // (axe needs script in the page: the confirmation page is audited in the first test.)
    await screenshotBothThemes(page, 'team-confirm-remove');
    await page.getByRole('button', { name: `Remove ${erin.email}` }).click();
    await page.waitForURL(/done=removed/);
    expect(await roleOf(erin)).toBeNull();

    // The box removes the saved webhook.
    await page.getByLabel('Remove the saved webhook').check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.waitForURL(/done=settings/);
    expect(
      (await sql<{ u: string | null }>('select slack_webhook_url as u from public.team_settings where team_id = $1', [teamId]))[0]?.u,
    ).toBeNull();
    expect(await page.locator('[data-webhook]').count()).toBe(0);
    await admin.close();
  });

  it('shows a member the team without any forms and refuses their posts', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, bob, `/t/${teamSlug}/team`);
    // No admin forms: the one form a member has is leaving the team.
    expect(await page.locator('main form').count()).toBe(1);
    expect(await page.locator('main button').allTextContents()).toEqual(['Leave Acme Admin']);
    // alice and bob (erin joined by the link and was removed).
    expect(await page.locator('table.members tbody tr').count()).toBe(2);
    expect(await page.locator('main').textContent()).not.toContain('Slack');
    await screenshotBothThemes(page, 'team-member');
    const [aliceId] = await sql<{ user_id: string }>('select user_id from public.team_members where team_id = $1 and email = $2', [
      teamId,
      alice.email,
    ]);
    for (const [path, form] of [
      ['members/role', { user_id: aliceId?.user_id ?? '', role: 'member' }],
      ['members/remove', { user_id: aliceId?.user_id ?? '' }],
      ['invites', { role: 'admin', expires_days: '7' }],
      ['tokens', { name: 'sneaky' }],
      [
        'settings',
        {
          alert_threshold_pp: '50',
          alert_branches: '**',
          alert_cooldown_minutes: '0',
          digest_enabled: 'true',
          slack_webhook_url: '',
          dashboard_url: '',
        },
      ],
      ['settings/slack-test', {}],
    ] as const) {
      const res = await page.request.post(`${dashboard.url}/t/${teamSlug}/team/${path}`, {
        form: form as Record<string, string>,
        headers: { origin: dashboard.url },
        maxRedirects: 0,
      });
      expect(res.status(), path).toBe(403);
      expect(await res.text(), path).toContain('Only a team admin can do this.');
    }
    expect(await roleOf(alice)).toBe('admin');
    expect(
      Number(
        (await sql<{ n: string }>('select count(*) as n from public.team_tokens where team_id = $1 and name = $2', [teamId, 'sneaky']))[0]
          ?.n,
      ),
    ).toBe(0);
    expect((await sql<{ t: string }>('select alert_threshold_pp as t from public.team_settings where team_id = $1', [teamId]))[0]?.t).toBe(
      '7.50',
    );
    await context.close();
  });

  it('lets a member leave the team, and refuses the last admin with the reason', async () => {
    const context = await browser.newContext();
    const admin = await signIn(context, alice, `/t/${teamSlug}/team`);
    await admin.getByRole('button', { name: 'Leave Acme Admin' }).click();
    expect(await admin.getByRole('alert').textContent()).toContain('A team needs at least one admin');
    expect(await roleOf(alice)).toBe('admin');
    await context.close();

    const other = await browser.newContext();
    const page = await signIn(other, bob, `/t/${teamSlug}/team`);
    await page.getByRole('button', { name: 'Leave Acme Admin' }).click();
    await page.waitForURL(/\/\?done=left$/);
    expect(await page.getByRole('status').textContent()).toBe('You left the team.');
    expect(await page.locator('main').textContent()).toContain('You are not in a team yet');
    expect(await roleOf(bob)).toBeNull();
    // The team's pages are closed to bob now.
    expect((await page.goto(`${dashboard.url}/t/${teamSlug}/team`))?.status()).toBe(404);
    await other.close();
  });

  it("refuses an admin's form post sent from another site (CSRF)", async () => {
    const context = await browser.newContext();
    const page = await signIn(context, alice, `/t/${teamSlug}/team`);
    const res = await page.request.post(`${dashboard.url}/t/${teamSlug}/team/tokens`, {
      form: { name: 'forged' },
      headers: { origin: 'https://evil.example' },
      maxRedirects: 0,
    });
    expect(res.status()).toBe(403);
    expect(
      Number(
        (await sql<{ n: string }>('select count(*) as n from public.team_tokens where team_id = $1 and name = $2', [teamId, 'forged']))[0]
          ?.n,
      ),
    ).toBe(0);
    await context.close();
  });
});
