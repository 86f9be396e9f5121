import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAKE_ANTHROPIC_KEY, sessionLines } from '../testing/claude-sessions.ts';
import { fallbackSummary } from './index.ts';
import { parseSessionFile } from './parse.ts';

describe('parseSessionFile', () => {
  it('counts turns, tool calls by tool, messages and the time span', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gstack-session-'));
    const file = path.join(dir, 's-1.jsonl');
    writeFileSync(file, [...sessionLines(['Fix the login bug', 'Now add a test']), '{broken', ''].join('\n'));
    const stats = parseSessionFile(file);
    expect(stats).toMatchObject({
      sessionId: 's-1',
      cwd: '/home/dev/acme-app',
      turns: 2,
      toolCalls: 6,
      tools: { Read: 4, Edit: 2 },
      messageCount: 6,
      prompts: ['Fix the login bug', 'Now add a test'],
      startedAt: '2026-11-20T09:00:00.000Z',
      endedAt: '2026-11-20T09:01:00.000Z',
      unreadableLines: 1,
    });
    expect(stats.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('falls back to the first prompt, redacted, as the summary', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gstack-session-'));
    const file = path.join(dir, 's-2.jsonl');
    writeFileSync(file, sessionLines([`Deploy with key ${FAKE_ANTHROPIC_KEY} please`]).join('\n'));
    expect(fallbackSummary(parseSessionFile(file))).toBe('Deploy with key [REDACTED_ANTHROPIC_KEY] please');
  });
});
