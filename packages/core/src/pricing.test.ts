import { describe, expect, it } from 'vitest';
import { callCost, FALLBACK_PRICE, lookupPrice, PRICES, priceUsage, roundUsd } from './pricing.ts';

const usage = { input_tokens: 1_000_000, output_tokens: 100_000, cache_read_tokens: 500_000, cache_write_tokens: 200_000 };

describe('pricing', () => {
  it('every table entry has a last-verified date', () => {
    for (const [model, entry] of Object.entries(PRICES)) expect(entry.verified, model).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('prices cache reads and writes at their own rates', () => {
    // claude-sonnet-4-6: $3 in, $15 out, $0.30 cache read, $3.75 cache write (per million)
    expect(roundUsd(priceUsage(usage, lookupPrice('anthropic/claude-sonnet-4-6').price))).toBe(3 + 1.5 + 0.15 + 0.75);
  });

  it.each([
    ['anthropic/claude-haiku-4-5', {}, 'table'],
    ['openrouter/anthropic/claude-haiku-4-5', {}, 'fallback'],
    ['local/qwen', { local: true }, 'local'],
    // A known paid model behind a local URL (a LiteLLM proxy) is not free; on a provider declared local it is.
    ['litellm/claude-haiku-4-5', { local: true }, 'table'],
    ['box/claude-haiku-4-5', { free: true }, 'local'],
    ['local/qwen', { local: true, overrides: { 'local/qwen': { input: 0.1, output: 0.1 } } }, 'override'],
    ['cloud/mystery', {}, 'fallback'],
  ] as const)('%s is priced from the %s', (ref, options, source) => {
    expect(lookupPrice(ref, options).source).toBe(source);
  });

  it('prices 1-hour cache writes at cache_write_1h, else 2× input', () => {
    const writes = {
      input_tokens: 0,
      output_tokens: 0,
      cache_read_tokens: 0,
      cache_write_tokens: 1_000_000,
      cache_write_1h_tokens: 250_000,
    };
    expect(roundUsd(priceUsage(writes, { input: 3, output: 15, cache_write: 3.75 }))).toBe(0.75 * 3.75 + 0.25 * 6);
    expect(roundUsd(priceUsage(writes, { input: 3, output: 15, cache_write: 3.75, cache_write_1h: 7 }))).toBe(0.75 * 3.75 + 0.25 * 7);
  });

  it('lets an exact reported cost win over the table', () => {
    expect(callCost('anthropic/claude-opus-4-6', usage, 0.01)).toEqual({ cost_usd: 0.01, exact: true, unknown_model: false });
  });

  it('flags unknown models priced at the fallback', () => {
    const cost = callCost(
      'cloud/mystery',
      { input_tokens: 1000, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0 },
      undefined,
    );
    expect(cost).toEqual({ cost_usd: (1000 * FALLBACK_PRICE.input) / 1e6, exact: false, unknown_model: true, configured: false });
  });

  it('counts local models as exactly free', () => {
    expect(callCost('local/qwen', usage, undefined, { local: true })).toEqual({
      cost_usd: 0,
      exact: true,
      unknown_model: false,
      configured: false,
    });
  });

  it('marks a price from models.yaml pricing: as configured', () => {
    const cost = callCost('box/m', { input_tokens: 1000, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0 }, undefined, {
      overrides: { 'box/m': { input: 2, output: 4 } },
    });
    expect(cost).toEqual({ cost_usd: 0.002, exact: false, unknown_model: false, configured: true });
  });
});
