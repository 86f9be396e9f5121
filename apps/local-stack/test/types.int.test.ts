import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultProjectRoot } from '../src/index.ts';
import { bootstrap, pushMigrations } from '../src/postgres/migrate.ts';
import { DATABASE_TYPES_FILE, generateDatabaseTypes } from '../src/postgres/types.ts';
import { sql, stackInfo, unique } from './harness.ts';

// A fresh database in the test cluster, migrated from scratch: other test files add
// tables to the main one, and types must describe the migrations alone.
const database = unique('types_check');
let url: string;

beforeAll(async () => {
  await sql(`create database ${database}`);
  url = stackInfo().dbUrl.replace(/\/postgres$/, `/${database}`);
  await bootstrap(url);
  await pushMigrations(url, defaultProjectRoot());
});

afterAll(async () => {
  await sql(`drop database if exists ${database} with (force)`);
});

describe('generated database types', () => {
  it(`${DATABASE_TYPES_FILE} matches the migrations (run \`npm run gen:types\` after changing one)`, async () => {
    const fresh = await generateDatabaseTypes(url, defaultProjectRoot());
    const committed = readFileSync(path.join(defaultProjectRoot(), DATABASE_TYPES_FILE), 'utf8');
    expect(committed).toBe(fresh);
    expect(fresh).toContain('eval_runs: {');
  });
});
