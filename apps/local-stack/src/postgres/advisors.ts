/** `supabase db advisors` (Supabase's splinter lints) against a database URL. */
import { type CliResult, runSupabaseCli, withSslDisabled } from './supabase-cli.ts';

/** Runs the security and performance advisors; the exit code is non-zero when anything at `failOn` or above is found. */
export function runAdvisors(dbUrl: string, failOn: 'info' | 'warn' | 'error' = 'warn'): Promise<CliResult> {
  return runSupabaseCli(['db', 'advisors', `--remote=${withSslDisabled(dbUrl)}`, '--fail-on', failOn]);
}
