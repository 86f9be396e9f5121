/**
 * JSON over HTTP for providers: a per-attempt timeout, retries with exponential
 * backoff on 429, 5xx and network errors, honouring Retry-After up to a
 * maximum (beyond it the call fails with the reason rather than wait for
 * hours or retry too early). A timeout is final: the call's budget is spent. Returns data,
 * never throws. Never logs request headers (they carry API keys).
 */

export interface RetryPolicy {
  maxRetries: number;
  /** First backoff in ms; doubled per retry, with jitter. */
  baseDelayMs: number;
  /** Longest backoff between retries. */
  maxDelayMs: number;
  /** Longest Retry-After we wait for; a server asking for more fails the call (default 120 s). */
  maxRetryAfterMs?: number;
}

const DEFAULT_RETRY_AFTER_MS = 120_000;
export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 3, baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: DEFAULT_RETRY_AFTER_MS };

export interface HttpResult {
  ok: boolean;
  status?: number;
  json?: unknown;
  headers?: Headers;
  /** A short description of what went wrong (status and the API's message, or the network error). */
  error?: string;
  retries: number;
}

/** Seconds or an HTTP date, as ms from now; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function apiMessage(json: unknown): string | undefined {
  const body = json as { error?: { message?: string } | string; message?: string } | undefined;
  if (typeof body?.error === 'string') return body.error;
  return body?.error?.message ?? body?.message;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export async function postJson(
  url: string,
  body: unknown,
  options: { headers: Record<string, string>; timeoutMs: number; retry?: RetryPolicy; signal?: AbortSignal },
): Promise<HttpResult> {
  const retry = options.retry ?? DEFAULT_RETRY;
  let lastError = '';
  for (let attempt = 0; ; attempt++) {
    let wait: number | undefined;
    try {
      const timeout = AbortSignal.timeout(options.timeoutMs);
      const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...options.headers },
        body: JSON.stringify(body),
        signal,
      });
      const text = await res.text();
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      if (res.ok) {
        if (json === undefined)
          return { ok: false, status: res.status, error: `HTTP ${res.status} with a body that is not JSON`, retries: attempt };
        return { ok: true, status: res.status, json, headers: res.headers, retries: attempt };
      }
      lastError = `HTTP ${res.status}${apiMessage(json) ? `: ${apiMessage(json)}` : ''}`;
      const retryable = res.status === 429 || res.status >= 500;
      if (!retryable || attempt >= retry.maxRetries)
        return { ok: false, status: res.status, json, headers: res.headers, error: lastError, retries: attempt };
      wait = retryAfterMs(res.headers.get('retry-after'));
      const maxRetryAfterMs = retry.maxRetryAfterMs ?? DEFAULT_RETRY_AFTER_MS;
      if (wait !== undefined && wait > maxRetryAfterMs)
        return {
          ok: false,
          status: res.status,
          json,
          headers: res.headers,
          error: `${lastError} (Retry-After asks for ${Math.ceil(wait / 1000)} s, more than the ${maxRetryAfterMs / 1000} s max_retry_after_ms allows)`,
          retries: attempt,
        };
    } catch (error) {
      if (options.signal?.aborted) return { ok: false, error: 'cancelled', retries: attempt };
      const name = (error as Error).name;
      // A timeout is not retried: the per-call budget is spent.
      if (name === 'TimeoutError' || name === 'AbortError')
        return { ok: false, error: `timed out after ${options.timeoutMs} ms`, retries: attempt };
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      lastError = `network error: ${cause?.code ?? cause?.message ?? (error as Error).message}`;
      if (attempt >= retry.maxRetries) return { ok: false, error: lastError, retries: attempt };
    }
    const backoff = retry.baseDelayMs * 2 ** attempt * (0.75 + Math.random() * 0.5);
    await sleep(wait ?? Math.min(backoff, retry.maxDelayMs), options.signal);
  }
}
