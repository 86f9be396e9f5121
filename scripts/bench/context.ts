/**
 * The benchmark's private stack and what every scenario needs from it: SQL as the
 * database owner, a signed-in member of a fresh team, and the scale (quick, full or large).
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSupabase, memoryStorage } from '@gstack/client/supabase';
import { findFreePortBase, portLayout, type RunningStack, type StackInfo, startStack } from '@gstack/local-stack';
import type { SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';

/** quick: what CI runs (under 3 minutes); full: 5,000,000 results; large: 50,000,000 (never in CI). */
export type ScaleName = 'quick' | 'full' | 'large';

export interface Scale {
  name: ScaleName;
  /** name === 'quick': the scenarios that only know two sizes take the small one. */
  quick: boolean;
  /** Runs of the measured team in the dashboard-reads scenario (100 results each); undefined: the scale's default. */
  runs?: number;
  /** How many times each latency is sampled. */
  repeats: number;
}

export interface Member {
  userId: string;
  email: string;
  password: string;
  accessToken: string;
  client: SupabaseClient;
  teamId: string;
  teamSlug: string;
}

export interface BenchContext {
  root: string;
  stack: StackInfo;
  running: RunningStack;
  scale: Scale;
  /** A pool of owner connections (set-up and seeding only, never for what is measured). */
  owner: pg.Pool;
  /** A fresh user who is admin of a fresh team, signed in through the auth API. */
  member(slug?: string): Promise<Member>;
  log(line: string): void;
}

export async function startBenchStack(root: string, scale: Scale): Promise<{ context: BenchContext; stop(): Promise<void> }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gstack-bench-stack-'));
  // Postgres runs as its own user, which must reach the data dir (mkdtemp makes it 0700).
  chmodSync(dataDir, 0o755);
  // Kept after the run (the data dir is not) for post-mortems.
  mkdirSync(path.join(root, '.gstack-test'), { recursive: true });
  const logFile = path.join(root, '.gstack-test', 'bench.log');
  const portBase = await findFreePortBase();
  const running = await startStack({
    projectRoot: root,
    portBase,
    dataDir: path.join(dataDir, 'data'),
    ephemeral: true,
    functionEnv: { SLACK_SINK_URL: `http://127.0.0.1:${portLayout(portBase).slackSink}` },
    log: (line) => appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`),
  });
  const owner = new pg.Pool({ connectionString: running.info.dbUrl, max: 4 });
  const stack = running.info;
  let counter = 0;
  const context: BenchContext = {
    root,
    stack,
    running,
    scale,
    owner,
    log: (line) => appendFileSync(logFile, `${new Date().toISOString()} bench: ${line}\n`),
    async member(slug) {
      counter += 1;
      const email = `bench-${counter}-${randomUUID().slice(0, 8)}@example.test`;
      const password = 'bench-password-123';
      const admin = createSupabase({ url: stack.apiUrl, key: stack.serviceRoleKey });
      const created = await admin.auth.admin.createUser({ email, password, email_confirm: true });
      if (created.error || !created.data.user) throw new Error(`creating a bench user: ${created.error?.message}`);
      const client = createSupabase({ url: stack.apiUrl, key: stack.publishableKey, storage: memoryStorage() });
      const signed = await client.auth.signInWithPassword({ email, password });
      if (signed.error || !signed.data.session) throw new Error(`signing in a bench user: ${signed.error?.message}`);
      const teamSlug = slug ?? `bench-${counter}-${randomUUID().slice(0, 6)}`;
      const team = await client.rpc('create_team', { p_slug: teamSlug, p_name: teamSlug });
      if (team.error) throw new Error(`creating a bench team: ${team.error.message}`);
      // Benchmarks push hundreds of runs a minute as one member: lift the team's hourly push quota.
      const upsert = await client
        .from('team_settings')
        .upsert({ team_id: (team.data as { id: string }).id, push_runs_per_hour: 100_000, push_results_per_hour: 100_000_000 });
      if (upsert.error) throw new Error(`lifting the bench team's push quota: ${upsert.error.message}`);
      return {
        userId: created.data.user.id,
        email,
        password,
        accessToken: signed.data.session.access_token,
        client,
        teamId: (team.data as { id: string }).id,
        teamSlug,
      };
    },
  };
  context.log(`stack on port base ${portBase}, data in ${dataDir}`);
  return {
    context,
    async stop() {
      await owner.end();
      await running.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
