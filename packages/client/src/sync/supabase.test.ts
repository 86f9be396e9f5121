/**
 * The store client is typed by the generated schema (`SupabaseClient<Database>`):
 * these checks fail `npm run typecheck` when the typing is lost (a renamed RPC,
 * argument or column would then only fail at run time). Nothing here reaches a
 * network: a query builder sends only when awaited.
 */
import type { Database } from '@gstack/core';
import { describe, expectTypeOf, it } from 'vitest';
import { createSupabase, type StoreClient } from './supabase.ts';

const client = createSupabase({ url: 'http://127.0.0.1:9', key: 'sb_publishable_test' });

describe('the store client', () => {
  it('is typed by the generated schema', () => {
    expectTypeOf(client).toEqualTypeOf<StoreClient>();
    type PushReturns = Database['public']['Functions']['push_eval_run']['Returns'];
    expectTypeOf<Awaited<ReturnType<typeof pushRun>>['data']>().toEqualTypeOf<PushReturns | null>();
    expectTypeOf<NonNullable<Awaited<ReturnType<typeof teamRow>>['data']>>().toEqualTypeOf<{ id: string; slug: string }>();
  });

  it('refuses unknown RPCs, arguments and columns at compile time', () => {
    // @ts-expect-error: no such RPC
    void (() => client.rpc('push_eval_runs', { p_team_id: '', p_payload: {} }));
    // @ts-expect-error: a misnamed argument
    void (() => client.rpc('push_eval_run', { team_id: '', p_payload: {} }));
    // @ts-expect-error: no such table
    void (() => client.from('eval_run'));
    // @ts-expect-error: a misnamed column in a filter
    void (() => client.from('teams').select('id').eq('team_slug', 'acme'));
  });
});

function pushRun() {
  return client.rpc('push_eval_run', { p_team_id: '', p_payload: {} });
}

function teamRow() {
  return client.from('teams').select('id, slug').maybeSingle();
}
