import { defineConfig } from 'vitest/config';

// Two projects: `unit` runs without services; `stack` gets a private local
// stack (started once per run by the global setup) on free ports.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/*.cli.test.ts', '**/node_modules/**'],
        },
      },
      {
        // The CLIs as child processes (several per test) without the stack. Vitest's 5 s default
        // is a bound for in-process tests; on 2 cores shared with the stack project a test that
        // starts four Node processes can need more, so these get the stack project's bound.
        test: {
          name: 'cli',
          include: ['packages/*/src/**/*.cli.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'stack',
          include: [
            'packages/*/{src,test}/**/*.int.test.ts',
            'apps/*/{src,test}/**/*.int.test.ts',
            'supabase/tests/**/*.int.test.ts',
            'scripts/**/*.int.test.ts',
          ],
          globalSetup: ['apps/local-stack/test/global-setup.ts'],
          // Requests go through real Postgres, PostgREST and Deno processes; a
          // Deno function's first request includes its cold start.
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
