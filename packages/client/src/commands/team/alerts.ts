/**
 * `gstack team digest` and `gstack team alert-test` (admins): preview or send
 * the weekly digest, and send a test message to the team's Slack webhook.
 * Both go through the edge functions, so the CLI shows exactly what Slack
 * gets and the same exactly-once records apply.
 */
import { type Digest, isWeekStart } from '@gstack/core';
import type { Command } from 'commander';
import { printJson, snakeKeysDeep } from '../../cli/run.ts';
import { UserError } from '../../errors.ts';
import { type Connection, connect, teamId } from '../../sync/connection.ts';

interface DigestAnswer {
  week_start: string;
  results: Array<{ outcome: 'preview' | 'duplicate' | 'sent' | 'failed' | 'skipped'; text?: string; digest?: Digest; error?: string }>;
}

/** Calls a function with the user's session; a refusal becomes a UserError naming the function's reason. */
async function invoke<T>(connection: Connection, name: string, body: Record<string, unknown>): Promise<T> {
  const { data, error } = await connection.client.functions.invoke(name, { body });
  if (!error) return data as T;
  const context = (error as { context?: Response }).context;
  let reason = error.message;
  let status = 0;
  if (context && typeof context.json === 'function') {
    status = context.status;
    reason = ((await context.json().catch(() => null)) as { error?: string } | null)?.error ?? reason;
  }
  throw new UserError(`${name}${status ? ` answered ${status}` : ' failed'}: ${reason}`, 1);
}

export function registerAlertCommands(team: Command): void {
  team
    .command('digest')
    .option('--week <YYYY-MM-DD>', 'the Monday the week starts (default: last week)')
    .option('--send', 'send it to Slack now (once per week; a week already sent sends nothing)')
    .option('--resend', 'with --send: send again even if this week was sent')
    .option('--json', 'print JSON')
    .description('Print the weekly digest as it would appear, or send it (admins)')
    .action(async (flags: { week?: string; send?: boolean; resend?: boolean; json?: boolean }) => {
      if (flags.week !== undefined && !isWeekStart(flags.week))
        throw new UserError(`--week must be a Monday as YYYY-MM-DD, not ${JSON.stringify(flags.week)}`);
      if (flags.resend && !flags.send) throw new UserError('--resend needs --send');
      const connection = await connect({ cwd: process.cwd(), env: process.env, requireUser: true });
      const answer = await invoke<DigestAnswer>(connection, 'weekly-digest', {
        team_id: await teamId(connection),
        ...(flags.week ? { week_start: flags.week } : {}),
        dry_run: !flags.send,
        resend: Boolean(flags.resend),
      });
      const result = answer.results[0];
      // The digest is camelCase in core (the dashboard and Slack read it there); --json is snake_case.
      if (flags.json) return printJson({ week_start: answer.week_start, ...result, digest: snakeKeysDeep(result?.digest) });
      if (!result) throw new UserError('weekly-digest answered without a result', 1);
      if (result.outcome === 'preview') return void process.stdout.write(result.text ?? '');
      if (result.outcome === 'sent') return void process.stdout.write(`digest for the week of ${answer.week_start} sent to Slack\n`);
      if (result.outcome === 'duplicate')
        return void process.stdout.write(
          `the digest for the week of ${answer.week_start} was sent already; nothing sent (--resend sends it again)\n`,
        );
      if (result.outcome === 'skipped') throw new UserError('no Slack webhook set: gstack team set slack-webhook <url>', 1);
      throw new UserError(`sending the digest failed: ${result.error ?? 'unknown error'}`, 1);
    });

  team
    .command('alert-test')
    .option('--json', 'print JSON')
    .description("Send a test message to the team's Slack webhook (admins)")
    .action(async (flags: { json?: boolean }) => {
      const connection = await connect({ cwd: process.cwd(), env: process.env, requireUser: true });
      const answer = await invoke<{ ok: boolean; slack_status: number }>(connection, 'regression-alert/test', {
        team_id: await teamId(connection),
      });
      if (flags.json) return printJson(answer);
      process.stdout.write(`test message sent to ${connection.team}'s Slack webhook (Slack answered ${answer.slack_status})\n`);
    });
}
