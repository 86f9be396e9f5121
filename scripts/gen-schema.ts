/**
 * `npm run gen:schema`: writes docs/eval-result.schema.json from the zod schema
 * in packages/core (the single definition). A unit test fails when it drifts.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { evalResultJsonSchema } from '../packages/core/src/eval-result.ts';

export const SCHEMA_FILE = 'docs/eval-result.schema.json';

export function schemaText(): string {
  return `${JSON.stringify(evalResultJsonSchema(), null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  writeFileSync(path.join(root, SCHEMA_FILE), schemaText());
  console.log(`wrote ${SCHEMA_FILE}`);
}
