/**
 * The judge cache: every verdict from a judge or verifier model, keyed by a
 * SHA-256 over (judge model, rubric, grader version, canonical input, the
 * contents of the suite's source files). Never a secret in the key. Stored at
 * `<state>/eval-cache/<suite>/<key>.json`, written atomically; a corrupt or
 * wrong-version entry is a miss. `EVAL_CACHE=0` skips reads, still writes.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { canonicalJson, sha256Hex } from '@gstack/core';
import { z } from 'zod';
import { readJson, writeJsonAtomic } from '../files/json.ts';

/** Bump when the judge/verifier prompts or parsing change: old verdicts stop matching. */
export const GRADER_VERSION = '1';
const ENTRY_VERSION = 1;

export interface CacheKeyInput {
  judgeModel: string;
  rubric: string;
  /** What was judged (prompt, answer, ...), canonicalised. */
  input: unknown;
  /** Contents of the files the suite names as sources. */
  sources?: string[];
}

export async function cacheKey(input: CacheKeyInput): Promise<string> {
  return sha256Hex(
    canonicalJson({
      grader_version: GRADER_VERSION,
      judge_model: input.judgeModel,
      rubric: input.rubric,
      input: input.input,
      sources: input.sources ?? [],
    }),
  );
}

const entrySchema = z.object({
  version: z.literal(ENTRY_VERSION),
  key: z.string(),
  judge_model: z.string(),
  verdict: z.record(z.string(), z.unknown()),
  cost_usd: z.number(),
  created_at: z.string(),
});
export type CacheEntry = z.infer<typeof entrySchema>;

export interface CacheStats {
  suites: Array<{ suite: string; entries: number; bytes: number }>;
  entries: number;
  bytes: number;
}

/** A verdict as shared with the team. */
export interface SharedVerdict {
  judge_model: string;
  verdict: Record<string, unknown>;
  cost_usd: number;
}

/** Where teammates' verdicts come from (the team store); best effort, never throws. */
export interface RemoteVerdicts {
  get(key: string): Promise<SharedVerdict | undefined>;
  put(key: string, verdict: SharedVerdict): void;
}

export class JudgeCache {
  hits = 0;
  misses = 0;

  constructor(
    private readonly root: string,
    private readonly options: { readEnabled: boolean; remote?: RemoteVerdicts } = { readEnabled: true },
  ) {}

  private file(suite: string, key: string): string {
    return path.join(this.root, suite.replace(/[^A-Za-z0-9_.-]/g, '_'), `${key}.json`);
  }

  /**
   * The stored verdict, or undefined on a miss (absent, unreadable, wrong
   * version, reads disabled, or a verdict `usable` refuses: the caller then
   * pays for a call, so it is not counted as a hit).
   */
  async get(
    suite: string,
    key: string,
    usable: (verdict: Record<string, unknown>) => boolean = () => true,
  ): Promise<CacheEntry | undefined> {
    if (!this.options.readEnabled) {
      this.misses += 1;
      return undefined;
    }
    // Absent or corrupt: a miss.
    const local = await readJson(this.file(suite, key), entrySchema);
    if (local && local.key === key && usable(local.verdict)) {
      this.hits += 1;
      return local;
    }
    const shared = await this.options.remote?.get(key);
    if (shared && usable(shared.verdict)) {
      await this.writeLocal(suite, key, shared.judge_model, shared.verdict, shared.cost_usd);
      this.hits += 1;
      return {
        version: ENTRY_VERSION,
        key,
        judge_model: shared.judge_model,
        verdict: shared.verdict,
        cost_usd: shared.cost_usd,
        created_at: new Date().toISOString(),
      };
    }
    this.misses += 1;
    return undefined;
  }

  /** Stores a new verdict locally and shares it with the team (when a remote is configured). */
  async set(suite: string, key: string, judgeModel: string, verdict: Record<string, unknown>, costUsd: number): Promise<void> {
    await this.writeLocal(suite, key, judgeModel, verdict, costUsd);
    this.options.remote?.put(key, { judge_model: judgeModel, verdict, cost_usd: costUsd });
  }

  /** Writes atomically (temp file + rename) so a crash never leaves half an entry. */
  private async writeLocal(
    suite: string,
    key: string,
    judgeModel: string,
    verdict: Record<string, unknown>,
    costUsd: number,
  ): Promise<void> {
    const entry: CacheEntry = {
      version: ENTRY_VERSION,
      key,
      judge_model: judgeModel,
      verdict,
      cost_usd: costUsd,
      created_at: new Date().toISOString(),
    };
    await writeJsonAtomic(this.file(suite, key), entry, { compact: true });
  }

  async stats(): Promise<CacheStats> {
    const suites: CacheStats['suites'] = [];
    for (const suite of await readdir(this.root).catch(() => [] as string[])) {
      const dir = path.join(this.root, suite);
      let entries = 0;
      let bytes = 0;
      for (const name of await readdir(dir).catch(() => [] as string[])) {
        if (!name.endsWith('.json')) continue;
        entries += 1;
        bytes += (await stat(path.join(dir, name))).size;
      }
      suites.push({ suite, entries, bytes });
    }
    return { suites, entries: suites.reduce((a, s) => a + s.entries, 0), bytes: suites.reduce((a, s) => a + s.bytes, 0) };
  }

  /** Deletes one suite's entries, or all. Returns how many entries went. */
  async clear(suite?: string): Promise<number> {
    const stats = await this.stats();
    const targets = suite ? stats.suites.filter((s) => s.suite === suite) : stats.suites;
    for (const s of targets) await rm(path.join(this.root, s.suite), { recursive: true, force: true });
    return targets.reduce((a, s) => a + s.entries, 0);
  }

  /** Checks every entry; with `fix`, deletes the bad ones. */
  async verify(fix = false): Promise<{ checked: number; bad: string[] }> {
    const bad: string[] = [];
    let checked = 0;
    for (const suite of await readdir(this.root).catch(() => [] as string[])) {
      for (const name of await readdir(path.join(this.root, suite)).catch(() => [] as string[])) {
        if (!name.endsWith('.json')) continue;
        checked += 1;
        const file = path.join(this.root, suite, name);
        const entry = await readJson(file, entrySchema);
        const ok = entry !== undefined && `${entry.key}.json` === name;
        if (!ok) {
          bad.push(file);
          if (fix) await rm(file, { force: true });
        }
      }
    }
    return { checked, bad };
  }
}
