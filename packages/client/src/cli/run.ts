/**
 * The edge of every CLI: parses argv with commander, renders user errors
 * without stack traces, and turns outcomes into exit codes
 * (0 ok, 1 failed/refused, 2 usage or config error).
 */
import { existsSync } from 'node:fs';
import { type Command, CommanderError } from 'commander';
import { isUserError, RemoteError } from '../errors.ts';
import { statePaths } from '../state-dir.ts';

/**
 * `gstack --help | head -1`: the reader went away, so the rest of the output has
 * nowhere to go. That is no error (no EPIPE stack trace); the command finishes
 * and exits with its own code.
 */
function ignoreClosedPipe(error: NodeJS.ErrnoException): void {
  if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
  throw error;
}

export async function runCli(program: Command, argv: string[] = process.argv): Promise<void> {
  process.stdout.on('error', ignoreClosedPipe);
  process.stderr.on('error', ignoreClosedPipe);
  // A background push that failed is shown by every command until resolved (only a stat when there is none).
  if (existsSync(statePaths(process.env).pushFailures)) {
    const { pushFailureNotice } = await import('./push-failures.ts');
    for (const line of pushFailureNotice(process.env)) process.stderr.write(`${line}\n`);
  }
  const configure = (command: Command) => {
    command.exitOverride();
    command.showHelpAfterError('(run with --help for usage)');
    command.commands.forEach(configure);
  };
  configure(program);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help asked for (--help, `help CMD`) exits 0; help shown because no subcommand was given is a usage error.
      const benign =
        ['commander.helpDisplayed', 'commander.version'].includes(error.code) || (error.code === 'commander.help' && error.exitCode === 0);
      process.exitCode = benign ? 0 : 2;
      return;
    }
    if (isUserError(error)) {
      process.stderr.write(`error: ${error.message}\n`);
      process.exitCode = error.exitCode;
      return;
    }
    if (error instanceof RemoteError) {
      process.stderr.write(`error: ${error.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw error;
  } finally {
    // A library timer (a session refresh retrying in the background) must not keep the CLI alive;
    // but what is still queued for stdout (a large --json document into a pipe) is written first.
    const exit = () => setTimeout(() => process.exit(), 0).unref();
    if (process.stdout.writableLength > 0 && !process.stdout.destroyed) {
      process.stdout.once('drain', exit);
      process.stdout.once('close', exit); // the reader went away (EPIPE): nothing more will drain
    } else exit();
  }
}

/** Prints a value as JSON on stdout (the only thing `--json` commands print there). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** `runKey` → `run_key` for the keys of flat rows (never for maps keyed by names users chose): `--json` is snake_case everywhere. */
export function snakeKeys<T extends object>(row: T): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [snake(k), v]));
}

/** snakeKeys all the way down, for structures made only of records and arrays of them (no maps keyed by names users chose). */
export function snakeKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeKeysDeep);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [snake(k), snakeKeysDeep(v)]));
}
