/**
 * Type-checks every edge function with Deno, the runtime that runs them
 * (tsc does not know `Deno`). Each function is checked with its own deno.json.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { denoBinary } from '../apps/local-stack/src/binaries.ts';
import { DENO_NPM_FLAGS, discoverFunctions } from '../apps/local-stack/src/functions/runner.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dirs = [path.join(root, 'supabase', 'functions'), path.join(root, 'apps', 'local-stack', 'test', 'fixtures', 'functions')];
let failed = 0;
for (const [name, dir] of discoverFunctions(dirs)) {
  const result = spawnSync(
    denoBinary(),
    ['check', ...DENO_NPM_FLAGS, '--quiet', '--config', path.join(dir, 'deno.json'), path.join(dir, 'index.ts')],
    {
      stdio: 'inherit',
      env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' },
    },
  );
  if (result.status !== 0) {
    failed += 1;
    console.error(`deno check failed for function ${name}`);
  }
}
process.exitCode = failed ? 1 : 0;
