/** `/`: the user's teams, or straight to the only one. */
import { html } from '@gstack/core';
import type { Context } from 'hono';
import { storeFailed } from '../data.ts';
import type { DashboardEnv } from '../env.ts';
import { emptyState } from '../ui/components.ts';
import { href, renderPage } from '../ui/layout.ts';

export async function teamsPage(c: Context<DashboardEnv>): Promise<Response> {
  const { data, error } = await c.var.supabase.from('teams').select('slug, name').order('name');
  if (error) throw storeFailed('Reading your teams', error);
  const [only] = data;
  // After leaving a team, stay here to say so instead of jumping into the one left.
  const left = c.req.query('done') === 'left';
  if (data.length === 1 && only && !left) return c.redirect(href(c, `/t/${only.slug}`), 303);
  const notice = left ? html`<p class="notice" role="status">You left the team.</p>` : '';
  const list = data.length
    ? html`<h1>Your teams</h1><div class="panel"><table><thead><tr><th>Team</th><th>Slug</th></tr></thead><tbody>
        ${data.map((t) => html`<tr><td><a href="${href(c, `/t/${t.slug}`)}">${t.name}</a></td><td><code>${t.slug}</code></td></tr>`)}
      </tbody></table></div>`
    : emptyState(
        'You are not in a team yet',
        html`<p>Create one with <code>gstack team create &lt;slug&gt;</code>, or ask a teammate for an invite and run <code>gstack team join &lt;code&gt;</code>.</p>`,
      );
  return renderPage(c, { title: 'Teams', body: html`${notice}${list}` });
}
