/**
 * `/join/:code`: the invite link the Team page shows beside the code. Opening
 * it signed in (sign-in first otherwise, then back here) shows a Join button;
 * the POST accepts the invite through accept_invite, the RPC `gstack team
 * join <code>` calls, and opens the team. The GET changes nothing, so a link
 * preview or a prefetch cannot use up the single-use code.
 */
import { html } from '@gstack/core';
import type { Context, Handler } from 'hono';
import type { DashboardEnv } from '../env.ts';
import { DashboardError } from '../errors.ts';
import { href, renderPage } from '../ui/layout.ts';

/** Invite codes as create_invite makes them: gsi_ and URL-safe characters. */
const CODE = /^gsi_[A-Za-z0-9_-]{8,100}$/;

/** The absolute link for an invite code: the dashboard's public origin, else the request's. */
export function inviteLink(c: Context<DashboardEnv>, code: string): string {
  return new URL(href(c, `/join/${encodeURIComponent(code)}`), c.var.config.siteOrigin ?? c.req.url).toString();
}

function readCode(c: Context<DashboardEnv>): string {
  const code = c.req.param('code') ?? '';
  if (!CODE.test(code)) throw new DashboardError(404, 'This invite link is not valid: check that it was copied whole.');
  return code;
}

function joinPage(c: Context<DashboardEnv>, code: string, error?: string): Response {
  const body = html`<div class="login">
    <h1>Join a team</h1>
    ${error ? html`<p class="error" role="alert">${error}</p>` : html`<p>You were invited to a team on gstack. Join it as <b>${c.var.user.email ?? ''}</b>?</p>`}
    <form method="post" action="${href(c, `/join/${encodeURIComponent(code)}`)}">
      ${error ? '' : html`<button type="submit">Join the team</button>`}
      <a class="button secondary" href="${href(c, '/')}">${error ? 'Your teams' : 'Not now'}</a>
    </form>
  </div>`;
  return renderPage(c, { title: 'Join a team', body, status: error ? 400 : 200 });
}

export const joinInvitePage: Handler<DashboardEnv> = (c) => joinPage(c, readCode(c));

/** Accepts the invite; the database's refusal (used, expired, for another email) is shown as it says it. */
export const joinInviteAction: Handler<DashboardEnv> = async (c) => {
  const code = readCode(c);
  const { data: teamId, error } = await c.var.supabase.rpc('accept_invite', { p_code: code });
  if (error) return joinPage(c, code, `${error.message.replace(/^[a-z]/, (ch) => ch.toUpperCase())}.`);
  const { data: team } = await c.var.supabase.from('teams').select('slug').eq('id', teamId).maybeSingle();
  return c.redirect(href(c, team ? `/t/${team.slug}` : '/'), 303);
};
