/**
 * `gstack import promptfoo CONFIG`: writes the equivalent gstack suite(s) and
 * models.yaml (conversion: promptfoo.ts), checks that they load as gstack
 * reads them, and names everything it could not convert. Refuses to overwrite
 * files unless --force.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { modelsConfigSchema } from '@gstack/core';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { printJson } from '../../cli/run.ts';
import { loadSuite, readYaml } from '../../config/load.ts';
import { UserError } from '../../errors.ts';
import { convertPromptfoo } from './promptfoo.ts';

/** `file://x` relative to the config, rewritten relative to the output folder (absolute ones stay). */
function rebase(value: unknown, from: string, to: string): unknown {
  if (typeof value === 'string' && value.startsWith('file://') && !value.startsWith('file:///'))
    return `file://${path.relative(to, path.resolve(from, value.slice(7))) || '.'}`;
  if (Array.isArray(value)) return value.map((v) => rebase(v, from, to));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rebase(v, from, to)]));
  return value;
}

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);

export function registerImport(program: Command): void {
  const group = program.command('import').description('Convert another tool’s eval configuration into gstack suites');
  group
    .command('promptfoo')
    .description('Write the gstack suite(s) and models.yaml equivalent to a promptfooconfig.yaml, naming what cannot be converted')
    .argument('<config>', 'promptfooconfig.yaml')
    .option('--out <dir>', 'where to write (default: the folder of the config)')
    .option('--name <suite>', 'the suite name (default: from the description, else "promptfoo")')
    .option('--force', 'overwrite existing files')
    .option('--json', 'print {files, skipped} as JSON')
    .action(async (configFile: string, flags: { out?: string; name?: string; force?: boolean; json?: boolean }) => {
      const from = path.dirname(path.resolve(configFile));
      const out = path.resolve(flags.out ?? from);
      const config = readYaml(path.resolve(configFile), 'promptfoo config', configFile);
      const description = (config as { description?: unknown } | null)?.description;
      const name = flags.name ?? (typeof description === 'string' && slug(description) ? slug(description) : 'promptfoo');
      if (!/^[A-Za-z0-9_.-]+$/.test(name))
        throw new UserError(`--name must be a suite name (letters, digits, . _ -), not ${JSON.stringify(name)}`);
      const converted = convertPromptfoo(config, name);
      if (!converted.suites.length) throw new UserError(`${configFile}: ${converted.skipped.join('; ')}`);
      const files = [...converted.suites.map((s) => path.join(out, s.file)), path.join(out, 'models.yaml')];
      const existing = files.filter((f) => existsSync(f));
      if (existing.length && !flags.force)
        throw new UserError(`${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''}; pass --force to overwrite`);
      const models = modelsConfigSchema.safeParse(converted.models);
      if (!models.success) throw new UserError(`${configFile}: the converted models.yaml is not valid: ${models.error.message}`);
      mkdirSync(out, { recursive: true });
      writeFileSync(
        path.join(out, 'models.yaml'),
        `# converted from ${path.basename(configFile)} by gstack import promptfoo\n${stringify(converted.models)}`,
      );
      for (const s of converted.suites)
        writeFileSync(
          path.join(out, s.file),
          `# converted from ${path.basename(configFile)} by gstack import promptfoo\n${stringify(rebase(s.suite, from, out))}`,
        );
      // What was written must load as gstack reads it; if it does not, nothing is left behind.
      try {
        for (const s of converted.suites) await loadSuite(path.join(out, s.file));
      } catch (error) {
        for (const f of files) if (!existing.includes(f)) rmSync(f, { force: true });
        throw new UserError(`the converted suite does not load, so nothing was written:\n${(error as Error).message}`);
      }
      if (flags.json) return printJson({ files, skipped: converted.skipped });
      for (const f of files) process.stdout.write(`wrote ${path.relative(process.cwd(), f) || f}\n`);
      if (converted.skipped.length) {
        process.stdout.write(`not converted (${converted.skipped.length}):\n`);
        for (const line of converted.skipped) process.stdout.write(`  ${configFile}: ${line}\n`);
      }
      process.stdout.write(`next: gstack eval run ${path.relative(process.cwd(), files[0] ?? '') || files[0]}\n`);
    });
}
