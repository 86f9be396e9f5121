/**
 * Where a password comes from, safest first: standard input with
 * --password-stdin (scripts, CI), GSTACK_PASSWORD, or a prompt that does not
 * echo when on a terminal. Never a command-line flag value for new commands:
 * those end up in shell history and `ps`.
 */
import { UserError } from '../errors.ts';

export interface PasswordSource {
  stdin?: boolean;
  env: NodeJS.ProcessEnv;
  /** What to ask on a terminal. */
  prompt: string;
  /** Ask twice and compare (creating a password). */
  confirm?: boolean;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // One trailing newline is how `echo` and here-strings end; it is not part of the password.
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Reads one line from the terminal without echoing it; Ctrl-C or Ctrl-D abort with a usage error. */
function promptHidden(question: string): Promise<string> {
  const input = process.stdin;
  return new Promise((resolve, reject) => {
    process.stderr.write(question);
    let value = '';
    input.setRawMode?.(true);
    input.resume();
    const finish = (error?: Error) => {
      input.setRawMode?.(false);
      input.pause();
      input.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (data: Buffer) => {
      for (const ch of data.toString('utf8')) {
        if (ch === '\u0003' || ch === '\u0004') return finish(new UserError('aborted: no password given'));
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    input.on('data', onData);
  });
}

/** The password, or a usage error saying how to give one. */
export async function readPassword(source: PasswordSource): Promise<string> {
  let password: string | undefined;
  if (source.stdin) password = await readStdin();
  else if (source.env.GSTACK_PASSWORD) password = source.env.GSTACK_PASSWORD;
  else if (process.stdin.isTTY) {
    password = await promptHidden(source.prompt);
    if (source.confirm && password && (await promptHidden('Again, to confirm: ')) !== password)
      throw new UserError('the two passwords differ; nothing was changed');
  } else throw new UserError('no password: pipe it with --password-stdin, set GSTACK_PASSWORD, or run in a terminal to be asked');
  if (!password) throw new UserError('the password is empty');
  return password;
}
