import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { PASSWORD_FLAG_WARNING, resolvePassword } from './password.ts';

function streams(input?: string, tty = false) {
  const stdin = Object.assign(new PassThrough(), { isTTY: tty });
  if (input !== undefined) stdin.end(input);
  const stderr = new PassThrough();
  let written = '';
  stderr.on('data', (d: Buffer) => {
    written += d.toString();
  });
  return { stdin, stderr, written: () => written };
}

describe('resolvePassword', () => {
  it('reads --password-stdin, without the trailing newline, and warns about nothing', async () => {
    const s = streams('correct horse\n');
    expect(await resolvePassword({ fromStdin: true, env: {}, stdin: s.stdin, stderr: s.stderr })).toBe('correct horse');
    expect(s.written()).toBe('');
  });

  it('takes GSTACK_PASSWORD', async () => {
    const s = streams();
    expect(await resolvePassword({ env: { GSTACK_PASSWORD: 'from-env' }, stdin: s.stdin, stderr: s.stderr })).toBe('from-env');
  });

  it('takes --password but warns that it shows in the process list', async () => {
    const s = streams();
    expect(await resolvePassword({ flag: 'visible', env: {}, stdin: s.stdin, stderr: s.stderr })).toBe('visible');
    expect(s.written()).toBe(`${PASSWORD_FLAG_WARNING}\n`);
  });

  it('prompts on a terminal without echoing what is typed', async () => {
    const s = streams(undefined, true);
    const answer = resolvePassword({ env: {}, stdin: s.stdin, stderr: s.stderr });
    s.stdin.write('typed-secret\n');
    expect(await answer).toBe('typed-secret');
    expect(s.written()).toContain('Password: ');
    expect(s.written()).not.toContain('typed-secret');
  });

  it.each([
    [{ flag: 'x', fromStdin: true }, 'not both'],
    [{ fromStdin: true }, 'nothing was read'],
    [{}, 'pipe it with --password-stdin, set GSTACK_PASSWORD'],
  ])('refuses %j with a usage error', async (flags, message) => {
    const s = streams('');
    const attempt = resolvePassword({ ...flags, env: {}, stdin: s.stdin, stderr: s.stderr });
    await expect(attempt).rejects.toBeInstanceOf(UserError);
    await expect(attempt).rejects.toThrow(message);
  });
});
