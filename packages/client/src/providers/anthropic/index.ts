/**
 * The Anthropic Messages API. System messages go in `system`; prompt-cache
 * token fields (`cache_read_input_tokens`, `cache_creation_input_tokens`) are
 * reported apart so they are priced at their own rates, 1-hour cache writes
 * (`cache_creation.ephemeral_1h_input_tokens`) too.
 */
import { DEFAULT_RETRY, postJson, type RetryPolicy } from '../http.ts';
import { failure, type Provider, type ProviderRequest, type ProviderResult } from '../types.ts';

export interface AnthropicOptions {
  name: string;
  baseUrl: string;
  apiKey?: string;
  retry?: RetryPolicy;
}

interface MessagesResponse {
  content?: Array<{ type: string; text?: string }>;
  usage?: {
    input_tokens?: number;
    output_tokens?: number;
    cache_read_input_tokens?: number;
    cache_creation_input_tokens?: number;
    /** The split of cache_creation_input_tokens by lifetime (1-hour writes cost more). */
    cache_creation?: { ephemeral_5m_input_tokens?: number; ephemeral_1h_input_tokens?: number };
  };
}

/** The Messages API's names for the sampling options (no seed; `stop` is `stop_sequences`). */
function samplingFields(options: ProviderRequest['options'] = {}): Record<string, unknown> {
  const { temperature, top_p, stop } = options;
  return {
    ...(temperature !== undefined ? { temperature } : {}),
    ...(top_p !== undefined ? { top_p } : {}),
    ...(stop ? { stop_sequences: stop } : {}),
  };
}

export const ANTHROPIC_VERSION = '2023-06-01';

export function anthropicProvider(options: AnthropicOptions): Provider {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/v1/messages`;
  return {
    name: options.name,
    local: false,
    async call(request: ProviderRequest): Promise<ProviderResult> {
      const started = performance.now();
      if (!options.apiKey) return failure(`${options.name}/${request.model}: no API key (set ANTHROPIC_API_KEY)`, 0);
      const system = request.messages
        .filter((m) => m.role === 'system')
        .map((m) => m.content)
        .join('\n\n');
      const res = await postJson(
        url,
        {
          model: request.model,
          max_tokens: request.options?.max_tokens ?? 4096,
          ...(system ? { system } : {}),
          messages: request.messages.filter((m) => m.role !== 'system'),
          ...samplingFields(request.options),
        },
        {
          headers: { 'x-api-key': options.apiKey, 'anthropic-version': ANTHROPIC_VERSION },
          timeoutMs: request.timeoutMs,
          retry: options.retry ?? DEFAULT_RETRY,
          signal: request.signal,
        },
      );
      const latencyMs = Math.round(performance.now() - started);
      if (!res.ok)
        return failure(`${options.name}/${request.model}: ${res.error}`, latencyMs, { status: res.status, retries: res.retries });
      const body = res.json as MessagesResponse;
      const text = (body.content ?? [])
        .filter((block) => block.type === 'text')
        .map((block) => block.text ?? '')
        .join('');
      return {
        output: text,
        usage: {
          input_tokens: body.usage?.input_tokens ?? 0,
          output_tokens: body.usage?.output_tokens ?? 0,
          cache_read_tokens: body.usage?.cache_read_input_tokens ?? 0,
          cache_write_tokens: body.usage?.cache_creation_input_tokens ?? 0,
          ...(body.usage?.cache_creation?.ephemeral_1h_input_tokens
            ? { cache_write_1h_tokens: body.usage.cache_creation.ephemeral_1h_input_tokens }
            : {}),
        },
        latencyMs,
        status: res.status,
        retries: res.retries,
      };
    },
  };
}
