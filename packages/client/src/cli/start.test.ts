/**
 * How the bins start: the compiled CLI only while it is fresh (bin/load.js), and only the
 * command modules a command needs (lazy.ts).
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript without types (it runs before anything is built)
import { distIsFresh } from '../../bin/load.js';
import { type CommandModule, registerLazily } from './lazy.ts';

describe('distIsFresh', () => {
  function layout(): { root: string; url: URL; source: string } {
    const root = mkdtempSync(path.join(os.tmpdir(), 'gstack-dist-'));
    mkdirSync(path.join(root, 'src'));
    mkdirSync(path.join(root, 'dist', 'cli'), { recursive: true });
    const source = path.join(root, 'src', 'a.ts');
    writeFileSync(source, 'export {};\n');
    const builtAt = Date.now() + 1000;
    writeFileSync(path.join(root, 'dist', 'cli', 'inputs.json'), JSON.stringify({ builtAt, inputs: ['src/a.ts'] }));
    return { root, url: pathToFileURL(`${root}/`), source };
  }

  it('uses dist while no input changed since the build, and the sources once one did', () => {
    const { root, url, source } = layout();
    expect(distIsFresh(url)).toBe(true);
    const later = new Date(Date.now() + 60_000);
    utimesSync(source, later, later);
    expect(distIsFresh(url)).toBe(false);
    rmSync(root, { recursive: true });
  });

  it('uses the sources when an input is gone or there is no build', () => {
    const { root, url, source } = layout();
    rmSync(source);
    expect(distIsFresh(url)).toBe(false);
    rmSync(path.join(root, 'dist'), { recursive: true });
    expect(distIsFresh(url)).toBe(false);
    rmSync(root, { recursive: true });
  });
});

describe('registerLazily', () => {
  function modules(loaded: string[]): CommandModule[] {
    return ['eval', 'team'].map((name) => ({
      names: [name],
      load: async () => (parent: Command) => {
        loaded.push(name);
        parent.command(name);
      },
    }));
  }

  it.each([
    [['--version'], []],
    [['eval', 'list'], ['eval']],
    [['team'], ['team']],
    [[], ['eval', 'team']],
    [['--help'], ['eval', 'team']],
    [
      ['help', 'eval'],
      ['eval', 'team'],
    ],
    [['nonsense'], ['eval', 'team']],
  ])('%j loads %j', async (args, expected) => {
    const loaded: string[] = [];
    await registerLazily(new Command('gstack'), args, modules(loaded));
    expect(loaded).toEqual(expected);
  });

  it('loads the other modules when the chosen one does not register the name', async () => {
    const loaded: string[] = [];
    const mods: CommandModule[] = [
      {
        names: ['eval'],
        load: async () => () => {
          loaded.push('nothing');
        },
      },
      ...modules(loaded),
    ];
    await registerLazily(new Command('gstack'), ['evaluate'], mods);
    expect(loaded).toEqual(['nothing', 'eval', 'team']);
  });
});
