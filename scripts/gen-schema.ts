/**
 * `npm run gen:schema`: writes docs/eval-result.schema.json and docs/suite.schema.json
 * from the zod schemas in packages/core (the single definitions; the suite's assertion
 * descriptions come from the client's assertion registry). Unit tests fail when they drift.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertionSummaries } from '../packages/client/src/assertions/index.ts';
import { evalResultJsonSchema } from '../packages/core/src/eval-result.ts';
import { suiteJsonSchema } from '../packages/core/src/suite.ts';

export const SCHEMA_FILE = 'docs/eval-result.schema.json';
export const SUITE_SCHEMA_FILE = 'docs/suite.schema.json';

export function schemaText(): string {
  return `${JSON.stringify(evalResultJsonSchema(), null, 2)}\n`;
}

export function suiteSchemaText(): string {
  const summaries = Object.fromEntries(assertionSummaries().map((a) => [a.type, a.summary]));
  return `${JSON.stringify(suiteJsonSchema(summaries), null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  writeFileSync(path.join(root, SCHEMA_FILE), schemaText());
  writeFileSync(path.join(root, SUITE_SCHEMA_FILE), suiteSchemaText());
  console.log(`wrote ${SCHEMA_FILE} and ${SUITE_SCHEMA_FILE}`);
}
