/** `gstack-sync status`: what this machine is configured to sync with, and from where. */

import { classifyApiKey } from '@gstack/core';
import type { Command } from 'commander';
import { printJson } from '../../cli/run.ts';
import { stateDir } from '../../state-dir.ts';
import { isSyncConfigured, loadSyncConfig } from '../../sync/config.ts';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('Show the sync configuration and where each value comes from')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => {
      const config = loadSyncConfig(process.cwd(), process.env);
      const report = {
        configured: isSyncConfigured(config),
        config_file: config.fileExists ? config.file : null,
        supabase_url: config.supabaseUrl ?? null,
        anon_key: config.anonKey ? { kind: classifyApiKey(config.anonKey.value), source: config.anonKey.source } : null,
        team: config.team ?? null,
        ci_token: config.syncToken ? { source: config.syncToken.source } : null,
        state_dir: stateDir(process.env),
      };
      if (options.json) return printJson(report);
      const line = (label: string, value: string) => process.stdout.write(`${label.padEnd(12)} ${value}\n`);
      line(
        'configured',
        report.configured ? 'yes' : `no (create ${config.file} or set GSTACK_SUPABASE_URL, GSTACK_SUPABASE_ANON_KEY and GSTACK_TEAM)`,
      );
      line('url', report.supabase_url ? `${report.supabase_url.value}  (${report.supabase_url.source})` : '-');
      line('key', report.anon_key ? `${report.anon_key.kind}  (${report.anon_key.source})` : '-');
      line('team', report.team ? `${report.team.value}  (${report.team.source})` : '-');
      line('ci token', report.ci_token ? `set (${report.ci_token.source})` : '-');
      line('state dir', report.state_dir);
    });
}
