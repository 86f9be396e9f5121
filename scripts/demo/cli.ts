/**
 * `npm run demo:seed -- [--data-dir DIR]`: seeds (or tops up) the demo team on
 * a running local stack, reading its connection details from
 * `<data dir>/stack.env`. Safe to repeat: runs that exist are not pushed again.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { seedDemo } from './seed.ts';
import { writeDemoEnv } from './start.ts';

const HELP = `Usage: npm run demo:seed -- [--data-dir DIR] [--json]

Seeds the demo team (60 days of eval runs, people, CI runs, activity) on the
running local stack whose stack.env is in DIR (default .gstack-local), and
writes DEMO_EMAIL and DEMO_PASSWORD to that stack.env. Runs already there are
kept; a second seed writes nothing new. --json prints the outcome as JSON.
Exit codes: 0 seeded, 1 the seed failed, 2 usage or a missing/incomplete stack.env.
`;

function fail(message: string, code: number): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(code);
}

function readStackEnv(file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    fail(`${file}: no stack.env here; start the stack first (npm start) or pass --data-dir`, 2);
  }
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

async function main(): Promise<void> {
  let values: { 'data-dir'?: string; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { 'data-dir': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (error) {
    fail(`${(error as Error).message}\n\n${HELP}`, 2);
  }
  if (values.help) return void process.stdout.write(HELP);
  const envFile = path.resolve(values['data-dir'] ?? '.gstack-local', 'stack.env');
  const env = readStackEnv(envFile);
  const need = ['SUPABASE_URL', 'SUPABASE_PUBLISHABLE_KEY', 'SUPABASE_SERVICE_ROLE_KEY', 'SLACK_SINK_URL'];
  const absent = need.filter((k) => !env[k]);
  if (absent.length) fail(`${envFile}: missing ${absent.join(', ')}`, 2);
  const info = {
    apiUrl: env.SUPABASE_URL ?? '',
    publishableKey: env.SUPABASE_PUBLISHABLE_KEY ?? '',
    serviceRoleKey: env.SUPABASE_SERVICE_ROLE_KEY ?? '',
    slackSinkUrl: env.SLACK_SINK_URL ?? '',
    dashboardUrl: env.DASHBOARD_URL,
  };
  try {
    const result = await seedDemo(info, { log: values.json ? undefined : (line) => process.stdout.write(`${line}\n`) });
    await writeDemoEnv(envFile, result);
    if (values.json) return void process.stdout.write(`${JSON.stringify(result)}\n`);
    process.stdout.write(
      `demo team "${result.team.slug}": ${result.runs} runs (${result.pushedRuns} pushed now), ${result.activity} activity records, in ${result.seconds.toFixed(1)} s\nsign in as ${result.email} / ${result.password}\n`,
    );
  } catch (error) {
    fail((error as Error).message, 1);
  }
}

await main();
