/** `supabase db advisors` (Supabase's splinter lints) against a database URL. */
import { spawn } from 'node:child_process';
import { supabaseCliBinary } from '../binaries.ts';
import { withSslDisabled } from './migrate.ts';

export interface AdvisorsResult {
  exitCode: number;
  output: string;
}

/** Runs the security and performance advisors; exit code non-zero when anything at `failOn` or above is found. */
export function runAdvisors(dbUrl: string, failOn: 'info' | 'warn' | 'error' = 'warn'): Promise<AdvisorsResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(supabaseCliBinary(), ['db', 'advisors', `--remote=${withSslDisabled(dbUrl)}`, '--fail-on', failOn], {
      env: { ...process.env, SUPABASE_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ exitCode: code ?? 1, output }));
  });
}
