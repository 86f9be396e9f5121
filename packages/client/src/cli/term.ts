/**
 * Terminal output: colour only on a TTY and never with NO_COLOR; money and
 * durations formatted one way everywhere.
 */

export interface Style {
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

export function useColor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(stream.isTTY) && env.NO_COLOR === undefined && env.TERM !== 'dumb';
}

export function style(enabled: boolean): Style {
  const wrap = (open: number, close: number) => (text: string) => (enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text);
  return { green: wrap(32, 39), red: wrap(31, 39), yellow: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}

// The number formats live in core so the dashboard shows the same strings.
export { formatDuration, formatPercent, formatUsd, formatUsdDelta } from '@gstack/core';

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/**
 * Control characters (names and model output can hold anything) as `\\u001b`
 * escapes, so they cannot move the cursor or clear the screen; colour codes
 * (SGR, as `style` writes them) are kept.
 */
export function visible(text: string): string {
  return text.replace(CONTROL, (c) => (c.length > 1 ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/** An SGR colour sequence (kept) or one C0/C1 control character other than tab and newline (escaped). */
const CONTROL = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m|[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f]`, 'g');

/** `1 call`, `3 calls`: a count with its noun (`plural` when adding "s" is wrong). */
export function countOf(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/** A time as people say it: "just now", "3 h ago", "in 7 days" (tables only; `--json` keeps ISO). */
export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const ms = Date.parse(iso) - now;
  if (!Number.isFinite(ms)) return String(iso);
  const abs = Math.abs(ms);
  let span: string;
  if (abs < 60_000) return 'just now';
  if (abs < 3_600_000) span = `${Math.round(abs / 60_000)} min`;
  else if (abs < 48 * 3_600_000) span = `${Math.round(abs / 3_600_000)} h`;
  else span = countOf(Math.round(abs / 86_400_000), 'day');
  return ms < 0 ? `${span} ago` : `in ${span}`;
}
