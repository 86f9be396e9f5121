/**
 * Claude Code session files (`<claude dir>/projects/<project>/<session>.jsonl`,
 * one JSON event per line) reduced to what the team sees: turns, tool calls by
 * tool, time span, and the text a summary is made from. Lines that do not
 * parse are counted and skipped, never fatal.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface SessionStats {
  sessionId: string;
  file: string;
  cwd: string | null;
  startedAt: string | null;
  endedAt: string | null;
  /** User prompts (tool results are not turns). */
  turns: number;
  toolCalls: number;
  tools: Record<string, number>;
  messageCount: number;
  /** The user's prompts in order, for the summary. */
  prompts: string[];
  contentHash: string;
  unreadableLines: number;
}

type Block = { type?: string; text?: string; name?: string };
interface SessionEvent {
  type?: string;
  sessionId?: string;
  timestamp?: string;
  cwd?: string;
  message?: { role?: string; content?: string | Block[] };
}

function textOf(content: string | Block[] | undefined): string {
  if (typeof content === 'string') return content;
  return (content ?? [])
    .filter((b) => b.type === 'text' && typeof b.text === 'string')
    .map((b) => b.text)
    .join('\n');
}

export function parseSessionFile(file: string): SessionStats {
  const raw = readFileSync(file, 'utf8');
  const stats: SessionStats = {
    sessionId: path.basename(file, '.jsonl'),
    file,
    cwd: null,
    startedAt: null,
    endedAt: null,
    turns: 0,
    toolCalls: 0,
    tools: {},
    messageCount: 0,
    prompts: [],
    contentHash: createHash('sha256').update(raw).digest('hex'),
    unreadableLines: 0,
  };
  for (const line of raw.split('\n')) {
    if (!line.trim()) continue;
    let event: SessionEvent;
    try {
      event = JSON.parse(line) as SessionEvent;
    } catch {
      stats.unreadableLines += 1;
      continue;
    }
    if (event.sessionId) stats.sessionId = event.sessionId;
    if (event.cwd) stats.cwd ??= event.cwd;
    if (event.timestamp && !Number.isNaN(Date.parse(event.timestamp))) {
      const at = new Date(event.timestamp).toISOString();
      if (!stats.startedAt || at < stats.startedAt) stats.startedAt = at;
      if (!stats.endedAt || at > stats.endedAt) stats.endedAt = at;
    }
    const message = event.message;
    if (!message) continue;
    stats.messageCount += 1;
    const blocks = Array.isArray(message.content) ? message.content : [];
    if (message.role === 'assistant') {
      for (const block of blocks) {
        if (block.type === 'tool_use') {
          stats.toolCalls += 1;
          const name = block.name ?? 'unknown';
          stats.tools[name] = (stats.tools[name] ?? 0) + 1;
        }
      }
    } else if (message.role === 'user') {
      const text = textOf(message.content).trim();
      // A user message that only carries tool results is not a turn.
      if (text) {
        stats.turns += 1;
        stats.prompts.push(text);
      }
    }
  }
  return stats;
}
