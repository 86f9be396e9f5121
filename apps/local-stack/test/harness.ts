/**
 * What integration tests use to reach the private stack the global setup
 * started: its connection details, supabase-js clients, SQL as the database
 * owner, and polling helpers that wait for an outcome instead of sleeping.
 */
import { createSupabase, memoryStorage } from '@gstack/client/supabase';
import type { SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import { inject } from 'vitest';
import type { StackInfo } from '../src/index.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackInfo;
    /** A functions folder the stack serves, for tests that write functions. */
    scratchFunctions: string;
  }
}

export function stackInfo(): StackInfo {
  return inject('stack');
}

/** A supabase-js client with the anon key (or the given key) and fresh memory storage. */
export function anonClient(key = stackInfo().anonKey): SupabaseClient {
  return createSupabase({ url: stackInfo().apiUrl, key, storage: memoryStorage() });
}

export function serviceClient(): SupabaseClient {
  return createSupabase({ url: stackInfo().apiUrl, key: stackInfo().serviceRoleKey });
}

/** Runs SQL as the database owner (for test set-up only, never for assertions about RLS). */
export async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: stackInfo().dbUrl });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

let counter = 0;
/** A name unique within this run, for users, tables and webhook paths. */
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter}`;
}

/** Signs up a fresh user and returns a client holding their session. */
export async function signedInClient(): Promise<{ client: SupabaseClient; email: string; password: string; userId: string }> {
  const client = anonClient();
  const email = `${unique('user')}@example.test`.toLowerCase();
  const password = 'correct horse battery';
  const { data, error } = await client.auth.signUp({ email, password });
  if (error || !data.user) throw new Error(`sign-up failed: ${error?.message}`);
  return { client, email, password, userId: data.user.id };
}

/** Creates a team with a fresh slug as `client`'s user (its admin) and returns its id. */
export async function createTeam(client: SupabaseClient, prefix = 'team'): Promise<string> {
  const slug = unique(prefix).replace(/_/g, '-').toLowerCase().slice(0, 40);
  const { data, error } = await client.rpc('create_team', { p_slug: slug });
  if (error || !data) throw new Error(`create_team failed: ${error?.message}`);
  return (data as { id: string }).id;
}

/** Pushes one run through push_eval_run as `client`'s user and returns its id. */
export async function pushRun(client: SupabaseClient, teamId: string, payload: unknown): Promise<string> {
  const { data, error } = await client.rpc('push_eval_run', { p_team_id: teamId, p_payload: payload });
  if (error || !data) throw new Error(`push_eval_run failed: ${error?.message}`);
  return (data as { run_id: string }).run_id;
}

/**
 * Calls `probe` until it returns something other than undefined, or fails
 * after `timeoutMs` with `what` in the message. For outcomes that arrive
 * asynchronously (webhooks, schema reloads), never a fixed sleep.
 */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let delay = 20;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 250);
  }
}

/**
 * Waits until `table` is in PostgREST's schema cache. PostgREST 12 reads a table it has not cached
 * (a GET answers 200 straight from the database) but refuses writes to it with a bare 404 `{}`, so
 * a read is no probe: the OpenAPI document is built from the cache and lists the table once a
 * reload has picked it up. (A GET probe passed while a reload was still running under load, and a
 * test's first insert failed.)
 */
export async function schemaCacheLists(table: string, listed = true): Promise<void> {
  const { apiUrl, serviceRoleKey } = stackInfo();
  await eventually(`PostgREST's schema cache to ${listed ? 'list' : 'drop'} ${table}`, async () => {
    const res = await fetch(`${apiUrl}/rest/v1/`, { headers: { apikey: serviceRoleKey } });
    const doc = (await res.json()) as { paths?: Record<string, unknown> };
    return doc.paths && `/${table}` in doc.paths === listed ? true : undefined;
  });
}

/** Messages the Slack sink recorded for one webhook path. */
export async function sinkMessages(pathName: string): Promise<Array<{ path: string; payload: Record<string, unknown> }>> {
  const res = await fetch(`${stackInfo().slackSinkUrl}/messages?path=${encodeURIComponent(pathName)}`);
  return (await res.json()) as Array<{ path: string; payload: Record<string, unknown> }>;
}
