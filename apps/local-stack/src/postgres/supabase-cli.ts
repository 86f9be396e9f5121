/** Runs the supabase CLI (shipped in the `supabase` npm package) and collects its output. */
import { spawn } from 'node:child_process';
import { supabaseCliBinary } from '../binaries.ts';
import { StackError } from '../errors.ts';

export interface CliResult {
  exitCode: number;
  /** stdout and stderr, interleaved as they arrived (for error messages). */
  output: string;
  stdout: string;
}

export function runSupabaseCli(args: string[], cwd?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(supabaseCliBinary(), args, {
      cwd,
      env: { ...process.env, SUPABASE_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.on('error', (error) => reject(new StackError(`Could not run the supabase CLI: ${error.message}`, 'Run `npm install`.')));
    child.on('close', (code) => resolve({ exitCode: code ?? 1, output, stdout }));
  });
}

/** The local cluster speaks plain TCP on loopback; say so rather than let the CLI warn. */
export function withSslDisabled(url: string): string {
  return url.includes('sslmode=') ? url : `${url}${url.includes('?') ? '&' : '?'}sslmode=disable`;
}
