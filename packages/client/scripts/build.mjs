#!/usr/bin/env node
/**
 * Compiles the CLIs to JavaScript in dist/cli (run by `npm install` through the root
 * `prepare` script, and by `npm run build`), so they start without compiling TypeScript.
 * Code splitting keeps each command's modules in chunks of their own, loaded only when
 * that command runs. dist/cli/inputs.json lists every source file the build read and when
 * it started: the bins (bin/load.js) use dist only while no source file is newer.
 * Plain JavaScript, so it runs before anything else is built.
 */
import { writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const clientDir = path.resolve(here, '..');
// dist/cli sits two levels below the package, like src/cli, so the sources' `new URL('../../…',
// import.meta.url)` (package.json for the version, bin/ for the background push) still resolve.
const outdir = path.join(clientDir, 'dist', 'cli');

const builtAt = Date.now();
await rm(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: [path.join(clientDir, 'src/cli/gstack.ts'), path.join(clientDir, 'src/cli/gstack-sync.ts')],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
  // npm packages load from node_modules as usual, including those of the workspace packages the
  // CLI imports (the dashboard's hono and @supabase/ssr); the workspace's TypeScript (@gstack/*) is
  // compiled in. Bundling a CommonJS package would break its own require() of another package.
  plugins: [
    {
      name: 'npm-packages-external',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@gstack/') ? undefined : { path: args.path, external: true }));
      },
    },
  ],
});
const inputs = Object.keys(result.metafile.inputs).map((file) => path.relative(clientDir, path.resolve(process.cwd(), file)));
// The npm packages the compiled code imports at run time: what a packed client depends on (scripts/pack.mjs).
const externals = new Set();
for (const output of Object.values(result.metafile.outputs)) {
  for (const { path: spec, external } of output.imports) {
    if (!external || spec.startsWith('node:') || isBuiltin(spec)) continue;
    externals.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
  }
}
writeFileSync(path.join(outdir, 'inputs.json'), `${JSON.stringify({ builtAt, inputs, externals: [...externals].sort() }, null, 1)}\n`);
console.log(`gstack CLIs compiled to ${path.relative(process.cwd(), outdir) || outdir} (${inputs.length} source files)`);
