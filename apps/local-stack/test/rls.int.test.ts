import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonClient, schemaCacheLists, serviceClient, signedInClient, sql, unique } from './harness.ts';

// A throwaway table with RLS, created by the test: public rows for everyone,
// private rows for their owner only.
const table = unique('rls_notes');

beforeAll(async () => {
  await sql(`
    create table public.${table} (
      id bigint generated always as identity primary key,
      owner uuid not null default auth.uid(),
      body text not null,
      is_public boolean not null default false
    );
    alter table public.${table} enable row level security;
    -- Our migrations revoke Supabase's default grants, so tables grant explicitly.
    grant select on public.${table} to anon;
    grant select, insert on public.${table} to authenticated;
    grant all on public.${table} to service_role;
    create policy "Anyone can read public notes" on public.${table} for select to anon using (is_public);
    create policy "Users can read public notes and their own" on public.${table} for select to authenticated
      using (is_public or owner = (select auth.uid()));
    create policy "Users can add their own notes" on public.${table} for insert to authenticated with check (owner = (select auth.uid()));
  `);
  // The stack's DDL event trigger reloads PostgREST's schema cache (schema-cache.int.test.ts).
  await schemaCacheLists(table);
});

afterAll(async () => {
  await sql(`drop table if exists public.${table}`);
});

/** Status and error together, so a failure says what PostgREST answered (a bare 404 reads as `{}`). */
function outcome(res: { status: number; error: unknown }) {
  return { status: res.status, error: res.error };
}

describe('RLS through PostgREST and supabase-js', () => {
  it('shows anon and a signed-in user different rows', async () => {
    const alice = await signedInClient();
    const bob = await signedInClient();
    expect(outcome(await alice.client.from(table).insert({ body: 'alice private' }))).toEqual({ status: 201, error: null });
    expect(outcome(await alice.client.from(table).insert({ body: 'alice public', is_public: true }))).toEqual({ status: 201, error: null });
    expect(outcome(await bob.client.from(table).insert({ body: 'bob private' }))).toEqual({ status: 201, error: null });

    const asAnon = await anonClient().from(table).select('body').order('body');
    expect(asAnon.error).toBeNull();
    expect(asAnon.data?.map((r) => r.body)).toEqual(['alice public']);

    const asAlice = await alice.client.from(table).select('body').order('body');
    expect(asAlice.data?.map((r) => r.body)).toEqual(['alice private', 'alice public']);

    const asBob = await bob.client.from(table).select('body').order('body');
    expect(asBob.data?.map((r) => r.body)).toEqual(['alice public', 'bob private']);

    const asService = await serviceClient().from(table).select('body').order('body');
    expect(asService.data?.map((r) => r.body)).toEqual(['alice private', 'alice public', 'bob private']);
  });

  it('refuses an anon insert with 42501 and a forged owner with an RLS violation', async () => {
    const anonInsert = await anonClient().from(table).insert({ body: 'anon', owner: '00000000-0000-0000-0000-000000000000' });
    expect(anonInsert.error?.code).toBe('42501');

    const alice = await signedInClient();
    const bob = await signedInClient();
    const forged = await alice.client.from(table).insert({ body: 'forged', owner: bob.userId });
    expect(forged.error?.code).toBe('42501');
    expect(forged.error?.message).toContain('row-level security');
  });

  it('rejects a token signed with another secret', async () => {
    const alice = await signedInClient();
    const token = (await alice.client.auth.getSession()).data.session?.access_token ?? '';
    const [header, payload] = token.split('.');
    const forged = `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;
    const res = await anonClient().from(table).select('body').setHeader('Authorization', `Bearer ${forged}`);
    expect(res.status).toBe(401);
    expect(res.data).toBeNull();
  });
});
