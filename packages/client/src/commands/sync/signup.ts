/**
 * `gstack-sync signup`: create an account on the team store with email and
 * password, and sign in with it (the session lands in auth.json like
 * `login`'s). A store that confirms email first says so, and `login` follows.
 */
import { emailSchema } from '@gstack/core';
import type { Command } from 'commander';
import { readPassword } from '../../cli/password.ts';
import { printJson } from '../../cli/run.ts';
import { UserError } from '../../errors.ts';
import { requireConfig, storeClient } from '../../sync/connection.ts';
import { RemoteError, remoteError } from '../../sync/remote-error.ts';

export function registerSignup(program: Command): void {
  program
    .command('signup')
    .description('Create an account on the team store (email and password) and sign in')
    .requiredOption('--email <email>', 'your email address')
    .option('--password-stdin', 'read the password from standard input (else GSTACK_PASSWORD, else a prompt)')
    .option('--name <name>', 'the name teammates see (default: the part of the email before @)')
    .option('--json', 'print JSON')
    .action(async (flags: { email: string; passwordStdin?: boolean; name?: string; json?: boolean }) => {
      const parsed = emailSchema.safeParse(flags.email);
      if (!parsed.success)
        throw new UserError(`--email must be an email address such as ada@example.com, not ${JSON.stringify(flags.email)}`);
      const email = parsed.data;
      const config = requireConfig(process.cwd(), process.env);
      const password = await readPassword({ stdin: flags.passwordStdin, env: process.env, prompt: 'Choose a password: ', confirm: true });
      const { client } = storeClient(config, process.env, 15_000);
      const { data, error } = await client.auth.signUp({
        email,
        password,
        options: flags.name ? { data: { display_name: flags.name } } : undefined,
      });
      const url = config.supabaseUrl.value;
      if (error) {
        const code = (error as { code?: string }).code;
        if (code === 'user_already_exists' || /already registered/i.test(error.message))
          throw new RemoteError('refused', `${email} already has an account on ${url}: sign in with gstack-sync login --email ${email}`);
        if (code === 'weak_password' || /password/i.test(error.message)) throw new UserError(`password: ${error.message}`);
        throw error.status && error.status < 500
          ? new RemoteError('refused', `sign-up refused: ${error.message}`)
          : remoteError(error, error.status);
      }
      const signedIn = Boolean(data.session);
      if (flags.json) return printJson({ url, email, signed_in: signedIn });
      process.stdout.write(
        signedIn
          ? `created ${email} on ${url} and signed in\nnext: gstack team create SLUG, or gstack team join CODE\n`
          : `created ${email} on ${url}: confirm it from the email the store sent, then gstack-sync login --email ${email}\n`,
      );
    });
}
