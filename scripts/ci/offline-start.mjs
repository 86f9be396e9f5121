#!/usr/bin/env node
/**
 * The README's promise on a machine with no network after `npm install`: run
 * inside a network namespace that has only loopback (scripts/ci/offline-start.sh
 * makes one), with a fresh HOME and so an empty Deno cache, `npm start` brings
 * the stack up, seeds the demo team, and the demo regression alert reaches the
 * Slack sink; Ctrl-C then stops everything within 5 s. Exit 0 when all of that
 * held, 1 with the reason otherwise. Run through tsx (offline-start.sh), so it
 * asks the stack's own clusterDir where the Postgres cluster lives.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { clusterDir, removeCluster } from '../../apps/local-stack/src/postgres/cluster.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const home = mkdtempSync(path.join(os.tmpdir(), 'gstack-offline-home-'));
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gstack-offline-data-'));
const SEED_BOUND_MS = 8 * 60_000;
const STOP_BOUND_MS = 5000;
const cluster = clusterDir(dataDir);

function fail(message, output = '') {
  console.error(`offline start: FAILED: ${message}`);
  if (output) {
    // The whole output for a post-mortem; here its error lines and its end.
    const file = path.join(root, '.gstack-test', 'offline-start.log');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, output);
    const errors = output
      .split('\n')
      .filter((l) => /error|warning|unhandled/i.test(l))
      .slice(0, 20);
    console.error(`--- npm start's error lines (all of its output: ${file}) ---\n${errors.join('\n')}`);
    console.error(`--- its last 40 lines ---\n${output.split('\n').slice(-40).join('\n')}`);
  }
  process.exitCode = 1;
}

async function reachable(url) {
  try {
    await fetch(url, { signal: AbortSignal.timeout(3000) });
    return true;
  } catch {
    return false;
  }
}

async function main() {
  if (await reachable('https://registry.npmjs.org/')) {
    fail('the registry is reachable: run this inside a network namespace with only loopback (scripts/ci/offline-start.sh)');
    return;
  }
  // A fresh HOME: Deno's cache ($HOME/.cache/deno) and npm's are empty, as on a new machine.
  const env = { ...process.env, HOME: home, DENO_DIR: undefined, XDG_CACHE_HOME: undefined };
  delete env.DENO_DIR;
  delete env.XDG_CACHE_HOME;
  const child = spawn('npm', ['start', '--', '--data-dir', dataDir], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout.on('data', (d) => {
    output += d.toString();
  });
  child.stderr.on('data', (d) => {
    output += d.toString();
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  let done = false;
  void exited.then(() => {
    done = true;
  });

  // The alert reaches the sink once the demo team is seeded (the seed pushes today's bad run last).
  const started = Date.now();
  let alert;
  let lastProblem = 'the demo team was not seeded';
  while (!done && Date.now() - started < SEED_BOUND_MS) {
    const sink = /^SLACK_SINK_URL=(.*)$/m.exec(readEnv())?.[1];
    if (sink && output.includes('Demo team')) {
      try {
        const res = await fetch(`${sink}/messages?path=${encodeURIComponent('/services/demo')}`, { signal: AbortSignal.timeout(5000) });
        const messages = await res.json();
        alert = messages.find((m) => JSON.stringify(m.payload).includes('rag-answers'));
        if (alert) break;
        lastProblem = `the sink has ${messages.length} message(s) for /services/demo, none about rag-answers`;
      } catch (error) {
        lastProblem = `reading the sink failed: ${error.message}`;
      }
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  if (!alert) {
    fail(done ? 'npm start exited before the alert arrived' : `no regression alert reached the Slack sink (${lastProblem})`, output);
    await stop(child, exited);
    return;
  }
  console.log(`offline start: the demo regression alert reached the sink after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`  ${String(alert.payload.text).split('\n')[0]}`);
  if (/Failed loading|dns error|Download https?:/.test(output)) {
    fail('something tried to download', output);
  }

  const stopAt = Date.now();
  process.kill(-child.pid, 'SIGINT'); // Ctrl-C: the terminal signals the whole foreground group
  // npm itself ends by the signal (as in a terminal); what counts is that nothing of the stack
  // is left: no process whose command line names the data dir (Postgres, PostgREST, the CLI).
  const result = await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running'), STOP_BOUND_MS))]);
  while (leftovers().length && Date.now() - stopAt < STOP_BOUND_MS) await new Promise((r) => setTimeout(r, 100));
  const left = leftovers();
  if (result === 'still running' || left.length) {
    fail(`Ctrl-C: the stack did not stop within ${STOP_BOUND_MS / 1000} s (npm: ${result}; left: ${left.join(', ') || 'nothing'})`, output);
    await stop(child, exited);
    return;
  }
  if (!output.includes('Stopped.')) fail('Ctrl-C: the stack did not say it stopped', output);
  else console.log(`offline start: Ctrl-C stopped the stack in ${((Date.now() - stopAt) / 1000).toFixed(1)} s, nothing left running`);
}

/**
 * Live processes whose command line names this run's data dir, or its Postgres cluster (clusterDir:
 * under /var/tmp when the postgres user cannot reach the data dir, as here, since mkdtemp makes it 0700).
 */
function leftovers() {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (command.includes(dataDir) || command.includes(cluster)) found.push(`${entry} ${command.slice(0, 60)}`);
    } catch {
      // gone while we looked
    }
  }
  return found;
}

/** Stops the stack after a failure: SIGTERM to it (not only to npm), then SIGKILL. */
async function stop(child, exited) {
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {}
  const result = await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running'), 10_000))]);
  if (result === 'still running') {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {}
  }
}

function readEnv() {
  try {
    return readFileSync(path.join(dataDir, 'stack.env'), 'utf8');
  } catch {
    return '';
  }
}

try {
  await main();
} finally {
  await removeCluster(dataDir); // first: where it lives depends on the data dir
  rmSync(home, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
}
