/**
 * `/t/:slug/team`: members and roles, invites, CI tokens and settings. Every
 * member reads it; only admins see the forms, and every action is a POST
 * (same-origin CSRF check) that is refused with 403 for a member before it
 * reaches the database, then goes through the existing RPCs (or RLS-guarded
 * writes) so the database stays the authority: the last-admin rule, invite
 * limits and token uniqueness are enforced there and their messages shown.
 * Codes and tokens are shown once, on the page that created them; an invite
 * also as a link to /join/<code> (pages/join.ts). Removing a member and
 * revoking an invite or a token ask first: the form posts without confirm=yes
 * and gets a confirmation page whose button posts again with it (no script).
 * The Slack webhook is shown masked once saved; the test message goes through
 * the regression-alert function, as `gstack team alert-test` does.
 */
import {
  ALERT_RULES,
  alertBranchesSchema,
  alertCooldownSchema,
  alertThresholdSchema,
  booleanTextSchema,
  html,
  httpUrlSchema,
  maskWebhook,
  PUSH_QUOTA_DEFAULTS,
  pushResultsPerHourSchema,
  pushRunsPerHourSchema,
  REGRESSION_RULES,
  RETENTION_DAYS,
  retentionDaysSchema,
  type SafeHtml,
} from '@gstack/core';
import type { Context, Handler } from 'hono';
import { z } from 'zod';
import { storeFailed } from '../data.ts';
import type { DashboardEnv } from '../env.ts';
import { DashboardError } from '../errors.ts';
import { ago, utc } from '../ui/format.ts';
import { currentPath, href, renderPage, teamHref } from '../ui/layout.ts';
import { inviteLink } from './join.ts';

type Role = 'admin' | 'member';

/** Fixed confirmations after a redirect (never user input reflected from the URL). */
const DONE: Record<string, string> = {
  role: 'Role changed.',
  removed: 'Member removed.',
  'invite-revoked': 'Invite revoked.',
  'token-revoked': 'Token revoked.',
  settings: 'Settings saved.',
  'slack-test': 'Test message sent to Slack.',
};

interface Flash {
  error?: string;
  secret?: { label: string; value: string; hint: string; link?: string };
}

async function myRole(c: Context<DashboardEnv>): Promise<Role | null> {
  const { data, error } = await c.var.supabase
    .from('team_members')
    .select('role')
    .eq('team_id', c.var.team.id)
    .eq('user_id', c.var.user.id)
    .maybeSingle();
  if (error) throw storeFailed('Reading your role', error);
  return (data?.role as Role | undefined) ?? null;
}

export const teamAdminPage: Handler<DashboardEnv> = (c) => render(c, {});

async function render(c: Context<DashboardEnv>, flash: Flash, status: 200 | 400 = 200): Promise<Response> {
  const team = c.var.team.id;
  const role = await myRole(c);
  const admin = role === 'admin';
  const sb = c.var.supabase;
  const [members, invites, tokens, settings] = await Promise.all([
    sb.from('team_members').select('user_id, email, display_name, role, joined_at').eq('team_id', team).order('joined_at'),
    admin
      ? sb
          .from('team_invites')
          .select('id, role, email, expires_at, created_at, accepted_at, revoked_at')
          .eq('team_id', team)
          .order('created_at', { ascending: false })
      : null,
    admin
      ? sb
          .from('team_tokens')
          .select('name, token_prefix, created_at, last_used_at, revoked_at')
          .eq('team_id', team)
          .order('created_at', { ascending: false })
      : null,
    admin
      ? sb
          .from('team_settings')
          .select(
            'slack_webhook_url, alert_threshold_pp, alert_branches, alert_cooldown_minutes, digest_enabled, dashboard_url, judge_cache_trust_members, push_runs_per_hour, push_results_per_hour, retention_days',
          )
          .eq('team_id', team)
          .maybeSingle()
      : null,
  ]);
  for (const r of [members, invites, tokens, settings]) if (r?.error) throw storeFailed('Reading the team', r.error);
  const admins = (members.data ?? []).filter((m) => m.role === 'admin').length;
  const now = Date.now();
  const pending = (invites?.data ?? []).filter((i) => !i.accepted_at && !i.revoked_at && Date.parse(i.expires_at) > now);
  const action = (path: string) => teamHref(c, `/team/${path}`);
  const done = DONE[c.req.query('done') ?? ''];

  const memberRows = (members.data ?? []).map(
    (m) => html`<tr data-member="${m.email ?? ''}">
      <td class="hide-sm">${m.display_name ?? '—'}</td><td>${m.email ?? '—'}</td><td><span class="chip">${m.role}</span></td><td class="hide-sm">${ago(m.joined_at)}</td>
      ${
        admin
          ? html`<td><form class="inline" method="post" action="${action('members/role')}">
          <input type="hidden" name="user_id" value="${m.user_id}">
          <input type="hidden" name="role" value="${m.role === 'admin' ? 'member' : 'admin'}">
          <button type="submit" class="secondary">${m.role === 'admin' ? 'Make member' : 'Make admin'}</button></form>
          <form class="inline" method="post" action="${action('members/remove')}">
          <input type="hidden" name="user_id" value="${m.user_id}">
          <button type="submit" class="secondary">Remove</button></form></td>`
          : ''
      }
    </tr>`,
  );

  const body = html`<h1>Team</h1>
  ${done ? html`<p class="notice" role="status">${done}</p>` : ''}
  ${flash.error ? html`<p class="error" role="alert">${flash.error}</p>` : ''}
  ${
    flash.secret
      ? html`<div class="notice" role="status"><p><b>${flash.secret.label}</b> (shown once: copy it now)</p>${
          flash.secret.link
            ? html`<p>Send this link; whoever opens it signed in can join:</p><p class="secret" data-invite-link>${flash.secret.link}</p><p>Or the code, for the CLI:</p>`
            : ''
        }<p class="secret" data-secret>${flash.secret.value}</p><p class="sub">${flash.secret.hint}</p></div>`
      : ''
  }
  ${admin ? '' : html`<p class="sub">You are a member: you can see who is in the team. Admins manage members, invites, CI tokens and settings.</p>`}
  <h2>Members <span class="sub">${(members.data ?? []).length} · ${admins} ${admins === 1 ? 'admin' : 'admins'}</span></h2>
  <div class="panel admin"><table class="members">
    <thead><tr><th class="hide-sm">Name</th><th>Email</th><th>Role</th><th class="hide-sm">Joined</th>${admin ? html`<th>Actions</th>` : ''}</tr></thead>
    <tbody>${memberRows}</tbody></table></div>
  <p class="sub">A team always keeps at least one admin: the last admin cannot be made a member or removed until someone else is admin.</p>
  ${admin ? adminSections(action, pending, tokens?.data ?? [], settings?.data ?? null) : ''}
  ${role ? leaveSection(action, c.var.team.name) : ''}`;
  return renderPage(c, { title: 'Team', nav: 'team', body, status });
}

/** Every member may leave; the database refuses the last admin, and its reason is shown. */
function leaveSection(action: (path: string) => string, teamName: string): SafeHtml {
  return html`<h2>Leave the team</h2>
  <div class="panel admin">
    <form class="stack" method="post" action="${action('leave')}">
      <p class="muted">You lose access to ${teamName}'s runs here and in the CLI. Your pushed runs stay with the team.</p>
      <button type="submit" class="secondary">Leave ${teamName}</button>
    </form>
  </div>`;
}

function adminSections(
  action: (path: string) => string,
  pending: Array<{ id: string; role: string; email: string | null; expires_at: string; created_at: string }>,
  tokens: Array<{ name: string; token_prefix: string; created_at: string; last_used_at: string | null; revoked_at: string | null }>,
  settings: {
    slack_webhook_url: string | null;
    alert_threshold_pp: number;
    alert_branches: string[];
    alert_cooldown_minutes: number;
    digest_enabled: boolean;
    dashboard_url: string | null;
    judge_cache_trust_members: boolean;
    push_runs_per_hour: number;
    push_results_per_hour: number;
    retention_days: number | null;
  } | null,
): SafeHtml {
  const s = settings ?? {
    slack_webhook_url: null,
    alert_threshold_pp: REGRESSION_RULES.defaultThresholdPp,
    alert_branches: [...ALERT_RULES.defaultBranches],
    alert_cooldown_minutes: ALERT_RULES.defaultCooldownMinutes,
    digest_enabled: true,
    dashboard_url: null,
    judge_cache_trust_members: false,
    push_runs_per_hour: PUSH_QUOTA_DEFAULTS.runsPerHour,
    push_results_per_hour: PUSH_QUOTA_DEFAULTS.resultsPerHour,
    retention_days: null,
  };
  return html`<h2>Invites</h2>
  <div class="panel admin">
    <form class="stack" method="post" action="${action('invites')}">
      <label>Role<select name="role"><option value="member">member</option><option value="admin">admin</option></select></label>
      <label>Expires in (days)<input type="number" name="expires_days" min="1" max="90" value="7" required></label>
      <label>Only for email (optional)<input type="email" name="email" placeholder="anyone with the code"></label>
      <button type="submit">Create invite</button>
    </form>
    <table class="invites"><thead><tr><th>Role</th><th>For</th><th class="hide-sm">Created</th><th>Expires</th><th><span class="sr-only">Actions</span></th></tr></thead>
    <tbody>${
      pending.length
        ? pending.map(
            (
              i,
            ) => html`<tr><td>${i.role}</td><td>${i.email ?? 'anyone with the code or link'}</td><td class="hide-sm">${ago(i.created_at)}</td><td>${utc(i.expires_at)}</td>
        <td><form class="inline" method="post" action="${action('invites/revoke')}"><input type="hidden" name="id" value="${i.id}"><button type="submit" class="secondary">Revoke</button></form></td></tr>`,
          )
        : html`<tr><td colspan="5" class="sub">No pending invites.</td></tr>`
    }</tbody></table>
  </div>
  <h2>CI tokens</h2>
  <div class="panel admin">
    <form class="stack" method="post" action="${action('tokens')}">
      <label>Name<input name="name" required maxlength="60" pattern="[A-Za-z0-9._\\-]+" placeholder="github-actions"></label>
      <button type="submit">Create token</button>
    </form>
    <table class="tokens"><thead><tr><th>Name</th><th>Prefix</th><th class="hide-sm">Created</th><th class="hide-sm">Last used</th><th>State</th><th><span class="sr-only">Actions</span></th></tr></thead>
    <tbody>${
      tokens.length
        ? tokens.map(
            (
              t,
            ) => html`<tr data-token="${t.name}"><td>${t.name}</td><td><code>${t.token_prefix}…</code></td><td class="hide-sm">${ago(t.created_at)}</td><td class="hide-sm">${t.last_used_at ? ago(t.last_used_at) : 'never'}</td>
        <td>${t.revoked_at ? html`<span class="chip">revoked</span>` : html`<span class="chip">active</span>`}</td>
        <td>${t.revoked_at ? '' : html`<form class="inline" method="post" action="${action('tokens/revoke')}"><input type="hidden" name="name" value="${t.name}"><button type="submit" class="secondary">Revoke</button></form>`}</td></tr>`,
          )
        : html`<tr><td colspan="6" class="sub">No CI tokens.</td></tr>`
    }</tbody></table>
  </div>
  <h2>Settings</h2>
  <div class="panel admin">
    <form class="stack" method="post" action="${action('settings')}">
      <label>Slack webhook URL<input type="url" name="slack_webhook_url" size="44" value="" placeholder="${s.slack_webhook_url ? 'leave empty to keep the saved one' : 'https://hooks.slack.com/services/…'}"></label>
      ${
        s.slack_webhook_url
          ? html`<p class="muted">Saved webhook: <code data-webhook>${maskWebhook(s.slack_webhook_url)}</code></p>
      <label class="check"><input type="checkbox" name="clear_slack_webhook" value="true"> Remove the saved webhook</label>`
          : ''
      }
      <label>Alert threshold (points)<input type="number" name="alert_threshold_pp" min="0.01" max="100" step="0.01" value="${String(s.alert_threshold_pp)}" required></label>
      <label>Alert branches<input name="alert_branches" size="34" value="${s.alert_branches.join(',')}" required maxlength="4200" aria-describedby="alert-branches-help"></label>
      <label>Alert cooldown (minutes)<input type="number" name="alert_cooldown_minutes" min="0" max="1440" step="1" value="${String(s.alert_cooldown_minutes)}" required></label>
      <label>Monday digest<select name="digest_enabled"><option value="true"${s.digest_enabled ? html` selected` : ''}>on</option><option value="false"${s.digest_enabled ? '' : html` selected`}>off</option></select></label>
      <label>Dashboard URL<input type="url" name="dashboard_url" size="34" value="${s.dashboard_url ?? ''}" placeholder="https://dash.example.com/t/your-team"></label>
      <label>Reuse judge verdicts from<select name="judge_cache_trust_members"><option value="false"${s.judge_cache_trust_members ? '' : html` selected`}>yourself and CI tokens</option><option value="true"${s.judge_cache_trust_members ? html` selected` : ''}>any member</option></select></label>
      <label>Push quota: runs per hour<input type="number" name="push_runs_per_hour" min="1" max="100000" step="1" value="${String(s.push_runs_per_hour)}" required></label>
      <label>Push quota: results per hour<input type="number" name="push_results_per_hour" min="1" max="100000000" step="1" value="${String(s.push_results_per_hour)}" required></label>
      <label>Keep results, attempts and outputs (days)<input name="retention_days" size="10" value="${s.retention_days === null ? 'forever' : String(s.retention_days)}" required pattern="[Ff][Oo][Rr][Ee][Vv][Ee][Rr]|[0-9]{1,4}" aria-describedby="retention-help"></label>
      <p class="muted" id="alert-branches-help">Alert branches: comma-separated globs (<code>release/*</code>); <code>(none)</code> is CI-token runs with no branch. Other branches show here but never post to Slack.</p>
      <p class="muted">Slack alerts link to runs under the dashboard URL: this team's address, ending in <code>/t/&lt;team&gt;</code>.</p>
      <p class="muted">Push quotas are per member and per CI token; a run over them waits in the pusher's queue.</p>
      <p class="muted" id="retention-help">Retention: <code>forever</code> (the default) or ${RETENTION_DAYS.min} to ${RETENTION_DAYS.max} days. An hourly job removes older runs' per-test results, attempts and outputs; run totals, costs, trends and the leaderboard keep them.</p>
      <button type="submit">Save settings</button>
    </form>
    ${
      s.slack_webhook_url
        ? html`<form class="stack" method="post" action="${action('settings/slack-test')}"><button type="submit" class="secondary">Send a test message to Slack</button></form>`
        : ''
    }
  </div>`;
}

// ---------------------------------------------------------------------------
// Actions
// ---------------------------------------------------------------------------

/** What a confirmation page asks before a destructive action, and the label of the button that does it. */
interface Confirmation {
  title: string;
  question: string;
  button: string;
}

/**
 * Runs an admin action: refuses members with 403, validates the form, shows database refusals on the
 * page. With `confirm`, a post without confirm=yes only shows the question; its button posts the same
 * fields again with confirm=yes.
 */
function adminAction<S extends z.ZodType>(
  schema: S,
  run: (c: Context<DashboardEnv>, input: z.output<S>) => Promise<{ done: string } | Flash>,
  confirm?: (c: Context<DashboardEnv>, input: z.output<S>) => Promise<Confirmation>,
): Handler<DashboardEnv> {
  return async (c) => {
    if ((await myRole(c)) !== 'admin') throw new DashboardError(403, 'Only a team admin can do this.');
    const { confirm: confirmed, ...form } = await c.req.parseBody();
    const parsed = schema.safeParse(form);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return render(c, { error: `${issue?.path.join('.') || 'form'}: ${issue?.message}` }, 400);
    }
    if (confirm && confirmed !== 'yes') return confirmPage(c, await confirm(c, parsed.data), form);
    try {
      const result = await run(c, parsed.data);
      if ('done' in result) return c.redirect(teamHref(c, `/team?done=${result.done}`), 303);
      return render(c, result);
    } catch (error) {
      if (error instanceof RefusedError) return render(c, { error: error.message }, 400);
      throw error;
    }
  };
}

/** The second step of a destructive action: the question, the same fields with confirm=yes, and a way back. */
function confirmPage(c: Context<DashboardEnv>, ask: Confirmation, form: Record<string, unknown>): Response {
  const fields = Object.entries(form).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  const body = html`<h1>${ask.title}</h1>
  <div class="panel admin confirm">
    <form class="stack" method="post" action="${href(c, currentPath(c))}">
      <p>${ask.question}</p>
      ${fields.map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
      <input type="hidden" name="confirm" value="yes">
      <button type="submit" class="danger">${ask.button}</button>
      <a class="button secondary" href="${teamHref(c, '/team')}">Cancel</a>
    </form>
  </div>`;
  return renderPage(c, { title: ask.title, nav: 'team', body });
}

/** The database (or Slack) said no for a reason the admin can act on. */
class RefusedError extends Error {}

/** The database's message as a sentence (Postgres messages start in lower case). */
const sentence = (message: string) => message.replace(/^[a-z]/, (ch) => ch.toUpperCase());

function refuse(error: { message: string } | null): void {
  if (error) throw new RefusedError(sentence(error.message));
}

/** An edge function's own reason for a refusal ({"error": …} in its answer, with its status), else the client's message. */
async function functionReason(error: { message: string; context?: unknown }): Promise<string> {
  const context = error.context as Response | undefined;
  if (!context || typeof context.text !== 'function') return error.message;
  const text = await context.text().catch(() => '');
  let reason = text.slice(0, 300);
  try {
    reason = String((JSON.parse(text) as { error?: unknown }).error ?? reason);
  } catch {
    // Not JSON: the text as it came.
  }
  return `${context.status} ${reason || error.message}`;
}

const uuid = z.uuid();
// The same rules as `gstack team set` (core's team-settings.ts); an empty field clears a URL.
const optionalUrl = z
  .string()
  .trim()
  .transform((v) => v || null)
  .pipe(httpUrlSchema.nullable());

/** Leaving: any member, for themselves only; on success the team is gone from their view, so go to the team list. */
const leaveTeam: Handler<DashboardEnv> = async (c) => {
  const { error } = await c.var.supabase.rpc('remove_member', { p_team_id: c.var.team.id, p_user_id: c.var.user.id });
  if (error) return render(c, { error: sentence(error.message) }, 400);
  return c.redirect(href(c, '/?done=left'), 303);
};

export const TEAM_ACTIONS: Array<{ path: string; handler: Handler<DashboardEnv> }> = [
  { path: '/team/leave', handler: leaveTeam },
  {
    path: '/team/members/role',
    handler: adminAction(z.object({ user_id: uuid, role: z.enum(['admin', 'member']) }), async (c, f) => {
      const { error } = await c.var.supabase.rpc('set_member_role', { p_team_id: c.var.team.id, p_user_id: f.user_id, p_role: f.role });
      refuse(error);
      return { done: 'role' };
    }),
  },
  {
    path: '/team/members/remove',
    handler: adminAction(
      z.object({ user_id: uuid }),
      async (c, f) => {
        const { error } = await c.var.supabase.rpc('remove_member', { p_team_id: c.var.team.id, p_user_id: f.user_id });
        refuse(error);
        return { done: 'removed' };
      },
      async (c, f) => {
        const { data } = await c.var.supabase
          .from('team_members')
          .select('email, display_name')
          .eq('team_id', c.var.team.id)
          .eq('user_id', f.user_id)
          .maybeSingle();
        const who = data?.email ?? data?.display_name ?? 'this member';
        return {
          title: 'Remove a member',
          question: `Remove ${who} from ${c.var.team.name}? They lose access to its runs here and in the CLI; the runs they pushed stay with the team.`,
          button: `Remove ${who}`,
        };
      },
    ),
  },
  {
    path: '/team/invites',
    handler: adminAction(
      z.object({
        role: z.enum(['admin', 'member']),
        expires_days: z.coerce.number().int().min(1).max(90),
        email: z.union([z.literal(''), z.email()]).optional(),
      }),
      async (c, f) => {
        const { data, error } = await c.var.supabase.rpc('create_invite', {
          p_team_id: c.var.team.id,
          p_role: f.role,
          p_expires_in: `${f.expires_days} days`,
          p_email: f.email || undefined,
        });
        refuse(error);
        const code = (data as Array<{ code: string }> | null)?.[0]?.code ?? '';
        return {
          secret: {
            label: `Invite (${f.role})`,
            value: code,
            hint: `In the CLI: gstack team join ${code}`,
            link: inviteLink(c, code),
          },
        };
      },
    ),
  },
  {
    path: '/team/invites/revoke',
    handler: adminAction(
      z.object({ id: uuid }),
      async (c, f) => {
        const { error } = await c.var.supabase.from('team_invites').delete().eq('team_id', c.var.team.id).eq('id', f.id);
        refuse(error);
        return { done: 'invite-revoked' };
      },
      async (c, f) => {
        const { data } = await c.var.supabase
          .from('team_invites')
          .select('role, email')
          .eq('team_id', c.var.team.id)
          .eq('id', f.id)
          .maybeSingle();
        const what = data ? `the ${data.role} invite for ${data.email ?? 'anyone with the code or link'}` : 'this invite';
        return {
          title: 'Revoke an invite',
          question: `Revoke ${what}? Its code and link stop working.`,
          button: 'Revoke the invite',
        };
      },
    ),
  },
  {
    path: '/team/tokens',
    handler: adminAction(
      z.object({
        name: z
          .string()
          .trim()
          .regex(/^[A-Za-z0-9._-]{1,60}$/, 'letters, digits, dot, dash or underscore'),
      }),
      async (c, f) => {
        const { data, error } = await c.var.supabase.rpc('create_team_token', { p_team_id: c.var.team.id, p_name: f.name });
        refuse(error);
        const token = (data as Array<{ token: string }> | null)?.[0]?.token ?? '';
        return { secret: { label: `CI token ${f.name}`, value: token, hint: 'Store it as the CI secret GSTACK_SYNC_TOKEN.' } };
      },
    ),
  },
  {
    path: '/team/tokens/revoke',
    handler: adminAction(
      z.object({ name: z.string().min(1) }),
      async (c, f) => {
        const { data, error } = await c.var.supabase.rpc('revoke_team_token', { p_team_id: c.var.team.id, p_name: f.name });
        refuse(error);
        if (!data) refuse({ message: `No active token is named ${f.name}.` });
        return { done: 'token-revoked' };
      },
      async (_c, f) => ({
        title: 'Revoke a CI token',
        question: `Revoke the CI token ${f.name}? Jobs that push with it are refused from now on.`,
        button: `Revoke ${f.name}`,
      }),
    ),
  },
  {
    path: '/team/settings',
    handler: adminAction(
      z.object({
        slack_webhook_url: optionalUrl,
        clear_slack_webhook: z.literal('true').optional(),
        alert_threshold_pp: alertThresholdSchema,
        alert_branches: alertBranchesSchema,
        alert_cooldown_minutes: alertCooldownSchema,
        digest_enabled: booleanTextSchema,
        dashboard_url: optionalUrl,
        judge_cache_trust_members: booleanTextSchema,
        push_runs_per_hour: pushRunsPerHourSchema,
        push_results_per_hour: pushResultsPerHourSchema,
        // Optional so a form from before the field still saves (it then leaves retention as it is).
        retention_days: retentionDaysSchema.optional(),
      }),
      async (c, { slack_webhook_url, clear_slack_webhook, ...f }) => {
        // The saved webhook is never sent back to the browser: an empty field keeps it, the checkbox removes it.
        const webhook = slack_webhook_url ? { slack_webhook_url } : clear_slack_webhook ? { slack_webhook_url: null } : {};
        const { error } = await c.var.supabase
          .from('team_settings')
          .upsert(
            { team_id: c.var.team.id, ...f, ...webhook, updated_by: c.var.user.id, updated_at: new Date().toISOString() },
            { onConflict: 'team_id' },
          );
        refuse(error);
        return { done: 'settings' };
      },
    ),
  },
  {
    path: '/team/settings/slack-test',
    handler: adminAction(z.object({}), async (c) => {
      // The same path as `gstack team alert-test`: the function checks the caller is an admin and
      // posts to hosts its deployment allows, so it works wherever the CLI's test does.
      const { error } = await c.var.supabase.functions.invoke('regression-alert/test', { body: { team_id: c.var.team.id } });
      if (error) refuse({ message: `Sending the test message failed: ${await functionReason(error)}` });
      return { done: 'slack-test' };
    }),
  },
];
