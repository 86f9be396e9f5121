/**
 * Vitest global setup for the `stack` project: one private local stack per
 * test run, on free ports and a throwaway data dir, with the test fixture
 * functions served next to supabase/functions. Tests read its connection
 * details with `stackInfo()` from ./harness.ts.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { findFreePortBase, portLayout, startStack } from '../src/index.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

export default async function setup(project: TestProject) {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'gstack-test-stack-'));
  await chmod(dataDir, 0o755);
  // The stack's own log lines (function output, webhook and cron deliveries) for post-mortems.
  const logDir = path.resolve(here, '../../../.gstack-test');
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, 'stack.log');
  const portBase = await findFreePortBase();
  const scratchFunctions = path.join(dataDir, 'scratch-functions');
  mkdirSync(scratchFunctions, { recursive: true });
  const stack = await startStack({
    portBase,
    dataDir,
    ephemeral: true,
    // Fixture functions, and an empty folder tests may write functions into.
    extraFunctionDirs: [path.join(here, 'fixtures', 'functions'), scratchFunctions],
    functionEnv: { SLACK_SINK_URL: `http://127.0.0.1:${portLayout(portBase).slackSink}` },
    // The suite signs up and signs in hundreds of users from 127.0.0.1 within minutes; config.toml's
    // defaults (30 per 5 minutes) stay what every other stack uses. auth.int.test.ts checks the limits.
    authRateLimits: { signInSignUps: 100_000, tokenRefresh: 100_000 },
    log: (line) => appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`),
  });
  project.provide('stack', stack.info);
  project.provide('scratchFunctions', scratchFunctions);
  return async () => {
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
