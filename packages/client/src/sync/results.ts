/** Reading local result files for a push: parsed, checked against the store's limits, mapped to rows. */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pushProblems, type StandardEvalResult, toRunPayload } from '@gstack/core';
import { UserError } from '../errors.ts';
import { readResultFile, recoverOrphanedPartials } from '../runner/results-store.ts';
import type { PushItem } from './push.ts';

export interface LoadedResult {
  file: string;
  doc: StandardEvalResult;
  item: PushItem;
}

/** Problems with one file, as `file: field: message` lines; empty when it can be pushed. */
export function checkResultFile(file: string): { result?: LoadedResult; problems: string[] } {
  const read = readResultFile(file);
  if (!read.ok) return { problems: read.problems };
  const problems = pushProblems(read.doc, read.bytes).map((p) => `${file}: ${p.field ? `${p.field}: ` : ''}${p.message}`);
  if (problems.length) return { problems };
  return {
    problems: [],
    result: {
      file,
      doc: read.doc,
      item: { kind: 'eval_run', label: path.basename(file), key: read.doc.run_id, payload: toRunPayload(read.doc) },
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
      // A killed run's partial file is pushed as the interrupted run it is.
      recoverOrphanedPartials(dir, (line) => process.stderr.write(`note: ${line}\n`));
      return existsSync(dir) ? readdirSync(dir).map((f) => path.join(dir, f)) : [];
    })
    .filter((f) => f.endsWith('.json') && !f.endsWith('_partial.json'))
    .sort();
}
