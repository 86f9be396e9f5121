/**
 * "Send a test message" from the Team page: a small Block Kit message posted
 * by the dashboard server to the team's webhook, only when its host is one the
 * operator allowed (config slackWebhookHosts, default hooks.slack.com), so the
 * button cannot be used to make the server call arbitrary addresses.
 */
import type { Context } from 'hono';
import type { DashboardEnv } from '../env.ts';

/** Posts the test message; null when Slack took it, else why not (shown to the admin). */
export async function sendSlackTest(
  c: Context<DashboardEnv>,
  webhook: string,
  dashboardUrl: string | null,
): Promise<{ message: string } | null> {
  let url: URL;
  try {
    url = new URL(webhook);
  } catch {
    return { message: 'The Slack webhook URL is not a valid URL.' };
  }
  const allowed = c.var.config.slackWebhookHosts;
  if (!allowed.includes(url.hostname)) {
    return { message: `The dashboard only posts to ${allowed.join(', ')}; this webhook is on ${url.hostname}.` };
  }
  const team = c.var.team;
  const text = `Test message from the gstack dashboard for ${team.name}: alerts and the Monday digest will arrive here.`;
  const blocks = [
    { type: 'section', text: { type: 'mrkdwn', text: `:white_check_mark: *gstack* test message for *${slackEscape(team.name)}*` } },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `Regression alerts and the Monday digest will arrive in this channel.${dashboardUrl ? ` <${dashboardUrl}|Open the dashboard>` : ''}`,
        },
      ],
    },
  ];
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text, blocks }),
      redirect: 'error',
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) return { message: `Slack answered ${res.status}: ${(await res.text()).slice(0, 200)}` };
    return null;
  } catch (error) {
    return { message: `Could not reach Slack: ${(error as Error).message}` };
  }
}

/** Slack mrkdwn control characters (a team name like "<!channel>" must not ping anyone). */
function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
