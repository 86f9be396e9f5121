/**
 * Who is on the other end of a request, when proxies may stand in between:
 * the socket's peer address, unless that peer is a proxy the deployment
 * configured as trusted, in which case the address the proxy forwarded. A
 * forwarded header from anyone else is ignored, so a client cannot choose the
 * address its rate limit is counted under. Used by the dashboard (its client,
 * from X-Forwarded-For) and the local auth (the dashboard's client, from
 * Supabase's Sb-Forwarded-For).
 */

/** Loopback addresses, as trusted-proxy lists may name them. */
export const LOOPBACK_ADDRESSES = ['127.0.0.1', '::1'];

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-f:]+(:(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3})?$/i;

/** The address in a canonical form: IPv4-mapped IPv6 (`::ffff:1.2.3.4`) as IPv4, IPv6 lower-cased; undefined when it is no IP address. */
export function normalizeAddress(value: string | undefined | null): string | undefined {
  if (!value) return undefined;
  let address = value.trim();
  if (address.startsWith('[') && address.endsWith(']')) address = address.slice(1, -1);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) address = mapped[1] as string;
  if (IPV4.test(address)) return address;
  if (address.includes(':') && IPV6.test(address) && (address.match(/::/g) ?? []).length <= 1) return address.toLowerCase();
  return undefined;
}

export interface ClientAddressInput {
  /** The socket's peer. */
  peer: string | undefined;
  /** The forwarded header's value (comma-separated addresses, the nearest proxy's entry last). */
  forwarded: string | undefined | null;
  /** Peers whose forwarded header is believed; `*` believes any peer (a runtime reachable only through its platform's proxy). */
  trustedProxies: readonly string[];
  /**
   * Which entry of the header is the client: `last-untrusted` (X-Forwarded-For: walk from the right,
   * past the trusted proxies' own entries) or `first` (Sb-Forwarded-For: one address, set by the caller).
   */
  pick: 'last-untrusted' | 'first';
}

/** The client's address, or undefined when the peer is unknown. */
export function clientAddress(input: ClientAddressInput): string | undefined {
  const peer = normalizeAddress(input.peer);
  if (!peer) return undefined;
  const trusted = new Set(input.trustedProxies.map((p) => normalizeAddress(p) ?? p));
  if (!trusted.has('*') && !trusted.has(peer)) return peer;
  const entries = (input.forwarded ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (input.pick === 'first') return normalizeAddress(entries[0]) ?? peer;
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = normalizeAddress(entries[i]);
    if (!entry) return peer;
    if (!trusted.has(entry)) return entry;
  }
  return normalizeAddress(entries[0]) ?? peer;
}
