/**
 * The Anthropic Messages API. System messages go in `system`; prompt-cache
 * token fields (`cache_read_input_tokens`, `cache_creation_input_tokens`) are
 * reported apart so they are priced at their own rates.
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
  usage?: { input_tokens?: number; output_tokens?: number; cache_read_input_tokens?: number; cache_creation_input_tokens?: number };
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
          max_tokens: request.maxTokens ?? 4096,
          ...(system ? { system } : {}),
          messages: request.messages.filter((m) => m.role !== 'system'),
          ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
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
        },
        latencyMs,
        status: res.status,
        retries: res.retries,
      };
    },
  };
}
