/** `gstack-sync status`: configuration (and where each value comes from), sign-in, pending runs per repo, queue and dead letters. */
import { classifyApiKey } from '@gstack/core';
import type { Command } from 'commander';
import { printJson } from '../../cli/run.ts';
import { formatRelative } from '../../cli/term.ts';
import { UserError } from '../../errors.ts';
import { gitInfo } from '../../runner/git.ts';
import { stateDir } from '../../state-dir.ts';
import { isSyncConfigured, loadSyncConfig, requireConfig } from '../../sync/config.ts';
import { authStore, syncState } from '../../sync/local-state.ts';
import { pendingByRepo, pendingResults } from '../../sync/push/results.ts';
import { syncedKey } from '../../sync/synced.ts';

export function registerStatus(program: Command): void {
  program
    .command('whoami')
    .description('Who this machine is signed in as on the configured store (no network)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const config = requireConfig(process.cwd(), process.env);
      const url = config.supabaseUrl.value;
      const email = authStore(process.env).sessionEmail(url);
      const ci = Boolean(config.syncToken);
      if (options.json) return printJson({ url, team: config.team.value, email, ci_token: ci });
      if (email) process.stdout.write(`${email} on ${url} (team ${config.team.value})${ci ? '; pushes use the CI token' : ''}\n`);
      else if (ci) process.stdout.write(`nobody signed in on ${url}; pushes use the CI token (team ${config.team.value})\n`);
      else throw new UserError(`not signed in to ${url}: gstack-sync login, or gstack-sync signup for a new account`, 1);
    });

  program
    .command('status')
    .description('Show the sync configuration, sign-in, offline queue and dead letters')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const config = loadSyncConfig(process.cwd(), process.env);
      const { queue, synced, paths } = syncState(process.env);
      const entries = await queue.entries();
      const dead = await queue.deadLetters();
      const url = config.supabaseUrl?.value;
      const team = config.team?.value;
      const done = await synced.load();
      const currentRepo = gitInfo(process.cwd()).repoSlug;
      const pending =
        url && team ? pendingByRepo(pendingResults(paths.root, (id) => done.has(syncedKey(url, team, id)), { load: false })) : [];
      const report = {
        configured: isSyncConfigured(config),
        config_file: config.fileExists ? config.file : null,
        supabase_url: config.supabaseUrl ?? null,
        anon_key: config.anonKey ? { kind: classifyApiKey(config.anonKey.value), source: config.anonKey.source } : null,
        team: config.team ?? null,
        ci_token: config.syncToken ? { source: config.syncToken.source } : null,
        signed_in: url ? authStore(process.env).hasSession(url) : false,
        signed_in_as: url ? authStore(process.env).sessionEmail(url) : null,
        queue: { entries: entries.length, oldest_queued_at: entries[0]?.queued_at ?? null, last_error: entries.at(-1)?.last_error ?? null },
        dead_letters: dead.map((d) => ({ label: d.label, reason: d.reason, dead_at: d.dead_at })),
        current_repo: currentRepo,
        pending: pending.map((p) => ({ ...p, current: p.repo === currentRepo })),
        state_dir: stateDir(process.env),
      };
      if (options.json) return printJson(report);
      const line = (label: string, value: string) => process.stdout.write(`${label.padEnd(13)} ${value}\n`);
      line(
        'configured',
        report.configured ? 'yes' : `no (run \`gstack-sync setup\`, or set GSTACK_SUPABASE_URL, GSTACK_SUPABASE_ANON_KEY and GSTACK_TEAM)`,
      );
      line('url', report.supabase_url ? `${report.supabase_url.value}  (${report.supabase_url.source})` : '-');
      line('key', report.anon_key ? `${report.anon_key.kind}  (${report.anon_key.source})` : '-');
      line('team', report.team ? `${report.team.value}  (${report.team.source})` : '-');
      line('ci token', report.ci_token ? `set (${report.ci_token.source})` : '-');
      line('signed in', report.signed_in ? `as ${report.signed_in_as ?? 'someone (no email in the session)'}` : 'no (gstack-sync login)');
      line(
        'queue',
        entries.length
          ? `${entries.length} waiting, oldest queued ${formatRelative(entries[0]?.queued_at)}; last error: ${report.queue.last_error}`
          : 'empty',
      );
      line('pending', pending.length ? '' : 'none');
      for (const p of report.pending) {
        const extra = [p.held ? `${p.held} made with --no-push (push them by name)` : '', p.unreadable ? `${p.unreadable} unreadable` : '']
          .filter(Boolean)
          .join(', ');
        const where = p.current ? 'this repo: `gstack-sync push`' : 'push from that repo';
        line('', `${p.repo}: ${p.pending} to push (${where})${extra ? `; ${extra}` : ''}`);
      }
      line('dead letters', dead.length ? `${dead.length}` : 'none');
      for (const d of dead.slice(-5)) line('', `${d.label}: ${d.reason}`);
      line('state dir', report.state_dir);
    });
}
