/**
 * The demo team at `npm start`: on a new database it is seeded (unless
 * `--no-demo`); on every start where it exists its sign-in goes to stack.env
 * (DEMO_EMAIL, DEMO_PASSWORD) and to the printed summary.
 */
import { execFile } from 'node:child_process';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSupabase } from '../../packages/client/src/sync/supabase.ts';
import { DEMO_SIGN_IN, DEMO_TEAM } from './model.ts';
import type { DemoStackInfo, SeedResult } from './seed.ts';

/** Replaces the DEMO_* lines of a stack.env (mode 0600) with this sign-in. */
export async function writeDemoEnv(envFile: string, signIn: { email: string; password: string }): Promise<void> {
  const current = await readFile(envFile, 'utf8').catch(() => '');
  const kept = current.split('\n').filter((line) => line && !line.startsWith('DEMO_EMAIL=') && !line.startsWith('DEMO_PASSWORD='));
  await writeFile(envFile, `${[...kept, `DEMO_EMAIL=${signIn.email}`, `DEMO_PASSWORD=${signIn.password}`].join('\n')}\n`, { mode: 0o600 });
  await chmod(envFile, 0o600);
}

/** True when the stack has the demo team. */
export async function demoTeamExists(info: DemoStackInfo): Promise<boolean> {
  const service = createSupabase({ url: info.apiUrl, key: info.serviceRoleKey });
  const { data, error } = await service.from('teams').select('id').eq('slug', DEMO_TEAM.slug).maybeSingle();
  if (error) throw new Error(`reading the demo team failed: ${error.message}`);
  return Boolean(data);
}

/**
 * Seeds through `npm run demo:seed` in a child process: the engine then has a
 * core of its own instead of sharing the stack's event loop (gateway, auth).
 */
function seedInChild(envFile: string): Promise<SeedResult> {
  const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), 'cli.ts');
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', cli, '--data-dir', path.dirname(envFile), '--json'],
      { maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        process.off('exit', stop);
        if (error) return reject(new Error(stderr.replace(/^error: /, '').trim() || error.message));
        try {
          resolve(JSON.parse(stdout) as SeedResult);
        } catch {
          reject(new Error(`unexpected output from the demo seed: ${stdout.slice(0, 200)}`));
        }
      },
    );
    // Ctrl-C while seeding stops the stack and exits: the seed goes with it.
    const stop = () => child.kill();
    process.once('exit', stop);
  });
}

export interface DemoAtStart {
  /** Lines for the start-up summary (empty when there is no demo team). */
  lines: string[];
  seeded?: SeedResult;
}

/**
 * Seeds on a new database unless skipped; reports the sign-in whenever the
 * demo team exists. Never throws: a failed seed is reported in the lines.
 */
export async function demoAtStart(
  info: DemoStackInfo & { envFile: string },
  options: { created: boolean; skip: boolean; log?: (line: string) => void },
): Promise<DemoAtStart> {
  let seeded: SeedResult | undefined;
  if (options.created && options.skip) return { lines: [] }; // a new database has no demo team
  try {
    if (options.created) {
      options.log?.('Seeding the demo team (60 days of runs through the real engine and push)…');
      seeded = await seedInChild(info.envFile);
    } else if (!(await demoTeamExists(info))) return { lines: [] };
  } catch (error) {
    // The stack itself is fine: say what failed and how to retry, and keep it running.
    return { lines: [`Demo team: seeding failed (${(error as Error).message}); retry with: npm run demo:seed -- --data-dir <data dir>`] };
  }
  await writeDemoEnv(info.envFile, DEMO_SIGN_IN);
  return {
    seeded,
    lines: [
      `Demo team "${DEMO_TEAM.slug}"${seeded ? ` seeded in ${seeded.seconds.toFixed(1)} s (${seeded.runs} runs)` : ''}; sign in as:`,
      `  email     ${DEMO_SIGN_IN.email}`,
      `  password  ${DEMO_SIGN_IN.password}`,
    ],
  };
}
