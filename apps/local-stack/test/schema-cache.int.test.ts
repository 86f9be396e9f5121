import { describe, expect, it } from 'vitest';
import { schemaCacheLists, serviceClient, sql, unique } from './harness.ts';

// As on hosted Supabase, DDL reloads PostgREST's schema cache (the pgrst_ddl_watch and
// pgrst_drop_watch event triggers of bootstrap.sql): no manual `notify pgrst` and no restart.
describe("PostgREST's schema cache follows DDL", () => {
  it('a table created in SQL is writable through the API, and leaves the API when dropped', async () => {
    const table = unique('ddl_watch');
    await sql(`
      create table public.${table} (id bigint generated always as identity primary key, body text not null);
      alter table public.${table} enable row level security;
      grant all on public.${table} to service_role;
    `);
    await schemaCacheLists(table);
    const inserted = await serviceClient().from(table).insert({ body: 'written at once' });
    expect({ status: inserted.status, error: inserted.error }).toEqual({ status: 201, error: null });

    await sql(`drop table public.${table}`);
    await schemaCacheLists(table, false);
  });

  it('the database has both event triggers, enabled', async () => {
    const rows = await sql<{ evtname: string; evtevent: string; evtenabled: string }>(
      "select evtname, evtevent, evtenabled from pg_event_trigger where evtname like 'pgrst_%' order by evtname",
    );
    expect(rows).toEqual([
      { evtname: 'pgrst_ddl_watch', evtevent: 'ddl_command_end', evtenabled: 'O' },
      { evtname: 'pgrst_drop_watch', evtevent: 'sql_drop', evtenabled: 'O' },
    ]);
  });
});
