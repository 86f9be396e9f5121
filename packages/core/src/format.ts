/**
 * Number formats shared by the CLI tables and the dashboard, so a cost or a
 * duration reads the same everywhere.
 */

/** $0.0123 for small amounts, $12.35 for larger ones; <$0.0001 for a cost too small to show (never $0.0000). */
export function formatUsd(amount: number): string {
  if (amount === 0) return '$0';
  if (amount > 0 && amount < 0.00005) return '<$0.0001';
  return amount < 1 ? `$${amount.toFixed(4)}` : `$${amount.toFixed(2)}`;
}

/** A change in cost: +$0.0123, -$1.20, +<$0.0001 for a change too small to show, $0 for none (never "+$0.0000"). */
export function formatUsdDelta(delta: number): string {
  if (delta === 0) return '$0';
  return `${delta > 0 ? '+' : '-'}${formatUsd(Math.abs(delta))}`;
}

/** 850 ms, 12.3 s, 4 min 5 s. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** 87.5%, or an em dash when there is no rate (nothing ran). */
export function formatPercent(value: number | null): string {
  return value === null ? '—' : `${value.toFixed(1)}%`;
}
