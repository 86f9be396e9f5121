/**
 * Transcript sync (opt-in): every Claude Code session under the Claude config
 * dir, summarised in one sentence by a cheap model (through the judge cache),
 * secrets redacted, pushed with bounded concurrency. A marker file remembers
 * each session's content hash, so unchanged sessions are skipped and grown
 * ones pushed again (the same row is updated).
 */
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type ModelsConfig, redactSecrets, splitModelRef } from '@gstack/core';
import { z } from 'zod';
import { PRIVATE_FILE, readJson, writeJsonAtomic } from '../files/json.ts';
import { cacheKey, type JudgeCache } from '../judge/cache.ts';
import { ProviderSet } from '../providers/index.ts';
import { Limiter } from '../providers/limiter.ts';
import type { Env } from '../state-dir.ts';
import { parseSessionFile, type SessionStats } from './parse.ts';

export function claudeDir(env: Env): string {
  return env.CLAUDE_CONFIG_DIR ? path.resolve(env.CLAUDE_CONFIG_DIR) : path.join(os.homedir(), '.claude');
}

/** Session files, newest layout: <claude dir>/projects/<project>/<session>.jsonl. */
export function sessionFiles(dir: string): string[] {
  const projects = path.join(dir, 'projects');
  if (!existsSync(projects)) return [];
  return readdirSync(projects, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      readdirSync(path.join(projects, d.name))
        .filter((f) => f.endsWith('.jsonl'))
        .map((f) => path.join(projects, d.name, f)),
    )
    .sort();
}

/** session id → content hash of what was last pushed. */
const markersSchema = z.record(z.string(), z.string());

export class TranscriptMarkers {
  constructor(readonly file: string) {}

  async load(): Promise<Record<string, string>> {
    return (await readJson(this.file, markersSchema)) ?? {};
  }

  async save(markers: Record<string, string>): Promise<void> {
    await writeJsonAtomic(this.file, markers, PRIVATE_FILE);
  }
}

/** The first sentence-ish of the first prompt: the summary when no model is configured. */
export function fallbackSummary(stats: SessionStats): string {
  const first = redactSecrets(stats.prompts[0] ?? '')
    .replace(/\s+/g, ' ')
    .trim();
  if (!first) return `${stats.turns} turns, ${stats.toolCalls} tool calls`;
  return first.length > 160 ? `${first.slice(0, 157)}...` : first;
}

export interface Summarizer {
  summarize(stats: SessionStats): Promise<string>;
}

/** One sentence from a cheap model; the verdict is cached like a judge's, keyed by the redacted prompts. */
export function modelSummarizer(model: string, config: ModelsConfig, configDir: string, env: Env, cache: JudgeCache): Summarizer {
  const providers = new ProviderSet(config, configDir, env);
  return {
    async summarize(stats) {
      const excerpt = redactSecrets(stats.prompts.join('\n---\n')).slice(0, 8000);
      if (!excerpt) return fallbackSummary(stats);
      const rubric = 'session-summary:v1';
      const key = await cacheKey({ judgeModel: model, rubric, input: excerpt });
      const hit = await cache.get('_sessions', key, (verdict) => typeof verdict.summary === 'string');
      if (typeof hit?.verdict.summary === 'string') return hit.verdict.summary;
      const result = await providers.provider(model).call({
        model: splitModelRef(model).model,
        timeoutMs: 30_000,
        options: { temperature: 0 },
        messages: [
          {
            role: 'system',
            content:
              'Summarise what the developer worked on in this coding session in one plain sentence of at most 25 words. No preamble.',
          },
          { role: 'user', content: excerpt },
        ],
      });
      if (result.error || !result.output.trim()) return fallbackSummary(stats);
      const summary = redactSecrets(result.output.trim().split('\n')[0] ?? '').slice(0, 300);
      await cache.set('_sessions', key, model, { summary }, 0);
      return summary;
    },
  };
}

export interface TranscriptRecord {
  session_id: string;
  repo_slug?: string;
  hostname: string;
  started_at?: string;
  ended_at?: string;
  turns: number;
  tool_calls: number;
  tools: Record<string, number>;
  message_count: number;
  summary: string;
  content_hash: string;
}

/** Sessions that are new or grew since the last push, as records ready to push. */
export async function changedSessions(
  dir: string,
  markers: Record<string, string>,
  summarizer: Summarizer | undefined,
  concurrency = 4,
): Promise<TranscriptRecord[]> {
  const limiter = new Limiter(concurrency);
  const changed = sessionFiles(dir)
    .map((file) => parseSessionFile(file))
    .filter((s) => markers[s.sessionId] !== s.contentHash && s.messageCount > 0);
  return Promise.all(
    changed.map((stats) =>
      limiter.run(async () => ({
        session_id: stats.sessionId,
        repo_slug: stats.cwd ? path.basename(stats.cwd) : undefined,
        hostname: os.hostname(),
        started_at: stats.startedAt ?? undefined,
        ended_at: stats.endedAt ?? undefined,
        turns: stats.turns,
        tool_calls: stats.toolCalls,
        tools: stats.tools,
        message_count: stats.messageCount,
        summary: summarizer ? await summarizer.summarize(stats) : fallbackSummary(stats),
        content_hash: stats.contentHash,
      })),
    ),
  );
}
