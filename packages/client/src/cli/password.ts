/**
 * Where a password comes from, safest first: `--password-stdin` (like `docker
 * login`; scripts and CI), GSTACK_PASSWORD, a hidden prompt on a terminal, and
 * last `--password` (login only), which works but warns: a command-line argument
 * is visible to every user of the machine in the process list and shell history.
 */
import type { Readable, Writable } from 'node:stream';
import { UserError } from '../errors.ts';

type Input = Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };

export interface PasswordSources {
  /** The value of --password, if given. */
  flag?: string;
  /** --password-stdin was given. */
  fromStdin?: boolean;
  env: NodeJS.ProcessEnv;
  stdin: Input;
  /** Prompts and warnings go here, never to stdout (which may be --json). */
  stderr: Writable & { isTTY?: boolean };
  /** What to ask on a terminal (default "Password: "). */
  prompt?: string;
  /** Ask twice and compare (choosing a new password). */
  confirm?: boolean;
}

export const PASSWORD_FLAG_WARNING =
  'warning: --password puts the password in the process list and shell history; use --password-stdin or GSTACK_PASSWORD instead';

async function readAll(stream: Readable): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  // `echo secret | …` and here-strings add a newline that is not part of the password.
  return text.replace(/\r?\n$/, '');
}

/** Reads one line from a terminal without echoing it; Ctrl-C or Ctrl-D abort with a usage error. */
function promptHidden(question: string, input: Input, stderr: Writable): Promise<string> {
  return new Promise((resolve, reject) => {
    stderr.write(question);
    let value = '';
    input.setRawMode?.(true);
    input.resume();
    const finish = (error?: Error) => {
      input.setRawMode?.(false);
      input.pause();
      input.off('data', onData);
      stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (data: Buffer | string) => {
      for (const ch of data.toString()) {
        if (ch === '\u0003' || ch === '\u0004') return finish(new UserError('aborted: no password given'));
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    input.on('data', onData);
  });
}

/** The password, or a UserError (exit 2) saying how to give one. */
export async function resolvePassword(sources: PasswordSources): Promise<string> {
  if (sources.flag !== undefined && sources.fromStdin) throw new UserError('give --password or --password-stdin, not both');
  if (sources.fromStdin) {
    if (sources.stdin.isTTY) throw new UserError('--password-stdin reads a pipe: `printf %s "$PASSWORD" | gstack-sync … --password-stdin`');
    const password = await readAll(sources.stdin);
    if (!password) throw new UserError('--password-stdin: nothing was read from stdin');
    return password;
  }
  if (sources.flag !== undefined) {
    sources.stderr.write(`${PASSWORD_FLAG_WARNING}\n`);
    if (!sources.flag) throw new UserError('--password is empty');
    return sources.flag;
  }
  if (sources.env.GSTACK_PASSWORD) return sources.env.GSTACK_PASSWORD;
  if (sources.stdin.isTTY) {
    const password = await promptHidden(sources.prompt ?? 'Password: ', sources.stdin, sources.stderr);
    if (!password) throw new UserError('no password given');
    if (sources.confirm && (await promptHidden('Again, to confirm: ', sources.stdin, sources.stderr)) !== password)
      throw new UserError('the two passwords differ; nothing was changed');
    return password;
  }
  throw new UserError('no password: pipe it with --password-stdin, set GSTACK_PASSWORD, or run in a terminal to be asked');
}

/** The password from this process's stdin, environment or terminal (no --password flag: new commands never take one). */
export function readPassword(source: { stdin?: boolean; env: NodeJS.ProcessEnv; prompt: string; confirm?: boolean }): Promise<string> {
  return resolvePassword({
    fromStdin: source.stdin,
    env: source.env,
    stdin: process.stdin,
    stderr: process.stderr,
    prompt: source.prompt,
    confirm: source.confirm,
  });
}
