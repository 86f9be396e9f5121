/**
 * `/t/:slug/active`: who is active now: every person and machine that sent a
 * heartbeat (a push, an eval run) in the last 15 or 60 minutes, newest first,
 * refreshed every minute.
 */
import { html } from '@gstack/core';
import type { Context } from 'hono';
import { rpc } from '../data.ts';
import type { DashboardEnv } from '../env.ts';
import { emptyState } from '../ui/components.ts';
import { ago, utc } from '../ui/format.ts';
import { renderPage } from '../ui/layout.ts';

const WINDOWS = [15, 60];

export async function activePage(c: Context<DashboardEnv>): Promise<Response> {
  const asked = Number(c.req.query('minutes'));
  const minutes = WINDOWS.includes(asked) ? asked : 15;
  const rows = await rpc(c, 'active_now', { p_team_id: c.var.team.id, p_minutes: minutes });
  const people = new Set(rows.map((r) => r.user_id)).size;
  const body = html`<h1>Active now <span class="sub">${people} ${people === 1 ? 'person' : 'people'} in the last ${minutes} minutes</span></h1>
  <nav class="tabs" aria-label="Window">${WINDOWS.map(
    (m) => html`<a href="?minutes=${m}"${m === minutes ? html` aria-current="true"` : ''}>last ${m} minutes</a>`,
  )}</nav>
  ${
    rows.length
      ? html`<div class="panel scroll" role="region" aria-label="Active now" tabindex="0"><table class="active">
    <thead><tr><th>Who</th><th>Machine</th><th>Repo</th><th>Doing</th><th>gstack</th><th>Last seen</th></tr></thead>
    <tbody>${rows.map(
      (r) =>
        html`<tr><td>${r.display_name ?? 'former member'}</td><td>${r.hostname}</td><td>${r.repo_slug ? html`<code>${r.repo_slug}</code>` : '—'}</td><td>${r.event}</td><td>${r.version ?? '—'}</td><td title="${utc(r.last_seen_at)}">${ago(r.last_seen_at)}</td></tr>`,
    )}</tbody></table></div>`
      : emptyState(`Nobody in the last ${minutes} minutes`, html`<p>People appear here when gstack-sync pushes or an eval runs.</p>`)
  }`;
  return renderPage(c, { title: 'Active now', nav: 'active', body, refresh: true });
}
