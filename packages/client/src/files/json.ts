/**
 * The one way the client reads and writes its JSON (and JSON-lines) files:
 * writes go through a temp file and a rename, so a reader never sees half a
 * file; reads are either lenient (absent or unreadable is `undefined`, for
 * caches and state the client can rebuild) or strict (a clear error naming
 * the file and field, for files a person wrote).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describeProblems } from '@gstack/core';
import type { z } from 'zod';
import { UserError } from '../errors.ts';

export interface WriteOptions {
  /** The file's mode (applied past the umask); default 0644 less the umask. */
  mode?: number;
  /** The mode of folders created on the way; default 0755 less the umask (0700 for private state). */
  dirMode?: number;
  /** One line without indentation instead of two-space indented JSON (for files written by the thousand). */
  compact?: boolean;
}

/** A credential or private state file: 0600 in folders created 0700. */
export const PRIVATE_FILE: WriteOptions = { mode: 0o600, dirMode: 0o700 };

/** The temp file a write goes through: unique per process and call, next to the target so the rename stays on one file system. */
function tempName(file: string): string {
  return `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

function jsonText(value: unknown, compact?: boolean): string {
  return compact ? JSON.stringify(value) : `${JSON.stringify(value, null, 2)}\n`;
}

/** Writes `text` to `file` through a temp file and a rename, creating its folder. */
export async function writeTextAtomic(file: string, text: string, options: WriteOptions = {}): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: options.dirMode });
  const tmp = tempName(file);
  await writeFile(tmp, text, { mode: options.mode });
  if (options.mode !== undefined) await chmod(tmp, options.mode);
  await rename(tmp, file);
}

/** Writes `value` as JSON to `file` through a temp file and a rename. */
export function writeJsonAtomic(file: string, value: unknown, options: WriteOptions = {}): Promise<void> {
  return writeTextAtomic(file, jsonText(value, options.compact), options);
}

/** The synchronous twin of writeJsonAtomic, for code that runs before anything else may read (recovering a partial). The folder must exist. */
export function writeJsonAtomicSync(file: string, value: unknown, options: Omit<WriteOptions, 'dirMode'> = {}): void {
  const tmp = tempName(file);
  writeFileSync(tmp, jsonText(value, options.compact), { mode: options.mode });
  renameSync(tmp, file);
}

function validated<T>(json: unknown, schema: z.ZodType<T> | undefined): T | undefined {
  if (!schema) return json as T;
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

/** Lenient read: the parsed (and, with a schema, validated) JSON, or undefined when the file is absent, unreadable or invalid. */
export async function readJson<T = unknown>(file: string, schema?: z.ZodType<T>): Promise<T | undefined> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
  return validated(json, schema);
}

/** The synchronous twin of readJson. */
export function readJsonSync<T = unknown>(file: string, schema?: z.ZodType<T>): T | undefined {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  return validated(json, schema);
}

/**
 * Strict read of a file a person wrote or named: the JSON validated by
 * `schema`. Throws a UserError (exit 2) saying `file: no such file`,
 * `file: not valid JSON (...)` or `file: field: what was expected`; an absent
 * file is `whenMissing` instead when one is given.
 */
export function loadJsonFile<T>(file: string, schema: z.ZodType<T>, options: { whenMissing?: unknown } = {}): T {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && 'whenMissing' in options) json = options.whenMissing;
    else throw new UserError(`${file}: ${code === 'ENOENT' ? 'no such file' : `not valid JSON (${(error as Error).message})`}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new UserError(describeProblems(file, parsed.error));
  return parsed.data;
}
