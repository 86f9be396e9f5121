import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { discoverFunctions } from './runner.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** `[name, range]` of every `npm:` import of a deno.json (`npm:hono@^4.1`, `npm:/hono@^4.1/`). */
function npmImports(denoJson: string): Array<[string, string]> {
  const { imports = {} } = JSON.parse(readFileSync(denoJson, 'utf8')) as { imports?: Record<string, string> };
  return Object.values(imports)
    .map((spec) => /^npm:\/?((?:@[^/@]+\/)?[^/@]+)@([^/]+)\/?$/.exec(spec))
    .filter((m): m is RegExpExecArray => Boolean(m))
    .map((m) => [m[1] as string, m[2] as string]);
}

describe("edge functions' npm imports", () => {
  it('are all installed by npm install, at versions their deno.json accepts (so a function starts offline)', () => {
    const functions = discoverFunctions([path.join(root, 'supabase', 'functions')]);
    const checked: string[] = [];
    for (const [name, dir] of functions) {
      for (const [pkg, range] of npmImports(path.join(dir, 'deno.json'))) {
        const manifest = path.join(root, 'node_modules', pkg, 'package.json');
        const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
        expect(semver.satisfies(version, range), `${name}: ${pkg}@${range}, installed ${version}`).toBe(true);
        checked.push(pkg);
      }
    }
    // Not a pass on nothing: the functions import at least these.
    expect(checked).toEqual(expect.arrayContaining(['hono', 'zod', '@supabase/ssr', '@supabase/supabase-js']));
  });
});
