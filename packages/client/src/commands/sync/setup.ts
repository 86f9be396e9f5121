/** `gstack-sync setup`: writes .gstack-sync.json at the repository root (safe to commit: no secrets). */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describeProblems, SYNC_CONFIG_FILE, syncConfigFileSchema } from '@gstack/core';
import type { Command } from 'commander';
import { ask } from '../../cli/prompt.ts';
import { printJson } from '../../cli/run.ts';
import { UserError } from '../../errors.ts';
import { statePaths } from '../../state-dir.ts';
import { AuthStore } from '../../sync/auth-store.ts';
import { findRepoRoot } from '../../sync/config.ts';

interface SetupFlags {
  url?: string;
  anonKey?: string;
  team?: string;
  json?: boolean;
}

export function registerSetup(program: Command): void {
  program
    .command('setup')
    .description(`Write ${SYNC_CONFIG_FILE} (store URL, publishable/anon key, team) at the repository root`)
    .option('--url <url>', 'the Supabase project URL')
    .option('--anon-key <key>', 'the publishable (sb_publishable_...) or legacy anon key; never the secret key')
    .option('--team <slug>', 'the team slug')
    .option('--json', 'print JSON')
    .action(async (flags: SetupFlags) => {
      let { url, anonKey, team } = flags;
      if ((!url || !anonKey || !team) && process.stdin.isTTY) {
        const answers = await ask([
          ...(url ? [] : [{ key: 'url', text: 'Supabase URL (https://<project>.supabase.co): ' }]),
          ...(anonKey ? [] : [{ key: 'anonKey', text: 'Publishable or anon key: ' }]),
          ...(team ? [] : [{ key: 'team', text: 'Team slug: ' }]),
        ]);
        url ??= answers.url;
        anonKey ??= answers.anonKey;
        team ??= answers.team;
      }
      const missing = [!url && '--url', !anonKey && '--anon-key', !team && '--team'].filter(Boolean);
      if (missing.length) throw new UserError(`setup needs ${missing.join(', ')} (or run it in a terminal to be asked)`);
      const file = path.join(findRepoRoot(process.cwd()), SYNC_CONFIG_FILE);
      const parsed = syncConfigFileSchema.safeParse({ supabase_url: url, anon_key: anonKey, team_slug: team });
      if (!parsed.success)
        throw new UserError(
          describeProblems('setup', parsed.error)
            .replaceAll('setup: supabase_url', '--url')
            .replaceAll('setup: anon_key', '--anon-key')
            .replaceAll('setup: team_slug', '--team'),
        );
      writeFileSync(file, `${JSON.stringify(parsed.data, null, 2)}\n`);
      if (flags.json) return printJson({ file, ...parsed.data });
      // Already signed in to this store (from an earlier setup, or another repository): nothing to do next.
      const auth = new AuthStore(statePaths(process.env).auth);
      const email = auth.hasSession(parsed.data.supabase_url) ? auth.sessionEmail(parsed.data.supabase_url) : undefined;
      const next =
        email === undefined
          ? 'next: gstack-sync login'
          : `signed in${email ? ` as ${email}` : ''}; next: gstack-sync status checks the connection`;
      process.stdout.write(`wrote ${file}\n${next}\n`);
    });
}
