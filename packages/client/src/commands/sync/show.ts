/** `gstack-sync show [evals|sessions|ships]`, `pull` and `test`: reading the team store. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { printJson } from '../../cli/run.ts';
import { type Column, renderTable, terminalWidth } from '../../cli/table.ts';
import { countOf, formatRelative, formatUsd } from '../../cli/term.ts';
import { UserError } from '../../errors.ts';
import { statePaths } from '../../state-dir.ts';
import { checkConnection } from '../../sync/check.ts';
import { connect, requireConfig, teamId } from '../../sync/connection.ts';
import { sendHeartbeat } from '../../sync/heartbeat.ts';
import { remoteError } from '../../sync/remote-error.ts';
import type { StoreClient } from '../../sync/supabase.ts';

/** Each view's query: typed by the store's schema, so a renamed column is a compile error. */
const VIEWS = {
  evals: (client: StoreClient, team: string, limit: number) =>
    client
      .from('eval_runs')
      .select('run_at, repo_slug, suite, branch, tier, passed, total_tests, pass_rate, cost_usd, hostname')
      .eq('team_id', team)
      .order('run_at', { ascending: false })
      .limit(limit),
  sessions: (client: StoreClient, team: string, limit: number) =>
    client
      .from('session_transcripts')
      .select('started_at, repo_slug, turns, tool_calls, summary')
      .eq('team_id', team)
      .order('started_at', { ascending: false })
      .limit(limit),
  ships: (client: StoreClient, team: string, limit: number) =>
    client
      .from('ship_logs')
      .select('shipped_at, repo_slug, branch, version, title')
      .eq('team_id', team)
      .order('shipped_at', { ascending: false })
      .limit(limit),
};

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`--limit must be a positive integer, not ${JSON.stringify(value)}`);
  return n;
}

type Row = Record<string, unknown>;

/**
 * Rows as JSON, "no … yet", or a table whose first column is the row's time said
 * as people do ("3 h ago"; `--json` keeps ISO), `-` for null.
 */
function printRows(what: string, rows: Row[], team: string, json?: boolean): void {
  if (json) return void printJson(rows);
  if (!rows.length) return void process.stdout.write(`no ${what} yet for team ${team}\n`);
  const text = (key: string) => (row: Row) => (row[key] === null || row[key] === undefined ? '-' : String(row[key]));
  const columns: Column<Row>[] =
    what === 'evals'
      ? [
          { header: 'when', value: (r) => formatRelative(String(r.run_at)) },
          { header: 'repo', value: text('repo_slug'), flexible: true },
          { header: 'suite', value: text('suite'), flexible: true },
          { header: 'branch', value: text('branch'), flexible: true },
          { header: 'passed', value: (r) => `${r.passed}/${r.total_tests}`, align: 'right' },
          { header: 'cost', value: (r) => formatUsd(Number(r.cost_usd)), align: 'right' },
          { header: 'host', value: text('hostname'), flexible: true },
        ]
      : Object.keys(rows[0] ?? {}).map((key, i) => ({
          header: key.replaceAll('_', ' '),
          value: i === 0 ? (r: Row) => formatRelative(r[key] as string | null) : text(key),
          flexible: i > 0,
        }));
  process.stdout.write(`${renderTable(columns, rows, terminalWidth())}\n`);
}

export function registerShow(program: Command): void {
  program
    .command('show')
    .description("Show the team's recent evals, sessions or ships")
    .argument('[what]', 'evals | sessions | ships', 'evals')
    .option('--limit <n>', 'rows', positive, 20)
    .option('--json', 'print JSON')
    .action(async (what: string, flags: { limit: number; json?: boolean }) => {
      if (!Object.hasOwn(VIEWS, what)) throw new UserError(`show what? evals, sessions or ships, not ${JSON.stringify(what)}`);
      const connection = await connect({ cwd: process.cwd(), env: process.env, requireUser: true });
      const { data, error, status } = await VIEWS[what as keyof typeof VIEWS](connection.client, await teamId(connection), flags.limit);
      if (error) throw remoteError(error, status);
      printRows(what, data ?? [], connection.team, flags.json);
    });

  program
    .command('pull')
    .description("Download the team's recent eval results to ~/.gstack/team/<team>/evals")
    .option('--limit <n>', 'runs', positive, 100)
    .option('--json', 'print JSON')
    .action(async (flags: { limit: number; json?: boolean }) => {
      const connection = await connect({ cwd: process.cwd(), env: process.env, requireUser: true });
      const { data, error, status } = await connection.client
        .from('eval_runs')
        .select('run_key, result')
        .eq('team_id', await teamId(connection))
        .order('run_at', { ascending: false })
        .limit(flags.limit);
      if (error) throw remoteError(error, status);
      const dir = path.join(statePaths(process.env).root, 'team', connection.team, 'evals');
      await mkdir(dir, { recursive: true });
      for (const row of data ?? []) {
        await writeFile(
          path.join(dir, `${String(row.run_key).replace(/[^A-Za-z0-9_.-]/g, '_')}.json`),
          `${JSON.stringify(row.result, null, 2)}\n`,
        );
      }
      if (flags.json) return printJson({ dir, runs: data?.length ?? 0 });
      process.stdout.write(`pulled ${countOf(data?.length ?? 0, 'run')} to ${dir}\n`);
    });

  program
    .command('test')
    .description('Check the connection: the store answers, you are signed in and a member of the team')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      requireConfig(process.cwd(), process.env);
      const started = performance.now();
      const { url, checks, connection } = await checkConnection(process.cwd(), process.env);
      if (connection) {
        const heartbeat = await sendHeartbeat(connection, 'push');
        checks.push({ check: 'heartbeat', ok: !heartbeat, detail: heartbeat ?? 'recorded' });
      }
      const ms = Math.round(performance.now() - started);
      if (flags.json) printJson({ url: url ?? null, ms, checks });
      else for (const c of checks) process.stdout.write(`${c.ok ? '✓' : '✗'} ${c.check}: ${c.detail}\n`);
      process.exitCode = checks.every((c) => c.ok) ? 0 : 1;
    });
}
