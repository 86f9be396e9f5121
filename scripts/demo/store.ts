/**
 * The demo team in the store, reached the way its people reach it: each
 * person signs in with their own password session (kept in their own state
 * dir, as `gstack-sync login` does), the admin creates the team, invites the
 * others and mints the CI token, and every push goes through the sync
 * library's `sendItem` (the `push_eval_run` / `ingest_eval_run` RPCs and the
 * activity upserts), so rows carry exactly what a real push writes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SupabaseClient } from '@supabase/supabase-js';
import { type Connection, connect, requireConfig, storeClient } from '../../packages/client/src/sync/connection.ts';
import type { PushKind } from '../../packages/client/src/sync/push/index.ts';
import { sendItem } from '../../packages/client/src/sync/push/send.ts';
import { createSupabase } from '../../packages/client/src/sync/supabase.ts';
import { DEMO_PASSWORD, DEMO_TEAM, DEMO_TOKEN_NAME, type DemoPerson } from './model.ts';

/** What the seed needs to know about the stack (a subset of the local stack's StackInfo). */
export interface DemoStackInfo {
  apiUrl: string;
  publishableKey: string;
  serviceRoleKey: string;
  slackSinkUrl: string;
  /** The dashboard `npm start` runs (DASHBOARD_URL): Slack alerts link to the demo team's runs there. */
  dashboardUrl?: string;
}

/** A signed-in person (or the CI token) that can push (the team id is looked up once per connection). */
export interface Pusher {
  connection: Connection;
  send(kind: PushKind, payload: unknown): Promise<{ created: boolean }>;
}

function pusher(connection: Connection): Pusher {
  return {
    connection,
    send: async (kind, payload) => {
      const { data, error } = await sendItem(connection, { kind, payload });
      if (error) throw error;
      return data;
    },
  };
}

async function rpc<T>(client: SupabaseClient, name: string, args: Record<string, unknown>): Promise<T> {
  const { data, error } = await client.rpc(name, args);
  if (error) throw new Error(`demo seed: ${name} failed: ${error.message}`);
  return data as T;
}

export class DemoStore {
  private readonly dirs: string[] = [];
  private readonly service: SupabaseClient;

  constructor(private readonly info: DemoStackInfo) {
    this.service = createSupabase({ url: info.apiUrl, key: info.serviceRoleKey });
  }

  private env(state: string, token?: string): Record<string, string> {
    return {
      GSTACK_STATE_DIR: state,
      GSTACK_SUPABASE_URL: this.info.apiUrl,
      GSTACK_SUPABASE_ANON_KEY: this.info.publishableKey,
      GSTACK_TEAM: DEMO_TEAM.slug,
      ...(token ? { GSTACK_SYNC_TOKEN: token } : {}),
    };
  }

  private stateDir(): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gstack-demo-person-'));
    this.dirs.push(dir);
    return dir;
  }

  /** Creates the person's account if needed and signs them in (session saved in their own auth.json). */
  async signIn(person: DemoPerson): Promise<Pusher> {
    const created = await this.service.auth.admin.createUser({
      email: person.email,
      password: DEMO_PASSWORD,
      email_confirm: true,
      user_metadata: { full_name: person.name },
    });
    if (created.error && !/already|registered|exists/i.test(created.error.message))
      throw new Error(`demo seed: creating ${person.email} failed: ${created.error.message}`);
    const state = this.stateDir();
    const env = this.env(state);
    const { client } = storeClient(requireConfig(state, env), env);
    const { error } = await client.auth.signInWithPassword({ email: person.email, password: DEMO_PASSWORD });
    if (error) throw new Error(`demo seed: signing in as ${person.email} failed: ${error.message}`);
    return pusher(await connect({ cwd: state, env }));
  }

  /** The demo team's id if the admin already belongs to it. */
  async existingTeam(admin: Pusher): Promise<string | undefined> {
    const { data, error } = await admin.connection.client.from('teams').select('id').eq('slug', DEMO_TEAM.slug).maybeSingle();
    if (error) throw new Error(`demo seed: reading teams failed: ${error.message}`);
    return (data?.id as string | undefined) ?? undefined;
  }

  /** Creates the team (the admin is its first member) and brings everyone else in through invites. */
  async ensureTeam(admin: Pusher, members: Pusher[]): Promise<string> {
    const client = admin.connection.client;
    const id =
      (await this.existingTeam(admin)) ??
      (await rpc<{ id: string }>(client, 'create_team', { p_slug: DEMO_TEAM.slug, p_name: DEMO_TEAM.name })).id;
    const { data, error } = await client.from('team_members').select('user_id').eq('team_id', id);
    if (error) throw new Error(`demo seed: reading members failed: ${error.message}`);
    const present = new Set((data ?? []).map((m) => m.user_id as string));
    for (const member of members) {
      const user = member.connection.user;
      if (!user || present.has(user.id)) continue;
      const [invite] = await rpc<Array<{ code: string }>>(client, 'create_invite', {
        p_team_id: id,
        p_role: 'member',
        p_email: user.email,
      });
      await rpc(member.connection.client, 'accept_invite', { p_code: invite?.code });
    }
    return id;
  }

  /**
   * Slack webhook on the stack's sink, the default alert threshold, the digest on, alert links to the
   * stack's dashboard, and a push quota that lets the seed backfill 60 days of runs in a minute.
   */
  async configure(admin: Pusher, team: string): Promise<string> {
    const webhook = `${this.info.slackSinkUrl}/services/demo`;
    const dashboard = this.info.dashboardUrl ? `${this.info.dashboardUrl}/t/${DEMO_TEAM.slug}` : null;
    const { error } = await admin.connection.client.from('team_settings').upsert(
      {
        team_id: team,
        slack_webhook_url: webhook,
        dashboard_url: dashboard,
        alert_threshold_pp: 5,
        digest_enabled: true,
        push_runs_per_hour: 100_000,
        push_results_per_hour: 100_000_000,
        updated_by: admin.connection.user?.id,
      },
      { onConflict: 'team_id' },
    );
    if (error) throw new Error(`demo seed: saving team settings failed: ${error.message}`);
    return webhook;
  }

  /** A fresh CI token (an earlier one of the same name is revoked: tokens are shown once). */
  async ciPusher(admin: Pusher, team: string): Promise<Pusher> {
    const client = admin.connection.client;
    await rpc(client, 'revoke_team_token', { p_team_id: team, p_name: DEMO_TOKEN_NAME });
    const [minted] = await rpc<Array<{ token: string }>>(client, 'create_team_token', { p_team_id: team, p_name: DEMO_TOKEN_NAME });
    if (!minted) throw new Error('demo seed: create_team_token returned no token');
    const state = this.stateDir();
    const env = this.env(state, minted.token);
    return pusher(await connect({ cwd: state, env }));
  }

  /** The run keys the team already has (so a re-seed only runs what is missing). */
  async existingRunKeys(admin: Pusher, team: string): Promise<Set<string>> {
    const keys = new Set<string>();
    for (let from = 0; ; from += 1000) {
      const { data, error } = await admin.connection.client
        .from('eval_runs')
        .select('run_key')
        .eq('team_id', team)
        .order('run_key')
        .range(from, from + 999);
      if (error) throw new Error(`demo seed: reading runs failed: ${error.message}`);
      for (const row of data ?? []) keys.add(row.run_key as string);
      if ((data?.length ?? 0) < 1000) return keys;
    }
  }

  close(): void {
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
  }
}
