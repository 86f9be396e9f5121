/**
 * `npm run stack` / `npm start`: runs the local stack in the foreground until
 * Ctrl-C or SIGTERM, then stops every process it started.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startStackDashboard } from './dashboard.ts';
import { DEFAULT_PORT_BASE, isStackError, killLeftoverServices, type StackInfo, startStack } from './index.ts';

/** How long a graceful stop may take before what is left is killed (Ctrl-C must end within 5 s). */
const STOP_GRACE_MS = 3500;

const HELP = `Usage: npm run stack -- [options]

Runs the Docker-less Supabase stack (Postgres, PostgREST, auth, edge functions,
webhooks, cron, Slack sink) in the foreground until Ctrl-C.

Options:
  --port-base N    API gateway on N, Postgres on N+1, the other services after
                   (default ${DEFAULT_PORT_BASE})
  --data-dir DIR   where the database, logs and stack.env live (default .gstack-local)
  --reset          delete the data dir (the whole database) before starting
  --no-demo        do not seed the demo team on a new database (by default a
                   new database gets one, and its sign-in is printed)
  --functions-dir DIR
                   also serve the edge functions in DIR (one folder each, with
                   an index.ts); a name found there wins over supabase/functions
  -h, --help       show this help
`;

function usage(message: string): never {
  process.stderr.write(`error: ${message}\n\n${HELP}`);
  process.exit(2);
}

export function describe(info: StackInfo, seconds: number, created: boolean, dashboardUrl?: string): string {
  const rel = path.relative(process.cwd(), info.dataDir) || '.';
  const rows: Array<[string, string]> = [
    ...(dashboardUrl ? ([['Dashboard', dashboardUrl]] as Array<[string, string]>) : []),
    ['API URL', info.apiUrl],
    ['REST', info.restUrl],
    ['Auth', info.authUrl],
    ['Functions', `${info.functionsUrl}/<name>${info.functions.length ? `  (${info.functions.join(', ')})` : ''}`],
    ['DB URL', info.dbUrl],
    ['Slack sink', `${info.slackSinkUrl}  (received messages, readable: ${info.slackSinkUrl}/)`],
    ['Slack webhook', `gstack team set slack-webhook ${info.slackSinkUrl}/alerts  (alerts and digests land in the sink)`],
    ['Publishable key', info.publishableKey],
    ['Secret key', info.secretKey],
    ['anon key', info.anonKey],
    ['service_role key', info.serviceRoleKey],
    ['JWT secret', info.jwtSecret],
    [
      'Data dir',
      `${rel}  (${created ? 'new database' : 'existing database kept'}; these values are in ${path.relative(process.cwd(), info.envFile)})`,
    ],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return [
    `gstack local stack is ready in ${seconds.toFixed(1)} s`,
    '',
    ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`),
    '',
    'Press Ctrl-C to stop.',
  ].join('\n');
}

async function main(): Promise<void> {
  let values: {
    'port-base'?: string;
    'data-dir'?: string;
    reset?: boolean;
    'no-demo'?: boolean;
    'functions-dir'?: string;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      options: {
        'port-base': { type: 'string' },
        'data-dir': { type: 'string' },
        reset: { type: 'boolean' },
        'no-demo': { type: 'boolean' },
        'functions-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    usage((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  let portBase = DEFAULT_PORT_BASE;
  if (values['port-base'] !== undefined) {
    portBase = Number(values['port-base']);
    if (!Number.isInteger(portBase) || portBase < 1024 || portBase > 65000) usage('--port-base must be an integer between 1024 and 65000');
  }

  const started = Date.now();
  let stopping = false;
  const abort = new AbortController();
  let starting: ReturnType<typeof startStack> | undefined;
  let dashboard: Awaited<ReturnType<typeof startStackDashboard>> | undefined;
  // In every state (starting, seeding, functions failing, deliveries waiting) a signal ends the
  // stack within 5 s: a graceful stop gets STOP_GRACE_MS, then whatever still runs is killed.
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the stack…`);
    abort.abort();
    const graceful = (async () => {
      await dashboard?.close();
      const stack = await starting?.catch(() => undefined);
      await stack?.stop();
    })().then(
      () => true,
      () => false,
    );
    const inTime = await Promise.race([graceful, new Promise<false>((r) => setTimeout(() => r(false), STOP_GRACE_MS).unref())]);
    const killed = killLeftoverServices();
    if (!inTime || killed.length) console.log(`Killed what did not stop in time: ${killed.join(', ') || 'nothing left'}`);
    console.log('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGHUP', () => void shutdown('SIGHUP'));

  let stack: Awaited<ReturnType<typeof startStack>>;
  try {
    starting = startStack({
      portBase,
      dataDir: values['data-dir'],
      reset: values.reset,
      extraFunctionDirs: values['functions-dir'] ? [path.resolve(values['functions-dir'])] : undefined,
      signal: abort.signal,
    });
    stack = await starting;
    if (stopping) return;
    dashboard = await startStackDashboard(stack.info);
  } catch (error) {
    if (stopping) return; // the shutdown handler reports and exits
    if (isStackError(error)) {
      process.stderr.write(`error: ${error.message}\nfix: ${error.fix}\n`);
      process.exit(error.exitCode);
    }
    throw error;
  }
  if (stopping) return;
  console.log(describe(stack.info, (Date.now() - started) / 1000, stack.created, dashboard?.url));
  // Loaded only now: the demo brings the engine and supabase-js, which the stack itself does not need.
  const { demoAtStart } = await import('../../../scripts/demo/start.ts');
  const demo = await demoAtStart(stack.info, { created: stack.created, skip: Boolean(values['no-demo']), log: console.log });
  if (demo.lines.length) console.log(`\n${demo.lines.join('\n')}`);
}

await main();
