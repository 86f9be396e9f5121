/**
 * The one place that builds a supabase-js client: URL, API key, optional user
 * access token, a per-request timeout through one wrapped fetch, and the `ws`
 * realtime transport when this Node has no global WebSocket (Node 20).
 */
import type { Database } from '@gstack/core';
import { createClient, type SupabaseClient, type SupportedStorage } from '@supabase/supabase-js';
import WebSocket from 'ws';

export interface SupabaseClientOptions {
  url: string;
  /** Publishable/anon key, or a secret/service key for trusted callers. */
  key: string;
  /** A user's access token for RLS-scoped requests without an auth session. */
  accessToken?: string;
  /** Session storage for auth (PKCE verifier, tokens); memory when omitted. */
  storage?: SupportedStorage;
  flowType?: 'pkce' | 'implicit';
  /** Abort any request that takes longer (default 30 s). */
  timeoutMs?: number;
  persistSession?: boolean;
}

/** A fetch that aborts after `timeoutMs`, combined with any caller signal. */
export function fetchWithTimeout(timeoutMs: number): typeof fetch {
  return (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return fetch(input, { ...init, signal });
  };
}

/** In-memory auth storage (tests, one-shot CLI commands). */
export function memoryStorage(): SupportedStorage {
  const items = new Map<string, string>();
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => {
      items.set(key, value);
    },
    removeItem: (key) => {
      items.delete(key);
    },
  };
}

/** The team store's client, typed from the generated schema: a renamed column or RPC is a compile error. */
export type StoreClient = SupabaseClient<Database>;

/** Builds the one supabase-js client every caller uses (typed by `Database`). */
export function createSupabase(options: SupabaseClientOptions): StoreClient {
  const headers: Record<string, string> = {};
  if (options.accessToken) headers.Authorization = `Bearer ${options.accessToken}`;
  const needsWs = typeof (globalThis as { WebSocket?: unknown }).WebSocket === 'undefined';
  return createClient<Database>(options.url, options.key, {
    global: { fetch: fetchWithTimeout(options.timeoutMs ?? 30_000), headers },
    auth: {
      storage: options.storage ?? memoryStorage(),
      persistSession: options.persistSession ?? true,
      autoRefreshToken: false,
      detectSessionInUrl: false,
      flowType: options.flowType ?? 'pkce',
    },
    ...(needsWs ? { realtime: { transport: WebSocket as never } } : {}),
  });
}
