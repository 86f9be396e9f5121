// Starts one of the CLIs: the compiled JavaScript in dist/cli (built by `npm install`) when
// it is fresh, i.e. no source file it was built from changed since the build started;
// otherwise the TypeScript sources through tsx, so a checkout never runs stale code.
// GSTACK_FROM_SOURCE=1 always runs the sources.
import { readFileSync, statSync } from 'node:fs';

const client = new URL('../', import.meta.url);

/** True when <root>/dist/cli exists and none of its inputs is newer than its build (root: a file: URL ending in /). */
export function distIsFresh(root = client) {
  try {
    const manifest = JSON.parse(readFileSync(new URL('dist/cli/inputs.json', root), 'utf8'));
    return manifest.inputs.every((file) => statSync(new URL(file, root)).mtimeMs <= manifest.builtAt);
  } catch {
    return false; // no build yet, or an input was deleted: run the sources
  }
}

/** Runs the CLI called `name` (gstack, gstack-sync). */
export async function start(name) {
  if (!process.env.GSTACK_FROM_SOURCE && distIsFresh()) {
    await import(new URL(`dist/cli/${name}.js`, client).href);
    return;
  }
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL(`src/cli/${name}.ts`, client).href);
}
