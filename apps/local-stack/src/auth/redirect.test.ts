import { describe, expect, it } from 'vitest';
import { isAllowedRedirect, resolveRedirect } from './redirect.ts';

const policy = {
  siteUrl: 'http://127.0.0.1:3000',
  additionalRedirectUrls: [
    'https://127.0.0.1:3000',
    'http://127.0.0.1:*/callback',
    'http://127.0.0.1:*/auth/callback',
    'http://localhost:*/auth/callback',
    'https://*.example.org/app/**',
  ],
};

describe('redirect validation (GoTrue rules)', () => {
  it.each([
    'http://127.0.0.1:3000@evil.example/steal',
    'http://127.0.0.1:3000.evil.example/',
    'http://127.0.0.1:3000:pass@evil.example/',
    'http://@evil.example/',
    'http://user:pass@127.0.0.1:3000/',
    '//evil.example/callback',
    '/\\evil.example',
    'http:\\\\evil.example\\callback',
    'http://127.0.0.1:3000\\@evil.example/',
    'javascript:alert(document.cookie)',
    'data:text/html,<script>alert(1)</script>',
    'file:///etc/passwd',
    'ftp://127.0.0.1:3000/',
    'https://127.0.0.1:3001/',
    'http://127.0.0.1:4000/',
    'http://127.0.0.2:3000/',
    'http://localhost:3000/',
    'http://127.0.0.1:5555/callback/../../evil',
    'http://127.0.0.1:5555/callbackx',
    'http://127.0.0.1:5555/other',
    'http://127.0.0.1:80@localhost/callback',
    'http://localhost:5555/auth/callback/extra',
    'http://evil.example/?x=http://127.0.0.1:3000',
    'http://evil.example#http://127.0.0.1:3000',
    'https://evil.example.org.attacker.net/app/x',
    'https://a.b.example.org/app/x',
    'http://127.0.0.1:3000/\t@evil',
    '',
    'not a url',
  ])('refuses %s', (hostile) => {
    expect(isAllowedRedirect(hostile, policy)).toBe(false);
    expect(resolveRedirect(hostile, policy)).toBe(policy.siteUrl);
  });

  it.each([
    'http://127.0.0.1:3000',
    'http://127.0.0.1:3000/',
    'http://127.0.0.1:3000/teams/a?x=1',
    'https://127.0.0.1:3000',
    'http://127.0.0.1:51234/callback',
    'http://127.0.0.1:51234/auth/callback',
    'http://localhost:8080/auth/callback?next=/runs',
    'https://team.example.org/app/a/b/c',
  ])('accepts %s', (allowed) => {
    expect(isAllowedRedirect(allowed, policy)).toBe(true);
    expect(resolveRedirect(allowed, policy)).toBe(allowed);
  });

  it('falls back to the site URL when no redirect is given', () => {
    expect(resolveRedirect(undefined, policy)).toBe('http://127.0.0.1:3000');
  });
});
