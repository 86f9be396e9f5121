/**
 * Rate limits for the local auth, as config.toml's [auth.rate_limit] declares
 * them (per 5-minute window, like GoTrue): sign-in and sign-up per IP address
 * and per email address, token refresh per IP address. Over the limit the
 * caller gets 429 with Retry-After.
 */

/** GoTrue's window for sign_in_sign_ups and token_refresh. */
export const RATE_LIMIT_WINDOW_MS = 5 * 60_000;

export interface AuthRateLimits {
  /** Sign-ins and sign-ups (password grant, /signup, the /authorize form) per window. */
  signInSignUps: number;
  /** Refresh-token grants per window. */
  tokenRefresh: number;
}

/** A fixed-window counter per key (an IP address, an email). */
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
