/** A small seeded PRNG and stable ids, so the demo team is the same on every machine. */
import { createHash } from 'node:crypto';

/** mulberry32: a fast 32-bit generator; returns numbers in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A generator seeded from a seed and names (one stream per run, independent of order). */
export function streamFor(seed: number, ...parts: Array<string | number>): () => number {
  return prng(
    createHash('sha256')
      .update([seed, ...parts].join('\u0000'))
      .digest()
      .readUInt32LE(0),
  );
}

/** A UUID (version-4 shaped) derived from the parts: the same parts give the same id. */
export function stableUuid(...parts: Array<string | number>): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  const variant = ((Number.parseInt(h[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A hex string (e.g. a git sha) derived from the parts. */
export function stableHex(length: number, ...parts: Array<string | number>): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, length);
}
