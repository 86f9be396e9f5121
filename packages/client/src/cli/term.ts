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
export { formatDuration, formatPercent, formatUsd } from '@gstack/core';

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** Pads `text` to `width` visible characters (ANSI codes excluded). */
export function pad(text: string, width: number): string {
  const visible = stripAnsi(text).length;
  return text + ' '.repeat(Math.max(0, width - visible));
}
