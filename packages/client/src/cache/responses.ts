/**
 * The model response cache (opt-in: a suite's `defaults.cache`, models.yaml
 * `cache: true`, or `--cache`): a system-under-test answer keyed by a SHA-256
 * over the provider (its type, URL and options, never its key), the model, the
 * messages and the call's options. A hit is answered without a call, costs $0
 * and is counted as cached. Only answers are stored (never errors or empty
 * replies), one file per key under `<state>/response-cache/`, written
 * atomically; an unreadable entry is a miss. `--no-cache` skips reads, still
 * writes; `gstack eval cache clear` deletes them.
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { canonicalJson, type Message, type ModelOptions, sha256Hex, type TokenUsage } from '@gstack/core';
import { z } from 'zod';
import { readJson, writeJsonAtomic } from '../files/json.ts';

const ENTRY_VERSION = 1;

const entrySchema = z.object({
  version: z.literal(ENTRY_VERSION),
  model: z.string(),
  output: z.string().min(1),
  usage: z.object({ input_tokens: z.number(), output_tokens: z.number(), cache_read_tokens: z.number(), cache_write_tokens: z.number() }),
  created_at: z.string(),
});

export interface ResponseKeyInput {
  /** What identifies the endpoint: its type, URL and provider-level options (ProviderSet.identity). */
  provider: unknown;
  model: string;
  messages: Message[];
  options?: ModelOptions;
}

export class ResponseCache {
  hits = 0;
  misses = 0;

  constructor(
    readonly dir: string,
    readonly options: { read: boolean } = { read: true },
  ) {}

  static key(input: ResponseKeyInput): Promise<string> {
    return sha256Hex(
      canonicalJson({
        v: ENTRY_VERSION,
        provider: input.provider,
        model: input.model,
        messages: input.messages,
        options: input.options ?? {},
      }),
    );
  }

  private file(key: string): string {
    return path.join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  /** The stored answer, or undefined (a miss: none, unreadable, or reads switched off). */
  async get(key: string): Promise<{ output: string; usage: TokenUsage } | undefined> {
    if (!this.options.read) return undefined;
    const entry = await readJson(this.file(key), entrySchema);
    if (!entry) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    return { output: entry.output, usage: entry.usage };
  }

  async put(key: string, model: string, output: string, usage: TokenUsage): Promise<void> {
    if (!output.trim()) return;
    await writeJsonAtomic(
      this.file(key),
      { version: ENTRY_VERSION, model, output, usage, created_at: new Date().toISOString() },
      { compact: true, dirMode: 0o700, mode: 0o600 },
    );
  }

  /** Deletes every entry; returns how many there were. */
  async clear(): Promise<number> {
    let removed = 0;
    for (const sub of await readdir(this.dir).catch(() => [] as string[])) {
      removed += (await readdir(path.join(this.dir, sub)).catch(() => [] as string[])).filter((f) => f.endsWith('.json')).length;
    }
    await rm(this.dir, { recursive: true, force: true });
    return removed;
  }
}
