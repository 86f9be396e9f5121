/**
 * OpenAI-compatible chat completions: OpenAI, Ollama (/v1), LiteLLM, vLLM,
 * llama.cpp, OpenRouter. Reads `usage.prompt_tokens_details.cached_tokens` as
 * cache reads and an API-reported cost (`usage.cost`, LiteLLM's
 * `x-litellm-response-cost`) as exact.
 */
import { DEFAULT_RETRY, postJson, type RetryPolicy } from '../http.ts';
import { type EmbedRequest, type EmbedResult, failure, type Provider, type ProviderRequest, type ProviderResult } from '../types.ts';

export interface OpenAiOptions {
  name: string;
  baseUrl: string;
  apiKey?: string;
  local: boolean;
  retry?: RetryPolicy;
}

interface ChatCompletion {
  choices?: Array<{ message?: { content?: string | null } }>;
  usage?: {
    prompt_tokens?: number;
    completion_tokens?: number;
    cost?: number;
    prompt_tokens_details?: { cached_tokens?: number };
  };
}

export function openAiProvider(options: OpenAiOptions): Provider {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const embeddingsUrl = `${options.baseUrl.replace(/\/+$/, '')}/embeddings`;
  return {
    name: options.name,
    local: options.local,
    async embed(request: EmbedRequest): Promise<EmbedResult> {
      const headers: Record<string, string> = {};
      if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
      const res = await postJson(
        embeddingsUrl,
        { model: request.model, input: request.input },
        { headers, timeoutMs: request.timeoutMs, retry: options.retry ?? DEFAULT_RETRY, signal: request.signal },
      );
      if (!res.ok) return { error: `${options.name}/${request.model}: ${res.error}` };
      const body = res.json as { data?: Array<{ index?: number; embedding?: unknown }>; usage?: { prompt_tokens?: number; cost?: number } };
      const data = [...(body.data ?? [])].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
      const vectors = data.map((d) => d.embedding);
      if (vectors.length !== request.input.length || !vectors.every((v) => Array.isArray(v) && v.every((x) => typeof x === 'number')))
        return { error: `${options.name}/${request.model}: the response has no data[].embedding for every input` };
      return {
        vectors: vectors as number[][],
        usage: { input_tokens: body.usage?.prompt_tokens ?? 0, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0 },
        reportedCostUsd: typeof body.usage?.cost === 'number' ? body.usage.cost : undefined,
      };
    },
    async call(request: ProviderRequest): Promise<ProviderResult> {
      const started = performance.now();
      const headers: Record<string, string> = {};
      if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
      const res = await postJson(
        url,
        {
          model: request.model,
          messages: request.messages,
          ...request.options,
        },
        { headers, timeoutMs: request.timeoutMs, retry: options.retry ?? DEFAULT_RETRY, signal: request.signal },
      );
      const latencyMs = Math.round(performance.now() - started);
      if (!res.ok)
        return failure(`${options.name}/${request.model}: ${res.error}`, latencyMs, { status: res.status, retries: res.retries });
      const body = res.json as ChatCompletion;
      const content = body.choices?.[0]?.message?.content;
      if (typeof content !== 'string')
        return failure(`${options.name}/${request.model}: the response has no choices[0].message.content`, latencyMs, {
          retries: res.retries,
        });
      const cached = body.usage?.prompt_tokens_details?.cached_tokens ?? 0;
      const headerCost = Number(res.headers?.get('x-litellm-response-cost'));
      const reported =
        typeof body.usage?.cost === 'number'
          ? body.usage.cost
          : Number.isFinite(headerCost) && res.headers?.has('x-litellm-response-cost')
            ? headerCost
            : undefined;
      return {
        output: content,
        usage: {
          input_tokens: Math.max(0, (body.usage?.prompt_tokens ?? 0) - cached),
          output_tokens: body.usage?.completion_tokens ?? 0,
          cache_read_tokens: cached,
          cache_write_tokens: 0,
        },
        reportedCostUsd: reported,
        latencyMs,
        status: res.status,
        retries: res.retries,
      };
    },
  };
}
