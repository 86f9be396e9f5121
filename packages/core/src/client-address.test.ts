import { describe, expect, it } from 'vitest';
import { clientAddress, normalizeAddress } from './client-address.ts';

describe('normalizeAddress', () => {
  it('accepts IPv4 and IPv6, maps IPv4-in-IPv6, refuses anything else', () => {
    expect(normalizeAddress('10.0.0.1')).toBe('10.0.0.1');
    expect(normalizeAddress('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(normalizeAddress('[2001:DB8::1]')).toBe('2001:db8::1');
    for (const bad of ['', 'unknown', '300.1.1.1', '1.2.3', 'evil.example', '1::2::3', '10.0.0.1; drop']) {
      expect(normalizeAddress(bad), bad).toBeUndefined();
    }
  });
});

describe('clientAddress', () => {
  const xff = (forwarded: string | undefined, peer: string, trustedProxies: string[]) =>
    clientAddress({ peer, forwarded, trustedProxies, pick: 'last-untrusted' });

  it('ignores a forwarded header from a peer that is not a trusted proxy', () => {
    expect(xff('6.6.6.6', '203.0.113.7', [])).toBe('203.0.113.7');
    expect(xff('6.6.6.6', '203.0.113.7', ['10.0.0.1'])).toBe('203.0.113.7');
  });

  it("takes the rightmost entry a trusted proxy did not add: a client's own prefix is ignored", () => {
    // The client sent "X-Forwarded-For: 6.6.6.6"; the proxy appended the address it saw.
    expect(xff('6.6.6.6, 198.51.100.4', '10.0.0.1', ['10.0.0.1'])).toBe('198.51.100.4');
    // Two proxies: the second (10.0.0.2) is trusted too, so its entry is skipped.
    expect(xff('6.6.6.6, 198.51.100.4, 10.0.0.2', '10.0.0.1', ['10.0.0.1', '10.0.0.2'])).toBe('198.51.100.4');
    expect(xff('198.51.100.4', '127.0.0.1', ['*'])).toBe('198.51.100.4');
  });

  it('falls back to the peer when the header is missing or malformed', () => {
    expect(xff(undefined, '10.0.0.1', ['10.0.0.1'])).toBe('10.0.0.1');
    expect(xff('not-an-ip', '10.0.0.1', ['10.0.0.1'])).toBe('10.0.0.1');
    expect(xff('1.1.1.1', 'garbage', ['*'])).toBeUndefined();
  });

  it('Sb-Forwarded-For: the first address, from a trusted peer only', () => {
    const sbff = (forwarded: string, peer: string) => clientAddress({ peer, forwarded, trustedProxies: ['127.0.0.1'], pick: 'first' });
    expect(sbff('198.51.100.4', '::ffff:127.0.0.1')).toBe('198.51.100.4');
    expect(sbff('198.51.100.4', '192.0.2.9')).toBe('192.0.2.9');
    expect(sbff('nonsense', '127.0.0.1')).toBe('127.0.0.1');
  });
});
