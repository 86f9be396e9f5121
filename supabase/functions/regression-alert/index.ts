/**
 * regression-alert: called by the database webhook on every inserted eval
 * run (pg_net on hosted Supabase, the local stack's dispatcher locally) and
 * every 5 minutes by the sweep (`{"sweep": true}`); service role or the
 * shared secret only. `POST /regression-alert/test` lets a team admin send a
 * test message (`gstack team alert-test`). The rules, messages and
 * exactly-once steps are in packages/core/src/alerts.
 */
import { Hono } from 'hono';
import { allowHosts, callerOf } from '../_shared/caller.ts';
import {
  alertSweepRequestSchema,
  alertTestRequestSchema,
  databaseWebhookPayloadSchema,
  deliverSlack,
  processRunAlert,
  sweepAlerts,
  testMessage,
} from '../_shared/core.ts';
import { fail, parseBody } from '../_shared/http.ts';
import { isTeamAdmin, serviceRpc } from '../_shared/store.ts';

const app = new Hono().basePath('/regression-alert');

app.post('/', async (c) => {
  if ((await callerOf(c.req.raw)).kind !== 'service') return fail(c, 401, 'service role or shared secret required');
  // Hono caches the body, so parseBody below reads it again without Request.clone()
  // (cloning copies request.signal, which makes Deno print a legacy-abort warning).
  const body = await c.req.json().catch(() => null);
  if (body && typeof body === 'object' && 'sweep' in body) {
    const sweep = await parseBody(c, alertSweepRequestSchema);
    if (!sweep.ok) return sweep.response;
    return c.json(await sweepAlerts(serviceRpc, { allowHosts: allowHosts(), hours: sweep.value.hours }));
  }
  const parsed = await parseBody(c, databaseWebhookPayloadSchema);
  if (!parsed.ok) return parsed.response;
  const { type, table, record } = parsed.value;
  const id = record?.id;
  if (type !== 'INSERT' || table !== 'eval_runs' || typeof id !== 'string')
    return fail(c, 400, 'record: expected an INSERT on eval_runs with the row id');
  const outcome = await processRunAlert(serviceRpc, id, { allowHosts: allowHosts() });
  if (outcome.outcome === 'failed') console.error(`regression-alert: run ${id}: ${outcome.error}`);
  return c.json(outcome);
});

app.post('/test', async (c) => {
  const caller = await callerOf(c.req.raw);
  if (caller.kind === 'none') return fail(c, 401, 'sign in first');
  const parsed = await parseBody(c, alertTestRequestSchema);
  if (!parsed.ok) return parsed.response;
  const teamId = parsed.value.team_id;
  if (caller.kind === 'user' && !(await isTeamAdmin(caller.jwt, caller.userId, teamId)))
    return fail(c, 403, 'only team admins can send a test message');
  const [team] = await serviceRpc<Array<{ team_name: string; slack_webhook_url: string | null }>>('alert_team_webhook', {
    p_team_id: teamId,
  });
  if (!team?.slack_webhook_url) return fail(c, 400, 'no Slack webhook set: gstack team set slack-webhook <url>');
  const result = await deliverSlack(team.slack_webhook_url, testMessage(team.team_name), { allowHosts: allowHosts() });
  return c.json({ ok: result.ok, slack_status: result.status, error: result.error ?? null }, result.ok ? 200 : 502);
});

app.onError((error, c) => {
  console.error(`regression-alert: ${error.message}`);
  return fail(c, 500, error.message);
});

Deno.serve(app.fetch);
