/**
 * `gstack-sync login`: email and password (from --password-stdin, GSTACK_PASSWORD
 * or a hidden prompt; --password works but warns), or the browser PKCE flow with a
 * loopback callback on a free port (`--no-browser` only prints the URL).
 * The session lands in ~/.gstack/auth.json (0600), keyed by store URL.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { emailProblem, escapeHtml } from '@gstack/core';
import type { Command } from 'commander';
import { resolvePassword } from '../../cli/password.ts';
import { printJson } from '../../cli/run.ts';
import { UserError } from '../../errors.ts';
import { requireConfig, storeClient } from '../../sync/connection.ts';
import { RemoteError, remoteError } from '../../sync/remote-error.ts';

interface LoginFlags {
  email?: string;
  password?: string;
  passwordStdin?: boolean;
  browser: boolean;
  provider: string;
  timeout: string;
  json?: boolean;
}

function openBrowser(url: string): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    spawn(opener, [url], { detached: true, stdio: 'ignore' })
      .on('error', () => {})
      .unref();
  } catch {
    // the URL is printed anyway
  }
}

function page(title: string, message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body style="font-family: system-ui, sans-serif; padding: 2rem"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`;
}

/** Waits for the provider to redirect the browser to our loopback callback with ?code=. */
function awaitCallback(timeoutMs: number): Promise<{ server: http.Server; redirectTo: string; code: Promise<string> }> {
  return new Promise((resolve, reject) => {
    let settle: { ok: (code: string) => void; fail: (error: Error) => void } | undefined;
    const code = new Promise<string>((ok, fail) => {
      settle = { ok, fail };
    });
    const server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname !== '/callback') {
        res.writeHead(404).end();
        return;
      }
      const received = url.searchParams.get('code');
      const error = url.searchParams.get('error_description') ?? url.searchParams.get('error');
      res.writeHead(received ? 200 : 400, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        received
          ? page('Signed in', 'You can close this tab and go back to the terminal.')
          : page('Sign-in failed', error ?? 'No code in the callback.'),
      );
      if (received) settle?.ok(received);
      else settle?.fail(new RemoteError('refused', `sign-in failed: ${error ?? 'no code in the callback'}`));
    });
    const timer = setTimeout(
      () => settle?.fail(new RemoteError('refused', `no sign-in within ${Math.round(timeoutMs / 1000)} s`)),
      timeoutMs,
    );
    void code.finally(() => clearTimeout(timer)).catch(() => {});
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, redirectTo: `http://127.0.0.1:${port}/callback`, code });
    });
  });
}

export function registerLogin(program: Command): void {
  program
    .command('login')
    .description('Sign in to the team store (browser PKCE flow, or --email with a password from stdin, GSTACK_PASSWORD or a prompt)')
    .option('--email <email>', 'sign in with email and password')
    .option(
      '--password-stdin',
      'read the password from stdin (for scripts: printf %s "$PW" | gstack-sync login --email … --password-stdin)',
    )
    .option('--password <password>', 'the password (visible in the process list: prefer --password-stdin, GSTACK_PASSWORD or the prompt)')
    .option('--no-browser', 'print the sign-in URL instead of opening a browser')
    .option('--provider <name>', 'the Supabase Auth provider for the browser flow', 'github')
    .option('--timeout <seconds>', 'how long to wait for the browser sign-in', '300')
    .option('--json', 'print JSON')
    .action(async (flags: LoginFlags) => {
      const config = requireConfig(process.cwd(), process.env);
      const { client } = storeClient(config, process.env, 15_000);
      let email: string | undefined;
      if (flags.email) {
        const problem = emailProblem(flags.email);
        if (problem) throw new UserError(`--email: ${problem}`);
        const password = await resolvePassword({
          flag: flags.password,
          fromStdin: flags.passwordStdin,
          env: process.env,
          stdin: process.stdin,
          stderr: process.stderr,
        });
        const { data, error } = await client.auth.signInWithPassword({ email: flags.email, password });
        if (error) {
          // The store does not say whether the account exists (that would leak who has one), so both causes are named.
          const unknown = /invalid login credentials/i.test(error.message)
            ? ` (wrong password, or no account for ${flags.email} yet: create one with gstack-sync signup --email ${flags.email})`
            : '';
          throw error.status && error.status < 500
            ? new RemoteError('refused', `sign-in refused: ${error.message}${unknown}`)
            : remoteError(error, error.status);
        }
        email = data.user?.email;
      } else {
        const timeoutMs = Number(flags.timeout) * 1000;
        if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new UserError('--timeout must be a number of seconds');
        const callback = await awaitCallback(timeoutMs);
        try {
          const { data, error } = await client.auth.signInWithOAuth({
            provider: flags.provider as 'github',
            options: { redirectTo: callback.redirectTo, skipBrowserRedirect: true },
          });
          if (error || !data.url) throw remoteError(error ?? new Error('no sign-in URL'));
          process.stderr.write(`Open this URL to sign in:\n${data.url}\n`);
          if (flags.browser) openBrowser(data.url);
          const code = await callback.code;
          const exchanged = await client.auth.exchangeCodeForSession(code);
          if (exchanged.error) throw new RemoteError('refused', `sign-in failed: ${exchanged.error.message}`);
          email = exchanged.data.user?.email;
        } finally {
          callback.server.close();
        }
      }
      if (flags.json) return printJson({ url: config.supabaseUrl.value, email });
      process.stdout.write(`signed in to ${config.supabaseUrl.value} as ${email}\n`);
    });

  program
    .command('logout')
    .description('Sign out and forget the saved session for this store')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      const config = requireConfig(process.cwd(), process.env);
      const { client, auth } = storeClient(config, process.env);
      await client.auth.signOut({ scope: 'local' }).catch(() => {});
      await auth.forget(config.supabaseUrl.value);
      if (flags.json) return printJson({ url: config.supabaseUrl.value, signed_out: true });
      process.stdout.write(`signed out of ${config.supabaseUrl.value}\n`);
    });
}
