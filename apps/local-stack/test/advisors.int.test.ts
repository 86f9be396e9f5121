import { describe, expect, it } from 'vitest';
import { runAdvisors } from '../src/postgres/advisors.ts';
import { sql, stackInfo, unique } from './harness.ts';

describe('supabase db advisors on the migrated stack', () => {
  it('passes with --fail-on warn', async () => {
    const result = await runAdvisors(stackInfo().dbUrl, 'warn');
    expect(result.output).toContain('No issues found');
    expect(result.exitCode).toBe(0);
  });

  it('fails on a public table without RLS (so the check above means something)', async () => {
    const table = unique('unsafe');
    await sql(`create table public.${table} (id int); grant select on public.${table} to anon`);
    try {
      const result = await runAdvisors(stackInfo().dbUrl, 'warn');
      expect(result.exitCode).not.toBe(0);
      expect(result.output).toContain(`public.${table}`);
      expect(result.output).toContain('rls_disabled_in_public');
    } finally {
      await sql(`drop table public.${table}`);
    }
  });
});
