/** Display formats for the dashboard: money, rates, durations, times. Core holds the shared ones. */
import { formatDuration, formatPercent, formatUsd } from '@gstack/core';

export { formatDuration, formatPercent, formatUsd };

/** A numeric column from PostgREST (numeric arrives as number or string). */
export function num(value: unknown): number {
  const n = typeof value === 'string' ? Number(value) : (value as number);
  return Number.isFinite(n) ? n : 0;
}

export function rate(value: unknown): number | null {
  return value === null || value === undefined ? null : num(value);
}

/** "3 min ago", "2 h ago", "5 d ago", or the date for anything older than 30 days. */
export function ago(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, (now - Date.parse(iso)) / 1000);
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  if (seconds < 30 * 86_400) return `${Math.floor(seconds / 86_400)} d ago`;
  return iso.slice(0, 10);
}

/** 2026-11-22 14:05 UTC */
export function utc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export function shortSha(sha: string | null): string {
  return sha ? sha.slice(0, 8) : '—';
}

export function tokens(n: number): string {
  return n >= 10_000 ? `${(n / 1000).toFixed(1)}k` : String(n);
}
