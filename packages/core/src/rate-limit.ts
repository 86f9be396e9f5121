/**
 * Fixed-window rate limiting, shared by the local stack's auth (config.toml's
 * [auth.rate_limit], per 5-minute window like GoTrue) and the dashboard's own
 * sign-in limit. In memory, per process: callers say what a key is (an IP
 * address, an address and an email) and answer 429 with Retry-After.
 */

/** GoTrue's window for sign_in_sign_ups and token_refresh. */
export const RATE_LIMIT_WINDOW_MS = 5 * 60_000;

/** A fixed-window counter per key (an IP address, an address and an email). */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs = RATE_LIMIT_WINDOW_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request for `key`; returns the seconds to wait when it is over the limit, else 0. */
  hit(key: string): number {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || now - window.start >= this.windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
      // Forget expired keys now and then, so a scan of many addresses cannot grow the map forever.
      if (this.windows.size > 10_000) this.sweep(now);
    }
    window.count++;
    return window.count > this.limit ? Math.max(1, Math.ceil((window.start + this.windowMs - now) / 1000)) : 0;
  }

  private sweep(now: number): void {
    for (const [key, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(key);
  }
}
