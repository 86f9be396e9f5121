/**
 * weekly-digest: Mondays 09:00 UTC (pg_cron, or the local stack's cron) for
 * every team with a webhook and the digest on, exactly once per team and
 * week. Accepts `{"team_id"?, "week_start"?, "dry_run"?, "resend"?}` from a
 * service caller, and from a team admin for their own team (`gstack team
 * digest`): a preview (`dry_run`) returns the digest and its text without
 * sending or recording anything.
 */
import { Hono } from 'hono';
import { allowHosts, callerOf } from '../_shared/caller.ts';
import { digestRequestSchema, previousWeekStart, processDigest } from '../_shared/core.ts';
import { fail, parseBody } from '../_shared/http.ts';
import { isTeamAdmin, serviceRpc } from '../_shared/store.ts';

const app = new Hono().basePath('/weekly-digest');

app.post('/', async (c) => {
  const caller = await callerOf(c.req.raw);
  if (caller.kind === 'none') return fail(c, 401, 'service role, shared secret or a team admin session required');
  const parsed = await parseBody(c, digestRequestSchema);
  if (!parsed.ok) return parsed.response;
  const { team_id, dry_run, resend } = parsed.value;
  const week = parsed.value.week_start ?? previousWeekStart();
  if (caller.kind === 'user') {
    if (!team_id) return fail(c, 400, 'team_id: required when a person calls');
    if (!(await isTeamAdmin(caller.jwt, caller.userId, team_id))) return fail(c, 403, 'only team admins can preview or send the digest');
  }
  const teams = team_id ? [team_id] : (await serviceRpc<Array<{ team_id: string }>>('digest_teams', {})).map((t) => t.team_id);
  const results = [];
  for (const id of teams) {
    const [settings] = await serviceRpc<Array<{ slack_webhook_url: string | null }>>('alert_team_webhook', { p_team_id: id });
    const outcome = await processDigest(serviceRpc, id, week, {
      dryRun: dry_run,
      force: resend,
      webhook: settings?.slack_webhook_url ?? null,
      allowHosts: allowHosts(),
    });
    if (outcome.outcome === 'failed') console.error(`weekly-digest: team ${id} week ${week}: ${outcome.error}`);
    results.push(outcome);
  }
  return c.json({ week_start: week, results });
});

app.onError((error, c) => {
  console.error(`weekly-digest: ${error.message}`);
  return fail(c, 500, error.message);
});

Deno.serve(app.fetch);
