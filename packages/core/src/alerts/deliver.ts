/**
 * Posting a message to a Slack incoming webhook: only to allowed hosts, at
 * most one message per second per webhook (in this process), a 429 retried
 * after its `Retry-After`, other 4xx recorded and not retried, network errors
 * and 5xx retried a few times. The webhook URL is a secret: it never appears
 * in a result, an error or a log line.
 */
import type { SlackMessage } from './blocks.ts';
import { isAllowedSlackWebhook } from './slack-url.ts';

export interface DeliverOptions {
  allowHosts?: string[];
  /** Attempts in all (429s and 5xx included). */
  maxAttempts?: number;
  /** A Retry-After longer than this many seconds is not waited for: the delivery fails (the sweep retries). */
  maxRetryAfterSeconds?: number;
  /** Minimum gap between two posts to the same webhook, ms. */
  minIntervalMs?: number;
}

export interface DeliveryResult {
  ok: boolean;
  /** Slack's last HTTP status (0: no answer). */
  status: number;
  attempts: number;
  /** Why it failed, without the URL. */
  error?: string;
  /** True when retrying later cannot help (a 4xx other than 429, a refused host). */
  permanent: boolean;
}

const nextSlot = new Map<string, number>();

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits for this webhook's next 1-per-second slot and takes it. */
async function takeSlot(url: string, minIntervalMs: number): Promise<void> {
  const now = Date.now();
  const at = Math.max(now, nextSlot.get(url) ?? 0);
  nextSlot.set(url, at + minIntervalMs);
  if (at > now) await sleep(at - now);
}

/** Seconds from a `Retry-After` header (seconds or an HTTP date); 1 when missing or unreadable. */
export function retryAfterSeconds(value: string | null, now: number = Date.now()): number {
  if (!value) return 1;
  const n = Number(value);
  if (Number.isFinite(n) && n >= 0) return n;
  const date = Date.parse(value);
  return Number.isNaN(date) ? 1 : Math.max(0, (date - now) / 1000);
}

export async function deliverSlack(url: string, msg: SlackMessage, options: DeliverOptions = {}): Promise<DeliveryResult> {
  if (!isAllowedSlackWebhook(url, { allowHosts: options.allowHosts })) {
    return {
      ok: false,
      status: 0,
      attempts: 0,
      permanent: true,
      error: 'the webhook is not a Slack incoming-webhook URL (https://hooks.slack.com/services/…)',
    };
  }
  const maxAttempts = options.maxAttempts ?? 4;
  const body = JSON.stringify(msg);
  let status = 0;
  let error = '';
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    await takeSlot(url, options.minIntervalMs ?? 1000);
    let wait = 500 * 2 ** (attempt - 1);
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      status = res.status;
      const text = (await res.text()).slice(0, 200);
      if (res.ok) return { ok: true, status, attempts: attempt, permanent: false };
      error = `Slack answered ${status}${text ? `: ${text}` : ''}`;
      if (status === 429) {
        const seconds = retryAfterSeconds(res.headers.get('retry-after'));
        if (seconds > (options.maxRetryAfterSeconds ?? 30)) return { ok: false, status, attempts: attempt, permanent: false, error };
        wait = seconds * 1000;
      } else if (status >= 400 && status < 500) {
        return { ok: false, status, attempts: attempt, permanent: true, error };
      }
    } catch (e) {
      // fetch errors can quote the URL: keep only the error's kind.
      status = 0;
      error = `could not reach Slack (${(e as Error).name})`;
    }
    if (attempt < maxAttempts) await sleep(wait);
  }
  return { ok: false, status, attempts: maxAttempts, permanent: false, error };
}
