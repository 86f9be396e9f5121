/**
 * `gstack init`: scaffold a repository for evals — `evals/starter.yaml`, a
 * `models.yaml` next to it (real models, or recorded answers with --offline)
 * and, given a store, `.gstack-sync.json` — from flags, or by asking in a
 * terminal. Never overwrites a file without --force.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describeProblems, SYNC_CONFIG_FILE, syncConfigFileSchema } from '@gstack/core';
import type { Command } from 'commander';
import { ask } from '../../cli/prompt.ts';
import { printJson } from '../../cli/run.ts';
import { UserError } from '../../errors.ts';
import { findRepoRoot } from '../../sync/config.ts';
import { MODELS_OFFLINE, MODELS_REAL, REPLAY_OFFLINE, STARTER_SUITE } from './templates.ts';

interface InitFlags {
  dir?: string;
  offline?: boolean;
  url?: string;
  anonKey?: string;
  team?: string;
  force?: boolean;
  json?: boolean;
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('Scaffold evals/starter.yaml, evals/models.yaml and (with a store) .gstack-sync.json')
    .option('--dir <dir>', 'where to write (default: the repository root, else the current directory)')
    .option('--offline', 'models.yaml replays recorded answers: the starter suite runs with no model server and no key')
    .option('--url <url>', 'the team store (Supabase project URL); writes .gstack-sync.json')
    .option('--anon-key <key>', "the store's publishable or anon key")
    .option('--team <slug>', 'the team slug')
    .option('--force', 'overwrite files that exist')
    .option('--json', 'print JSON')
    .action(async (flags: InitFlags) => {
      let { url, anonKey, team } = flags;
      if (!url && !anonKey && !team && process.stdin.isTTY && !flags.json) {
        const answers = await ask([
          { key: 'url', text: 'Team store URL (empty: local only, set it up later with gstack-sync setup): ', stopIfEmpty: true },
          { key: 'anonKey', text: 'Publishable or anon key: ' },
          { key: 'team', text: 'Team slug: ' },
        ]);
        ({ url, anonKey, team } = { url: answers.url || undefined, anonKey: answers.anonKey, team: answers.team });
      }
      let sync: Record<string, string> | undefined;
      if (url || anonKey || team) {
        const parsed = syncConfigFileSchema.safeParse({ supabase_url: url, anon_key: anonKey, team_slug: team });
        if (!parsed.success)
          throw new UserError(
            describeProblems('init', parsed.error)
              .replaceAll('init: supabase_url', '--url')
              .replaceAll('init: anon_key', '--anon-key')
              .replaceAll('init: team_slug', '--team'),
          );
        sync = parsed.data;
      }
      const root = path.resolve(flags.dir ?? findRepoRoot(process.cwd()));
      const files: Array<[string, string]> = [
        [path.join(root, 'evals', 'starter.yaml'), STARTER_SUITE],
        [path.join(root, 'evals', 'models.yaml'), flags.offline ? MODELS_OFFLINE : MODELS_REAL],
        ...(flags.offline ? [[path.join(root, 'evals', 'replay.json'), REPLAY_OFFLINE] as [string, string]] : []),
        ...(sync ? [[path.join(root, SYNC_CONFIG_FILE), `${JSON.stringify(sync, null, 2)}\n`] as [string, string]] : []),
      ];
      const existing = files.filter(([file]) => existsSync(file)).map(([file]) => file);
      if (existing.length && !flags.force)
        throw new UserError(`${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''}: pass --force to overwrite`);
      for (const [file, text] of files) {
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, text);
      }
      const written = files.map(([file]) => file);
      if (flags.json) return printJson({ written, sync: sync ?? null });
      const rel = (file: string) => path.relative(process.cwd(), file) || file;
      process.stdout.write(`wrote ${written.map(rel).join(', ')}\n`);
      process.stdout.write(`next: gstack eval run ${rel(path.join(root, 'evals', 'starter.yaml'))}\n`);
      if (sync) process.stdout.write('then, to share results: gstack-sync signup --email YOU (or login), and gstack team create or join\n');
    });
}
