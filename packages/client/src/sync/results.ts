/** Reading local result files for a push: parsed, checked against the store's limits, mapped to rows. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describeProblems, parseEvalResult, pushProblems, type StandardEvalResult, toRunPayload } from '@gstack/core';
import { UserError } from '../errors.ts';
import type { PushItem } from './push.ts';

export interface LoadedResult {
  file: string;
  doc: StandardEvalResult;
  item: PushItem;
}

/** Problems with one file, as `file: field: message` lines; empty when it can be pushed. */
export function checkResultFile(file: string): { result?: LoadedResult; problems: string[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { problems: [`${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`] };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { problems: [`${file}: not valid JSON (${(error as Error).message})`] };
  }
  const version = (json as { schema_version?: unknown } | null)?.schema_version;
  if (version !== undefined && version !== 1) {
    return {
      problems: [
        `${file}: schema_version: this gstack reads version 1 result files, not ${JSON.stringify(version)} (upgrade gstack to push it)`,
      ],
    };
  }
  const parsed = parseEvalResult(json);
  if (!parsed.ok) return { problems: describeProblems(file, parsed.error).split('\n') };
  const problems = pushProblems(parsed.result, Buffer.byteLength(text)).map((p) => `${file}: ${p.field ? `${p.field}: ` : ''}${p.message}`);
  if (problems.length) return { problems };
  return {
    problems: [],
    result: {
      file,
      doc: parsed.result,
      item: { kind: 'eval_run', label: path.basename(file), key: parsed.result.run_id, payload: toRunPayload(parsed.result) },
    },
  };
}

/** Loads files named by the user: any problem in any file is an error (exit 2) and nothing is sent. */
export function loadResultFiles(files: string[]): LoadedResult[] {
  const checked = files.map((file) => checkResultFile(file));
  const problems = checked.flatMap((c) => c.problems);
  if (problems.length) throw new UserError(`${problems.join('\n')}\nnothing was pushed`);
  return checked.map((c) => c.result as LoadedResult);
}

/** Every finished local result file under the state dir (partial files excluded). */
export function localResultFiles(stateRoot: string): string[] {
  const projects = path.join(stateRoot, 'projects');
  if (!existsSync(projects)) return [];
  return readdirSync(projects)
    .flatMap((slug) => {
      const dir = path.join(projects, slug, 'evals');
      return existsSync(dir) ? readdirSync(dir).map((f) => path.join(dir, f)) : [];
    })
    .filter((f) => f.endsWith('.json') && !f.endsWith('_partial.json'))
    .sort();
}
