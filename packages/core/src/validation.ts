/**
 * Turning zod failures into messages a person can act on: the file, the path
 * of the bad field and what was expected. Every boundary parser uses this.
 */
import type { z } from 'zod';

export interface FieldProblem {
  /** Dotted path of the field, e.g. `tests[2].expect.regex`; empty for the document itself. */
  field: string;
  message: string;
}

/** Renders a zod path as `a.b[2].c`. */
export function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

export function fieldProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({ field: fieldPath(issue.path), message: issue.message }));
}

/** One line per problem: `<source>: <field>: <message>`. */
export function describeProblems(source: string, error: z.ZodError): string {
  return fieldProblems(error)
    .map(({ field, message }) => `${source}: ${field ? `${field}: ` : ''}${message}`)
    .join('\n');
}
