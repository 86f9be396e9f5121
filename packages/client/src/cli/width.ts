/**
 * Terminal display width: how many columns a string takes, from the
 * maintained string-width package (East Asian Width, emoji and ZWJ sequences,
 * combining marks) instead of a hand-kept range list. Its own module so that
 * only commands that align text load it: importing it and its first non-ASCII
 * call cost about 25 ms (measured on the dev machine), which `gstack --version`
 * and the other commands without tables do not pay. Plain ASCII never reaches it.
 */
import stringWidth from 'string-width';
import { stripAnsi } from './term.ts';

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
let graphemes: Intl.Segmenter | undefined;

/** How many terminal columns `text` takes (ANSI colour codes excluded). */
export function displayWidth(text: string): number {
  const plain = stripAnsi(text);
  return PRINTABLE_ASCII.test(plain) ? plain.length : stringWidth(plain, { countAnsiEscapeCodes: false });
}

/** The longest start of `text` (ANSI codes dropped) that fits in `max` columns, never splitting a character. */
export function sliceColumns(text: string, max: number): string {
  const plain = stripAnsi(text);
  if (PRINTABLE_ASCII.test(plain)) return plain.slice(0, Math.max(0, max));
  graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  let out = '';
  let width = 0;
  for (const { segment } of graphemes.segment(plain)) {
    const w = stringWidth(segment);
    if (width + w > max) break;
    out += segment;
    width += w;
  }
  return out;
}

/** Pads `text` to `width` terminal columns (ANSI codes excluded, wide characters counted twice). */
export function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}
