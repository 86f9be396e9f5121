/**
 * `npm run gen:types`: regenerates packages/core/src/database.types.ts from the
 * running local stack (`npm start`), or from the database URL given as the
 * first argument. CI checks the committed file against a fresh generation.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { defaultProjectRoot } from '../apps/local-stack/src/index.ts';
import { DATABASE_TYPES_FILE, generateDatabaseTypes } from '../apps/local-stack/src/postgres/types.ts';

const root = defaultProjectRoot();
let dbUrl = process.argv[2];
if (!dbUrl) {
  const envFile = path.join(root, '.gstack-local', 'stack.env');
  if (!existsSync(envFile)) {
    console.error('error: no database URL given and no running local stack (.gstack-local/stack.env); run `npm start` first');
    process.exit(2);
  }
  dbUrl = /^SUPABASE_DB_URL=(.*)$/m.exec(readFileSync(envFile, 'utf8'))?.[1];
}
const types = await generateDatabaseTypes(dbUrl ?? '', root);
writeFileSync(path.join(root, DATABASE_TYPES_FILE), types);
console.log(`wrote ${DATABASE_TYPES_FILE}`);
