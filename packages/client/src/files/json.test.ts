/** The client's one JSON file reader and writer: atomic writes with modes, lenient and strict reads. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { UserError } from '../errors.ts';
import { loadJsonFile, PRIVATE_FILE, readJson, readJsonSync, writeJsonAtomic, writeTextAtomic } from './json.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gstack-json-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const schema = z.strictObject({ n: z.number() });

describe('JSON files', () => {
  it('writes through a temp file (none left behind), creating folders, private files 0600 in 0700 folders', async () => {
    const file = path.join(dir, 'a', 'b.json');
    await writeJsonAtomic(file, { n: 1 }, PRIVATE_FILE);
    expect(readFileSync(file, 'utf8')).toBe('{\n  "n": 1\n}\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    await writeTextAtomic(file, 'x\n');
    expect(readdirSync(path.dirname(file))).toEqual(['b.json']);
    await writeJsonAtomic(file, { n: 2 }, { compact: true });
    expect(readFileSync(file, 'utf8')).toBe('{"n":2}');
  });

  it('reads leniently: absent, broken or invalid is undefined', async () => {
    const file = path.join(dir, 'c.json');
    expect(await readJson(file)).toBeUndefined();
    writeFileSync(file, '{ broken');
    expect(readJsonSync(file)).toBeUndefined();
    writeFileSync(file, '{"n":"one"}');
    expect(await readJson(file, schema)).toBeUndefined();
    expect(await readJson(file)).toEqual({ n: 'one' });
    writeFileSync(file, '{"n":3}');
    expect(readJsonSync(file, schema)).toEqual({ n: 3 });
  });

  it('reads strictly: errors name the file and the field, exit 2; an absent file may have a default', () => {
    const file = path.join(dir, 'd.json');
    const error = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return e as UserError;
      }
      throw new Error('no error');
    };
    expect(error(() => loadJsonFile(file, schema)).message).toBe(`${file}: no such file`);
    expect(loadJsonFile(file, schema.partial(), { whenMissing: {} })).toEqual({});
    writeFileSync(file, '{ broken');
    const broken = error(() => loadJsonFile(file, schema));
    expect(broken).toBeInstanceOf(UserError);
    expect(broken.exitCode).toBe(2);
    expect(broken.message).toMatch(new RegExp(`^${file}: not valid JSON \\(`));
    writeFileSync(file, '{"n":"one"}');
    expect(error(() => loadJsonFile(file, schema)).message).toContain(`${file}: n:`);
  });
});
