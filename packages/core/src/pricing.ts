/**
 * Model prices and the cost of a call. Prices are USD per million tokens, each
 * entry with the date it was last checked against the vendor's price page.
 * An exact cost reported by the API always wins over the table; a model the
 * table does not know is priced at a stated fallback and flagged.
 */
import type { Price } from './models-config.ts';

export interface PriceEntry extends Price {
  /** ISO date the price was last verified. */
  verified: string;
}

/** Keyed by model name without the provider (prices do not depend on who routes the call). */
export const PRICES: Record<string, PriceEntry> = {
  'claude-opus-4-6': { input: 5, output: 25, cache_read: 0.5, cache_write: 6.25, verified: '2026-11-01' },
  'claude-opus-4-5': { input: 5, output: 25, cache_read: 0.5, cache_write: 6.25, verified: '2026-11-01' },
  'claude-sonnet-4-6': { input: 3, output: 15, cache_read: 0.3, cache_write: 3.75, verified: '2026-11-01' },
  'claude-sonnet-4-5': { input: 3, output: 15, cache_read: 0.3, cache_write: 3.75, verified: '2026-11-01' },
  'claude-haiku-4-5': { input: 1, output: 5, cache_read: 0.1, cache_write: 1.25, verified: '2026-11-01' },
  'gpt-4.1': { input: 2, output: 8, cache_read: 0.5, verified: '2026-11-01' },
  'gpt-4.1-mini': { input: 0.4, output: 1.6, cache_read: 0.1, verified: '2026-11-01' },
  'gpt-4o': { input: 2.5, output: 10, cache_read: 1.25, verified: '2026-11-01' },
  'gpt-4o-mini': { input: 0.15, output: 0.6, cache_read: 0.075, verified: '2026-11-01' },
};

/** What an unknown cloud model is priced at (a mid-tier model), always flagged as estimated. */
export const FALLBACK_PRICE: PriceEntry = { input: 3, output: 15, cache_read: 0.3, cache_write: 3.75, verified: '2026-11-01' };

export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  /** Of cache_write_tokens, those written to Anthropic's 1-hour cache. */
  cache_write_1h_tokens?: number;
}

export const ZERO_USAGE: TokenUsage = { input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0 };

export interface PriceLookup {
  price: Price;
  /** table: from PRICES; override: from models.yaml; local: a model on your own machine ($0); fallback: unknown */
  source: 'table' | 'override' | 'local' | 'fallback';
  verified?: string;
}

/** Where a call went, as far as pricing cares. */
export interface PriceOptions {
  overrides?: Record<string, Price>;
  /** The provider is declared local (ollama, or `local: true`): every model on it is $0. */
  free?: boolean;
  /** The provider's URL is on this machine or the LAN: $0 unless the table knows the model (a LiteLLM proxy to a paid API). */
  local?: boolean;
}

/**
 * The price for `provider/model`: a models.yaml override (by full ref or model
 * name) first, then $0 on a provider declared local, then the table, then $0
 * for an unknown model behind a local URL, then the fallback.
 */
export function lookupPrice(ref: string, options: PriceOptions = {}): PriceLookup {
  const model = ref.includes('/') ? ref.slice(ref.indexOf('/') + 1) : ref;
  const override = options.overrides?.[ref] ?? options.overrides?.[model];
  if (override) return { price: override, source: 'override' };
  const free = { price: { input: 0, output: 0 }, source: 'local' } as const;
  if (options.free) return free;
  const entry = PRICES[model];
  if (entry) return { price: entry, source: 'table', verified: entry.verified };
  if (options.local) return free;
  return { price: FALLBACK_PRICE, source: 'fallback', verified: FALLBACK_PRICE.verified };
}

/**
 * USD for the usage at the price; cache reads and 5-minute writes at their own
 * rates (input rate when unknown), 1-hour writes at `cache_write_1h` (2× input when unknown).
 */
export function priceUsage(usage: TokenUsage, price: Price): number {
  const perToken = (perMillion: number) => perMillion / 1_000_000;
  const writes1h = Math.min(usage.cache_write_1h_tokens ?? 0, usage.cache_write_tokens);
  return (
    usage.input_tokens * perToken(price.input) +
    usage.output_tokens * perToken(price.output) +
    usage.cache_read_tokens * perToken(price.cache_read ?? price.input) +
    (usage.cache_write_tokens - writes1h) * perToken(price.cache_write ?? price.input) +
    writes1h * perToken(price.cache_write_1h ?? 2 * price.input)
  );
}

export interface CallCost {
  cost_usd: number;
  /** true when the API reported the cost. */
  exact: boolean;
  /** true when the model was priced at the fallback. */
  unknown_model: boolean;
  /** true when the price came from `pricing:` in models.yaml (not the table). */
  configured?: boolean;
}

/** The cost of one call: the reported cost when there is one, else the table's. */
export function callCost(ref: string, usage: TokenUsage, reported: number | undefined, options: PriceOptions = {}): CallCost {
  if (reported !== undefined && Number.isFinite(reported) && reported >= 0)
    return { cost_usd: reported, exact: true, unknown_model: false };
  const lookup = lookupPrice(ref, options);
  // A model on your own machine costs exactly nothing per call.
  return {
    cost_usd: priceUsage(usage, lookup.price),
    exact: lookup.source === 'local',
    unknown_model: lookup.source === 'fallback',
    configured: lookup.source === 'override',
  };
}

export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  const writes1h = (a.cache_write_1h_tokens ?? 0) + (b.cache_write_1h_tokens ?? 0);
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    cache_read_tokens: a.cache_read_tokens + b.cache_read_tokens,
    cache_write_tokens: a.cache_write_tokens + b.cache_write_tokens,
    // Only present when there were any, so documents without 1-hour writes keep their shape.
    ...(writes1h ? { cache_write_1h_tokens: writes1h } : {}),
  };
}

/** Costs are kept to 1e-8 USD so sums print without float noise. */
export function roundUsd(amount: number): number {
  return Math.round(amount * 1e8) / 1e8;
}
