/**
 * No import cycles between the folders of packages/client/src: each folder is one concept,
 * and a folder that imports another must not be imported back (directly or round a loop).
 * Type-only imports count too: they still tie the two concepts together. Files at the top
 * of src/ are each their own node. The two bin entry points are the composition root (they
 * load every command) and are left out. KNOWN_BACK_EDGES would list edges still to break
 * (the check fails on any new cycle, and on a listed edge that is gone).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = path.dirname(fileURLToPath(import.meta.url));

/** Files that wire the program together and may import anything. */
const ENTRY_POINTS = new Set(['cli/gstack.ts', 'cli/gstack-sync.ts']);

/** Edges that still close a cycle, each with why it is there (none now: keep it that way). */
const KNOWN_BACK_EDGES: Array<[string, string]> = [];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    const rel = path.relative(SRC, full).split(path.sep).join('/');
    return /\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name) && !ENTRY_POINTS.has(rel) ? [full] : [];
  });
}

/** The folder (or top-level file) of src/ that a file belongs to. */
const unit = (file: string) => path.relative(SRC, file).split(path.sep)[0] as string;

/** Relative specifiers of every import and re-export in a file (static and dynamic). */
export function importsOf(text: string): string[] {
  const specs: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) specs.push(m[1] as string);
  return specs;
}

/** Edges between folders: unit → units it imports. */
export function folderGraph(files: string[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of files) {
    const from = unit(file);
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      const to = unit(path.resolve(path.dirname(file), spec));
      if (to !== from && !to.startsWith('..')) edges.add(to);
    }
  }
  return graph;
}

/** Every cycle's members (strongly connected components larger than one node, Tarjan). */
export function cycles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index);
    index += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, idx.get(w) as number));
    }
    if (low.get(v) === idx.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) visit(v);
  return found;
}

/**
 * Command files that another command file imports (a command's rules belong in core or a
 * client folder, not in another command; what a group's commands share sits in its common.ts).
 */
const KNOWN_COMMAND_IMPORTS: string[] = [];

/** Imports from one command file of another (a file that registers a command), other than a group's index.ts registering its own. */
export function commandImports(files: string[]): string[] {
  const rel = (file: string) => path.relative(SRC, file).split(path.sep).join('/');
  const isCommand = (file: string) => /\bexport function register[A-Z]/.test(readFileSync(file, 'utf8'));
  const found: string[] = [];
  for (const file of files.filter((f) => rel(f).startsWith('commands/') && path.basename(f) !== 'index.ts')) {
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      const target = path.resolve(path.dirname(file), spec);
      if (rel(target).startsWith('commands/') && path.basename(target) !== 'index.ts' && isCommand(target))
        found.push(`${rel(file)} → ${rel(target)}`);
    }
  }
  return found.sort();
}

describe('commands', () => {
  it('import core and client folders, never another command', () => {
    expect(commandImports(sourceFiles(SRC))).toEqual(KNOWN_COMMAND_IMPORTS);
  });
});

describe('folders of packages/client/src', () => {
  it('finds a cycle when there is one (the check can fail)', () => {
    const graph = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
      ['d', new Set(['a'])],
    ]);
    expect(cycles(graph)).toEqual([['a', 'b', 'c']]);
    expect(importsOf(`import { x } from '../b/x.ts';\nexport * from './y.ts';\nconst z = await import('../c/z.ts');`)).toEqual([
      '../b/x.ts',
      './y.ts',
      '../c/z.ts',
    ]);
  });

  it('import each other in one direction only', () => {
    const graph = folderGraph(sourceFiles(SRC));
    for (const [from, to] of KNOWN_BACK_EDGES) {
      expect(graph.get(from)?.has(to), `${from} → ${to} is gone: take it off KNOWN_BACK_EDGES`).toBe(true);
      graph.get(from)?.delete(to);
    }
    expect(cycles(graph)).toEqual([]);
  });
});
