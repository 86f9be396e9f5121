/**
 * models.yaml: where models live and how a suite climbs the escalation ladder.
 * A model is addressed as `provider/model`; provider is a named endpoint from
 * `providers` or a built-in type (openai, ollama, anthropic, command, replay).
 */
import { z } from 'zod';

export const PROVIDER_TYPES = ['openai', 'ollama', 'anthropic', 'command', 'replay'] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

export const TIER_NAMES = ['fast', 'standard', 'full'] as const;
export type TierName = (typeof TIER_NAMES)[number];
/** haiku/sonnet/opus name the same three tiers. */
export const TIER_ALIASES: Record<string, TierName> = {
  fast: 'fast',
  standard: 'standard',
  full: 'full',
  haiku: 'fast',
  sonnet: 'standard',
  opus: 'full',
};

const modelRef = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+\/\S+$/, 'a model as provider/model, e.g. anthropic/claude-sonnet-4-6 or local/qwen3-coder-30b');

/** Sampling options passed through to OpenAI-compatible and Anthropic APIs (Anthropic has no `seed`). */
export const modelOptionsSchema = z.strictObject({
  temperature: z.number().min(0).max(2).optional(),
  max_tokens: z.int().min(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  stop: z.array(z.string().min(1)).min(1).max(16).optional(),
  seed: z.int().optional(),
});
export type ModelOptions = z.infer<typeof modelOptionsSchema>;

export const endpointSchema = z.strictObject({
  type: z.enum(PROVIDER_TYPES),
  base_url: z.url({ message: 'an http(s) URL, e.g. http://127.0.0.1:8080/v1' }).optional(),
  /** Name of the environment variable holding the API key (never the key itself). */
  api_key_env: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name')
    .optional(),
  /** command: the argv to spawn; the prompt goes to stdin. */
  command: z.array(z.string()).min(1).optional(),
  /** replay: the recorded fixture file, relative to models.yaml. */
  file: z.string().optional(),
  /** Calls in flight at once against this endpoint. */
  concurrency: z.int().min(1).max(64).optional(),
  timeout_ms: z.int().min(100).optional(),
  max_retries: z.int().min(0).max(10).optional(),
  /** The longest `Retry-After` (ms) a 429/5xx may ask for; beyond it the attempt fails with the reason. Default 120000. */
  max_retry_after_ms: z.int().min(0).optional(),
  /** Declares the provider local: its calls cost $0 whatever the model (ollama: true by default). */
  local: z.boolean().optional(),
  /** Default for this provider's chain entries: accepted without verification (frontier tiers). */
  self_certify: z.boolean().optional(),
  /** Model options sent with every call to this provider (a test's `options` win). */
  options: modelOptionsSchema.optional(),
});
export type EndpointConfig = z.infer<typeof endpointSchema>;

export const chainEntrySchema = z.union([modelRef, z.strictObject({ model: modelRef, self_certify: z.boolean().optional() })]);
export type ChainEntryConfig = z.infer<typeof chainEntrySchema>;

const chain = z.array(chainEntrySchema).min(1, 'at least one model');

/** Prices in USD per million tokens. */
export const priceSchema = z.strictObject({
  input: z.number().min(0),
  output: z.number().min(0),
  cache_read: z.number().min(0).optional(),
  cache_write: z.number().min(0).optional(),
  /** Anthropic 1-hour cache writes; 2× input when not given. */
  cache_write_1h: z.number().min(0).optional(),
});
export type Price = z.infer<typeof priceSchema>;

export const modelsConfigSchema = z.strictObject({
  providers: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/, 'a provider name (letters, digits, . _ -)'), endpointSchema).default({}),
  /**
   * The LLM that judges a cheap tier's answer in the ladder ({accept, feedback});
   * `none` says on purpose that tiers are checked only by the tests' deterministic assertions.
   */
  verifier: z.union([z.literal('none'), modelRef]).optional(),
  /**
   * The audit sample: the share (0..1, default 0 = off) of answers that failed the deterministic
   * assertions that the verifier judges anyway, so its false accepts can be measured against them.
   * Each audit is one more verifier call (judge cost). `suites.<name>.verifier_audit_rate` overrides.
   */
  verifier_audit_rate: z.number().min(0, 'a share from 0 to 1').max(1, 'a share from 0 to 1').default(0),
  /** Per provider: the server to ask whether a model is loaded before calling a local tier. */
  warm_probe: z.record(z.string(), z.url({ message: 'an http(s) URL of the model server' })).default({}),
  default_chain: chain.optional(),
  suites: z
    .record(
      z.string(),
      z.strictObject({
        chain: chain.optional(),
        judge: modelRef.optional(),
        verifier_audit_rate: z.number().min(0, 'a share from 0 to 1').max(1, 'a share from 0 to 1').optional(),
      }),
    )
    .default({}),
  tiers: z.partialRecord(z.enum(TIER_NAMES), modelRef).default({}),
  /** The model `judge` assertions use unless a test names one. */
  judge: modelRef.optional(),
  /** The embeddings model of `similar` assertions that name none (an OpenAI-compatible provider's /embeddings). */
  embedding: modelRef.optional(),
  /** Use the model response cache for every suite (a suite's defaults.cache, or --cache, per run). */
  cache: z.boolean().optional(),
  pricing: z.record(z.string(), priceSchema).default({}),
});
export type ModelsConfig = z.infer<typeof modelsConfigSchema>;

/** Splits `provider/model` at the first slash (model names may contain slashes). */
export function splitModelRef(ref: string): { provider: string; model: string } {
  const i = ref.indexOf('/');
  return { provider: ref.slice(0, i), model: ref.slice(i + 1) };
}
