/**
 * Reading suite files and models.yaml: YAML syntax errors with their line,
 * schema errors with the path of the bad field, both naming the file, as
 * UserError (exit code 2). A `json_schema` assertion's schema is compiled
 * here, so an invalid one is a config error rather than every tier rejected.
 * `file://` references in a suite are resolved first (files.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describeProblems, type ModelsConfig, modelsConfigSchema, type Suite, sha256Hex, suiteSchema } from '@gstack/core';
import { Ajv } from 'ajv';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { UserError } from '../errors.ts';
import { SuiteFiles } from './files.ts';

export function readYaml(file: string, what: string, shown = file): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? `${shown}: no such ${what}` : `${shown}: cannot read it (${(error as Error).message})`);
  }
  const doc = parseDocument(text);
  const firstError = doc.errors[0];
  if (firstError) {
    const line = firstError.linePos?.[0];
    const message = firstError.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '');
    throw new UserError(`${shown}${line ? `:${line.line}:${line.col}` : ''}: invalid YAML: ${message}`);
  }
  return doc.toJS();
}

function parseWith<T extends z.ZodType>(schema: T, value: unknown, file: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new UserError(describeProblems(file, parsed.error));
  return parsed.data;
}

export interface LoadedSuite {
  file: string;
  dir: string;
  suite: Suite;
  /** SHA-256 of the file's text (the result's prompt_sha). */
  sha: string;
  /** Contents of the files listed in `sources`, in order. */
  sources: string[];
}

const ajv = new Ajv({ allErrors: true, strict: false });

/** Every `json_schema` value in the raw suite that is not a valid JSON Schema, as `file: field: problem`. */
function invalidJsonSchemas(raw: unknown, file: string): string[] {
  const doc = raw as { tests?: Array<{ expect?: unknown[] }>; defaults?: { expect?: unknown[] } };
  const lists: Array<[string, unknown[] | undefined]> = [
    ['defaults.expect', doc?.defaults?.expect],
    ...(doc?.tests ?? []).map((t, i): [string, unknown[] | undefined] => [`tests[${i}].expect`, t?.expect]),
  ];
  const problems: string[] = [];
  for (const [field, list] of lists) {
    (Array.isArray(list) ? list : []).forEach((entry, j) => {
      const schema = (entry as { json_schema?: unknown } | null)?.json_schema;
      if (!schema || typeof schema !== 'object') return;
      try {
        ajv.compile(schema as Record<string, unknown>);
      } catch (error) {
        problems.push(`${file}: ${field}[${j}].json_schema: not a valid JSON Schema (${(error as Error).message})`);
      }
    });
  }
  return problems;
}

export async function loadSuite(file: string): Promise<LoadedSuite> {
  const absolute = path.resolve(file);
  const dir = path.dirname(absolute);
  const files = new SuiteFiles(file, dir);
  const raw = files.resolve(readYaml(absolute, 'suite file', file));
  const suite = parseWith(suiteSchema, raw, file);
  const badSchemas = invalidJsonSchemas(raw, file);
  if (badSchemas.length) throw new UserError(badSchemas.join('\n'));
  const sources = suite.sources.map((source, i) => {
    try {
      return readFileSync(path.resolve(dir, source), 'utf8');
    } catch {
      throw new UserError(`${file}: sources[${i}]: cannot read ${source}`);
    }
  });
  // The files the suite reads are part of it: a changed prompt.txt makes runs incomparable like a changed suite.
  const text = readFileSync(absolute, 'utf8');
  const sha = await sha256Hex(
    files.read.length ? [text, ...files.read.map((f) => `\u0000${path.relative(dir, f.file)}\u0000${f.text}`)].join('') : text,
  );
  return { file: absolute, dir, suite, sha, sources };
}

export interface LoadedModels {
  file: string | null;
  dir: string;
  config: ModelsConfig;
}

/**
 * models.yaml from `--models`, else ./models.yaml, else one next to the first
 * suite file, else an empty configuration (then every test needs --model).
 */
export function loadModelsConfig(explicit: string | undefined, cwd: string, suiteDir?: string): LoadedModels {
  const exists = (file: string) => {
    try {
      readFileSync(file);
      return true;
    } catch {
      return false;
    }
  };
  if (explicit && !exists(explicit)) throw new UserError(`${explicit}: no such models file`);
  const candidate =
    explicit ?? [path.join(cwd, 'models.yaml'), suiteDir && path.join(suiteDir, 'models.yaml')].find((f): f is string => !!f && exists(f));
  if (!candidate) return { file: null, dir: cwd, config: modelsConfigSchema.parse({}) };
  const absolute = path.resolve(candidate);
  return {
    file: absolute,
    dir: path.dirname(absolute),
    config: parseWith(modelsConfigSchema, readYaml(absolute, 'models file') ?? {}, candidate),
  };
}

/** The `suite:` name a YAML file declares, if it looks like a suite file. */
function declaredSuite(file: string): string | undefined {
  try {
    return /^suite:\s*["']?([A-Za-z0-9_.-]+)/m.exec(readFileSync(file, 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

/**
 * models.yaml `suites:` entries must name a suite: one being run, or one in a
 * suite file next to models.yaml or next to a suite being run. A misspelt
 * entry would otherwise be ignored and the suite run on the wrong chain.
 */
export function checkSuiteEntries(models: LoadedModels, suites: LoadedSuite[]): void {
  const names = Object.keys(models.config.suites);
  if (!names.length || !models.file) return;
  const known = new Set(suites.map((s) => s.suite.suite));
  const dirs = new Set([models.dir, ...suites.map((s) => s.dir)]);
  for (const dir of dirs) {
    for (const name of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))) {
      const declared = declaredSuite(path.join(dir, name));
      if (declared) known.add(declared);
    }
  }
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length)
    throw new UserError(
      unknown.map((n) => `${models.file}: suites.${n}: names no suite (known here: ${[...known].sort().join(', ') || 'none'})`).join('\n'),
    );
}
