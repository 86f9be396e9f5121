/**
 * Answers from a recorded fixture file, for offline demos, tests and
 * benchmarks. An entry answers a model (or `*`) either for one exact prompt
 * (`prompt_sha`: SHA-256 of the canonical JSON of the messages) or for any
 * prompt containing `match`. A prompt with no entry is an error that says so.
 *
 *   { "entries": [ { "model": "qwen", "match": "capital of France", "output": "Paris",
 *                    "usage": { "input_tokens": 12, "output_tokens": 1 }, "cost_usd": 0 } ] }
 */
import { readFileSync } from 'node:fs';
import { canonicalJson, describeProblems, type Message, sha256Hex } from '@gstack/core';
import { z } from 'zod';
import { UserError } from '../../errors.ts';
import { failure, type Provider, type ProviderRequest, type ProviderResult } from '../types.ts';

const entrySchema = z
  .strictObject({
    model: z.string().min(1),
    prompt_sha: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
    match: z.string().min(1).optional(),
    output: z.string().optional(),
    error: z.string().optional(),
    usage: z
      .strictObject({
        input_tokens: z.int().min(0).default(0),
        output_tokens: z.int().min(0).default(0),
        cache_read_tokens: z.int().min(0).default(0),
        cache_write_tokens: z.int().min(0).default(0),
      })
      .prefault({}),
    cost_usd: z.number().min(0).optional(),
    latency_ms: z.int().min(0).default(0),
  })
  .refine((e) => e.prompt_sha || e.match, 'an entry needs prompt_sha or match')
  .refine((e) => (e.output === undefined) !== (e.error === undefined), 'an entry needs exactly one of output or error');

export const replayFileSchema = z.strictObject({ entries: z.array(entrySchema) });
export type ReplayEntry = z.infer<typeof entrySchema>;

/** The replay key of a conversation. */
export function promptSha(messages: Message[]): Promise<string> {
  return sha256Hex(canonicalJson(messages));
}

export function loadReplayFile(file: string): ReplayEntry[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UserError(`${file}: cannot read the replay file (${(error as Error).message})`);
  }
  const parsed = replayFileSchema.safeParse(json);
  if (!parsed.success) throw new UserError(describeProblems(file, parsed.error));
  return parsed.data.entries;
}

export function replayProvider(options: { name: string; file: string }): Provider {
  let entries: ReplayEntry[] | undefined;
  return {
    name: options.name,
    local: true,
    async call(request: ProviderRequest): Promise<ProviderResult> {
      entries ??= loadReplayFile(options.file);
      const sha = await promptSha(request.messages);
      const forModel = entries.filter((e) => e.model === request.model || e.model === '*');
      const text = request.messages.map((m) => m.content).join('\n');
      const entry = forModel.find((e) => e.prompt_sha === sha) ?? forModel.find((e) => e.match !== undefined && text.includes(e.match));
      if (!entry)
        return failure(`replay: no recorded answer for model ${request.model} and prompt ${sha.slice(0, 12)}… in ${options.file}`, 0);
      if (entry.error !== undefined) return failure(`${options.name}/${request.model}: ${entry.error}`, entry.latency_ms);
      return {
        output: entry.output ?? '',
        usage: entry.usage,
        reportedCostUsd: entry.cost_usd,
        latencyMs: entry.latency_ms,
        retries: 0,
      };
    },
  };
}
