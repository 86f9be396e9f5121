/**
 * Reading suite files and models.yaml: YAML syntax errors with their line,
 * schema errors with the path of the bad field, both naming the file, as
 * UserError (exit code 2).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describeProblems, type ModelsConfig, modelsConfigSchema, type Suite, sha256Hex, suiteSchema } from '@gstack/core';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { UserError } from '../errors.ts';

function readYaml(file: string, what: string, shown = file): unknown {
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

export async function loadSuite(file: string): Promise<LoadedSuite> {
  const absolute = path.resolve(file);
  const suite = parseWith(suiteSchema, readYaml(absolute, 'suite file', file), file);
  const dir = path.dirname(absolute);
  const sources = suite.sources.map((source, i) => {
    try {
      return readFileSync(path.resolve(dir, source), 'utf8');
    } catch {
      throw new UserError(`${file}: sources[${i}]: cannot read ${source}`);
    }
  });
  return { file: absolute, dir, suite, sha: await sha256Hex(readFileSync(absolute, 'utf8')), sources };
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
