/**
 * Where `gstack-sync login --email` gets the password, safest first:
 * `--password-stdin` (like `docker login`), GSTACK_PASSWORD, a hidden prompt
 * on a terminal, and last `--password`, which works but warns: a command-line
 * argument is visible to every user of the machine in the process list.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { UserError } from '../errors.ts';

export interface PasswordSources {
  /** The value of --password, if given. */
  flag?: string;
  /** --password-stdin was given. */
  fromStdin?: boolean;
  env: NodeJS.ProcessEnv;
  stdin: Readable & { isTTY?: boolean };
  /** Prompts and warnings go here, never to stdout (which may be --json). */
  stderr: Writable & { isTTY?: boolean };
}

export const PASSWORD_FLAG_WARNING =
  'warning: --password puts the password in the process list and shell history; use --password-stdin or GSTACK_PASSWORD instead';

async function readAll(stream: Readable): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  // `echo secret | …` and here-strings add a newline that is not part of the password.
  return text.replace(/\r?\n$/, '');
}

/** Reads one line from a terminal without echoing it. */
function prompt(question: string, stdin: Readable, stderr: Writable): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: stdin, output: stderr, terminal: true });
    const output = rl as unknown as { _writeToOutput: (s: string) => void };
    let asked = false;
    output._writeToOutput = (s: string) => {
      // Show the question once; swallow the echo of what is typed.
      if (!asked) {
        asked = true;
        stderr.write(s);
      }
    };
    rl.question(question, (answer) => {
      rl.close();
      stderr.write('\n');
      resolve(answer);
    });
  });
}

/** The password for an email sign-in, or a UserError saying how to give one. */
export async function resolvePassword(sources: PasswordSources): Promise<string> {
  if (sources.flag !== undefined && sources.fromStdin) throw new UserError('give --password or --password-stdin, not both');
  if (sources.fromStdin) {
    if (sources.stdin.isTTY)
      throw new UserError('--password-stdin reads a pipe: `printf %s "$PASSWORD" | gstack-sync login --email … --password-stdin`');
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
    const password = await prompt('Password: ', sources.stdin, sources.stderr);
    if (!password) throw new UserError('no password given');
    return password;
  }
  throw new UserError('--email needs a password: pipe it with --password-stdin, set GSTACK_PASSWORD, or run on a terminal to be asked');
}
