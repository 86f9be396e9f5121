/**
 * Runs a gstack CLI in a real pseudo-terminal (util-linux `script`), for the
 * interactive modes: the prompt code sees a TTY, and Ctrl-C / Ctrl-D arrive as
 * the terminal sends them (bytes 0x03 / 0x04), not as mocked events.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { eventually } from '@gstack/local-stack/testing';
import { binDir } from './cli.ts';

export interface Terminal {
  /** Everything the terminal showed so far (stdout and stderr interleaved, as on a screen). */
  screen(): string;
  /** Types `keys` (use "\r" for Enter, "\u0003" for Ctrl-C, "\u0004" for Ctrl-D). */
  type(keys: string): void;
  /** Waits until the screen shows `text` after what was already waited for. */
  waitFor(text: string): Promise<void>;
  /** The command's exit code (script -e passes it on). */
  exit: Promise<number | null>;
}

const quote = (arg: string) => `'${arg.replaceAll("'", "'\\''")}'`;

export function terminal(bin: 'gstack' | 'gstack-sync', args: string[], env: Record<string, string>, cwd: string): Terminal {
  const command = [process.execPath, path.join(binDir, `${bin}.js`), ...args].map(quote).join(' ');
  const child = spawn('script', ['-qefc', command, '/dev/null'], { cwd, env: { ...env, TERM: 'dumb' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  let seen = 0;
  const collect = (d: Buffer) => {
    screen += d.toString();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    screen: () => screen,
    type: (keys) => {
      child.stdin.write(keys);
    },
    waitFor: async (text) => {
      const at = await eventually(`the terminal to show ${JSON.stringify(text)}`, async () => {
        const i = screen.indexOf(text, seen);
        return i < 0 ? undefined : i;
      }).catch((error: Error) => {
        throw new Error(`${error.message}; it shows ${JSON.stringify(screen)}`);
      });
      seen = at + text.length;
    },
    exit: exit.finally(() => child.stdin.end()),
  };
}
