/**
 * Where alerts may be sent: Slack's incoming-webhook hosts over https, plus
 * hosts the caller allows explicitly (the local stack's Slack sink, passed in
 * by the function's environment on the local stack only). Checked again at
 * send time, whatever the database accepted.
 */

/** Slack's incoming-webhook hosts (commercial and GovSlack). */
export const SLACK_WEBHOOK_HOSTS = ['hooks.slack.com', 'hooks.slack-gov.com'] as const;

export interface SlackUrlOptions {
  /** Extra `host:port` values allowed over http or https (the local sink). */
  allowHosts?: string[];
}

/** True when `url` is a Slack incoming webhook, or on a host in `allowHosts`. */
export function isAllowedSlackWebhook(url: string, options: SlackUrlOptions = {}): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.username || parsed.password) return false;
  if ((options.allowHosts ?? []).includes(parsed.host)) return parsed.protocol === 'http:' || parsed.protocol === 'https:';
  return (
    parsed.protocol === 'https:' &&
    (SLACK_WEBHOOK_HOSTS as readonly string[]).includes(parsed.hostname) &&
    (parsed.port === '' || parsed.port === '443') &&
    parsed.pathname.startsWith('/services/')
  );
}

/** The `host:port` of the local sink URL in `SLACK_SINK_URL`, as `allowHosts` wants it. */
export function sinkAllowHosts(sinkUrl: string | undefined): string[] {
  if (!sinkUrl) return [];
  try {
    return [new URL(sinkUrl).host];
  } catch {
    return [];
  }
}
