/**
 * The dashboard's own sign-in limit, before Auth is asked: per visitor address
 * and per address and email together (an attacker guessing one account's
 * password from one address cannot lock its owner out elsewhere). Counted in
 * memory per server process (an edge function's isolates each count their
 * own); Auth's per-address limits apply on top, per visitor too, since the
 * address travels as Sb-Forwarded-For.
 */
import { RATE_LIMIT_WINDOW_MS, RateLimiter } from '@gstack/core';
import type { DashboardConfig } from '../config.ts';

export interface SignInLimiter {
  /** Counts one attempt; the seconds to wait when over a limit, else 0. */
  hit(address: string | undefined, email: string): number;
}

export function signInLimiter(config: DashboardConfig, now?: () => number): SignInLimiter {
  const { perAddress, perAddressAndEmail } = config.signInLimit;
  const byAddress = new RateLimiter(perAddress, RATE_LIMIT_WINDOW_MS, now);
  const byAddressAndEmail = new RateLimiter(perAddressAndEmail, RATE_LIMIT_WINDOW_MS, now);
  return {
    hit(address, email) {
      const key = address ?? 'unknown';
      return Math.max(byAddress.hit(key), byAddressAndEmail.hit(`${key} ${email.toLowerCase()}`));
    },
  };
}
