/**
 * Turns models.yaml endpoints (and the built-in provider types) into
 * providers, each behind one concurrency limiter per endpoint.
 */
import path from 'node:path';
import { type EndpointConfig, type ModelsConfig, PROVIDER_TYPES, type ProviderType, splitModelRef } from '@gstack/core';
import { UserError } from '../errors.ts';
import type { Env } from '../state-dir.ts';
import { anthropicProvider } from './anthropic/index.ts';
import { commandProvider } from './command/index.ts';
import { DEFAULT_RETRY } from './http.ts';
import { Limiter } from './limiter.ts';
import { openAiProvider } from './openai/index.ts';
import { replayProvider } from './replay/index.ts';
import type { Provider, ProviderRequest } from './types.ts';

export type { Provider, ProviderRequest, ProviderResult } from './types.ts';

const DEFAULT_CONCURRENCY = 4;

/** Loopback and private-network hosts count as local: $0 and warm-probed. */
export function isLocalUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return /^(localhost|127\.\d+\.\d+\.\d+|\[::1\]|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+|[\w-]+\.local)$/.test(
      host,
    );
  } catch {
    return false;
  }
}

function builtinEndpoint(type: ProviderType, env: Env): EndpointConfig {
  switch (type) {
    case 'openai':
      return { type, base_url: env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1', api_key_env: 'OPENAI_API_KEY' };
    case 'ollama':
      return { type, base_url: `${(env.OLLAMA_HOST ?? 'http://127.0.0.1:11434').replace(/\/+$/, '')}/v1` };
    case 'anthropic':
      return { type, base_url: env.ANTHROPIC_BASE_URL ?? 'https://api.anthropic.com', api_key_env: 'ANTHROPIC_API_KEY' };
    case 'command':
      return { type, command: ['claude', '-p', '--output-format', 'json', '--model', '{model}'], concurrency: 2 };
    case 'replay':
      return { type, file: env.GSTACK_REPLAY_FILE };
  }
}

export class ProviderSet {
  private readonly providers = new Map<string, Provider>();

  constructor(
    private readonly config: ModelsConfig,
    /** Folder of models.yaml, for relative replay files. */
    private readonly configDir: string,
    private readonly env: Env,
  ) {}

  private endpoint(name: string, ref: string): EndpointConfig {
    const named = this.config.providers[name];
    if (named) return named;
    if ((PROVIDER_TYPES as readonly string[]).includes(name)) return builtinEndpoint(name as ProviderType, this.env);
    const known = [...Object.keys(this.config.providers), ...PROVIDER_TYPES].join(', ');
    throw new UserError(`model ${ref}: no provider named "${name}" (known: ${known}); add it under providers: in models.yaml`);
  }

  /**
   * The environment variable `ref`'s provider needs for its API key when it is
   * not set; undefined when the key is there or none is needed.
   */
  missingKey(ref: string): string | undefined {
    const { provider: name } = splitModelRef(ref);
    const endpoint = this.endpoint(name, ref);
    const named = Boolean(this.config.providers[name]);
    let variable = endpoint.api_key_env;
    if (!variable && endpoint.type === 'anthropic') variable = 'ANTHROPIC_API_KEY';
    // The built-in openai provider needs a key unless OPENAI_BASE_URL points at a local server.
    if (!named && endpoint.type === 'openai' && isLocalUrl(endpoint.base_url ?? '')) variable = undefined;
    return variable && !this.env[variable] ? variable : undefined;
  }

  /** What identifies `ref`'s endpoint for the response cache: its type, URL, command or file, and options; never its key. */
  identity(ref: string): unknown {
    const { provider: name } = splitModelRef(ref);
    const e = this.endpoint(name, ref);
    return { name, type: e.type, base_url: e.base_url ?? null, command: e.command ?? null, file: e.file ?? null, options: e.options ?? {} };
  }

  /** The provider serving `ref` (provider/model), created on first use. */
  provider(ref: string): Provider {
    const { provider: name } = splitModelRef(ref);
    const existing = this.providers.get(name);
    if (existing) return existing;
    const endpoint = this.endpoint(name, ref);
    const retry = {
      ...DEFAULT_RETRY,
      maxRetries: endpoint.max_retries ?? DEFAULT_RETRY.maxRetries,
      maxRetryAfterMs: endpoint.max_retry_after_ms ?? DEFAULT_RETRY.maxRetryAfterMs,
    };
    const apiKey = endpoint.api_key_env ? this.env[endpoint.api_key_env] : undefined;
    let provider: Provider;
    switch (endpoint.type) {
      case 'openai':
      case 'ollama': {
        const baseUrl = endpoint.base_url ?? builtinEndpoint(endpoint.type, this.env).base_url ?? '';
        provider = openAiProvider({ name, baseUrl, apiKey, local: endpoint.type === 'ollama' || isLocalUrl(baseUrl), retry });
        break;
      }
      case 'anthropic':
        provider = anthropicProvider({
          name,
          baseUrl: endpoint.base_url ?? 'https://api.anthropic.com',
          apiKey: apiKey ?? this.env.ANTHROPIC_API_KEY,
          retry,
        });
        break;
      case 'command':
        provider = commandProvider({ name, command: endpoint.command ?? builtinEndpoint('command', this.env).command ?? [] });
        break;
      case 'replay': {
        if (!endpoint.file) throw new UserError(`model ${ref}: a replay provider needs file: (or GSTACK_REPLAY_FILE)`);
        provider = replayProvider({ name, file: path.resolve(this.configDir, endpoint.file) });
        break;
      }
    }
    const limiter = new Limiter(endpoint.concurrency ?? DEFAULT_CONCURRENCY);
    const timeoutMs = endpoint.timeout_ms;
    const defaults = endpoint.options;
    const limited: Provider = {
      name: provider.name,
      local: provider.local,
      free: endpoint.local ?? endpoint.type === 'ollama',
      call: (request: ProviderRequest) =>
        limiter.run(() =>
          provider.call({
            ...request,
            ...(timeoutMs ? { timeoutMs } : {}),
            ...(defaults || request.options ? { options: { ...defaults, ...request.options } } : {}),
          }),
        ),
    };
    const embed = provider.embed?.bind(provider);
    if (embed) limited.embed = (request) => limiter.run(() => embed({ ...request, ...(timeoutMs ? { timeoutMs } : {}) }));
    this.providers.set(name, limited);
    return limited;
  }
}
