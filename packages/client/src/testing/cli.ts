/** Runs the gstack CLIs as child processes, collecting their output (asynchronously, so servers in the test process keep answering). */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const binDir = fileURLToPath(new URL('../../bin/', import.meta.url));

export function run(
  bin: 'gstack' | 'gstack-sync',
  args: string[],
  env: Record<string, string>,
  cwd = os.tmpdir(),
  /** Written to the child's standard input (which is closed either way). */
  input?: string,
): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(binDir, `${bin}.js`), ...args], {
      cwd,
      env,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    child.stdin?.end(input);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}
