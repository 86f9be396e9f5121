/**
 * The provider interface: one call in, one result out. Failures are data
 * (`error`), never exceptions, so the ladder is a loop over results.
 */
import type { Message, ModelOptions, TokenUsage } from '@gstack/core';

export interface ProviderRequest {
  /** The model name within the provider (the part after `provider/`). */
  model: string;
  messages: Message[];
  timeoutMs: number;
  /** Sampling options (temperature, max_tokens, top_p, stop, seed), passed through as the API names them. */
  options?: ModelOptions;
  signal?: AbortSignal;
}

export interface ProviderResult {
  output: string;
  usage: TokenUsage;
  /** The cost the API reported for this call, when it reports one. */
  reportedCostUsd?: number;
  latencyMs: number;
  /** Set when the call failed; output is then empty. */
  error?: string;
  /** HTTP status of the final response, when there was one. */
  status?: number;
  /** How many retries the call took. */
  retries: number;
}

export interface Provider {
  /** The provider name as addressed in model refs (e.g. `local`, `anthropic`). */
  readonly name: string;
  /** True for models served from this machine or LAN (priced at $0, may be warm-probed). */
  readonly local: boolean;
  /** Declared local (ollama, `local: true`): $0 whatever the model. Set by ProviderSet. */
  readonly free?: boolean;
  call(request: ProviderRequest): Promise<ProviderResult>;
  /** Embeddings (OpenAI-compatible `/embeddings`), for `similar`; absent when the provider has none. */
  embed?(request: EmbedRequest): Promise<EmbedResult>;
}

export interface EmbedRequest {
  model: string;
  input: string[];
  timeoutMs: number;
  signal?: AbortSignal;
}

export type EmbedResult =
  | { vectors: number[][]; usage: TokenUsage; reportedCostUsd?: number; error?: undefined }
  | { error: string; vectors?: undefined };

export function failure(error: string, latencyMs: number, extra: Partial<ProviderResult> = {}): ProviderResult {
  return {
    output: '',
    usage: { input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0 },
    latencyMs,
    error,
    retries: 0,
    ...extra,
  };
}
