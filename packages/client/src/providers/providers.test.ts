/**
 * One behavioural suite, run against every provider implementation: each
 * returns the answer with its token usage, and reports failure as data.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeLlmServer } from '../testing/fake-llm.ts';
import { anthropicProvider } from './anthropic/index.ts';
import { commandProvider } from './command/index.ts';
import { openAiProvider } from './openai/index.ts';
import { promptSha, replayProvider } from './replay/index.ts';
import type { Provider } from './types.ts';

const NO_RETRY = { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 };
const messages = [
  { role: 'system' as const, content: 'Be brief.' },
  { role: 'user' as const, content: 'Say hi' },
];

interface Subject {
  name: string;
  /** A provider that answers "hi" using 12 input / 3 output tokens. */
  working(): Provider;
  /** A provider whose call fails. */
  failing(): Provider;
  /** The model to call. */
  model: string;
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'gstack-providers-'));
let openai: FakeLlmServer;
let anthropic: FakeLlmServer;
let broken: FakeLlmServer;

beforeAll(async () => {
  const reply = () => ({ text: 'hi', usage: { input: 12, output: 3 } });
  openai = await new FakeLlmServer('openai', reply).start();
  anthropic = await new FakeLlmServer('anthropic', reply).start();
  broken = await new FakeLlmServer('openai', () => ({ status: 400, error: 'bad request: model not found' })).start();
});

afterAll(async () => {
  await Promise.all([openai.close(), anthropic.close(), broken.close()]);
});

function script(name: string, body: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/usr/bin/env node\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

const subjects: Subject[] = [
  {
    name: 'openai',
    model: 'tiny',
    working: () => openAiProvider({ name: 'local', baseUrl: `${openai.url}/v1`, local: true, retry: NO_RETRY }),
    failing: () => openAiProvider({ name: 'local', baseUrl: `${broken.url}/v1`, local: true, retry: NO_RETRY }),
  },
  {
    name: 'anthropic',
    model: 'claude-haiku-4-5',
    working: () => anthropicProvider({ name: 'anthropic', baseUrl: anthropic.url, apiKey: 'k', retry: NO_RETRY }),
    failing: () => anthropicProvider({ name: 'anthropic', baseUrl: anthropic.url, apiKey: undefined, retry: NO_RETRY }),
  },
  {
    name: 'command',
    model: 'cli-model',
    working: () =>
      commandProvider({
        name: 'cli',
        command: [
          script(
            'claude-like.js',
            `let input = ''; process.stdin.on('data', (d) => (input += d)); process.stdin.on('end', () => {
  if (!input.includes('Say hi')) process.exit(3);
  console.log(JSON.stringify({ type: 'result', result: 'hi', usage: { input_tokens: 12, output_tokens: 3 }, total_cost_usd: 0.0001 }));
});`,
          ),
        ],
      }),
    failing: () => commandProvider({ name: 'cli', command: [script('failing.js', "console.error('no such model'); process.exit(1);")] }),
  },
  {
    name: 'replay',
    model: 'recorded',
    working: () => replayProvider({ name: 'replay', file: path.join(dir, 'replay.json') }),
    failing: () => replayProvider({ name: 'replay', file: path.join(dir, 'empty-replay.json') }),
  },
];

beforeAll(async () => {
  writeFileSync(
    path.join(dir, 'replay.json'),
    JSON.stringify({
      entries: [{ model: 'recorded', prompt_sha: await promptSha(messages), output: 'hi', usage: { input_tokens: 12, output_tokens: 3 } }],
    }),
  );
  writeFileSync(path.join(dir, 'empty-replay.json'), JSON.stringify({ entries: [] }));
});

describe.each(subjects)('provider: $name', (subject) => {
  it('returns the answer and its token usage', async () => {
    const result = await subject.working().call({ model: subject.model, messages, timeoutMs: 5000 });
    expect(result.error).toBeUndefined();
    expect(result.output).toBe('hi');
    expect(result.usage).toEqual({ input_tokens: 12, output_tokens: 3, cache_read_tokens: 0, cache_write_tokens: 0 });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('reports a failure as data, never as an exception', async () => {
    const result = await subject.failing().call({ model: subject.model, messages, timeoutMs: 5000 });
    expect(result.output).toBe('');
    expect(typeof result.error).toBe('string');
    expect(result.error?.length).toBeGreaterThan(5);
  });
});

describe('provider specifics', () => {
  it('sends system text as Anthropic `system` and the key in x-api-key', async () => {
    await anthropicProvider({ name: 'anthropic', baseUrl: anthropic.url, apiKey: 'secret-key', retry: NO_RETRY }).call({
      model: 'm',
      messages,
      timeoutMs: 5000,
    });
    const request = anthropic.requests.at(-1);
    expect(request?.body.system).toBe('Be brief.');
    expect(request?.body.messages).toEqual([{ role: 'user', content: 'Say hi' }]);
    expect(request?.headers['x-api-key']).toBe('secret-key');
  });

  it('reads the exact cost a CLI reports', async () => {
    const cli = subjects.find((s) => s.name === 'command');
    const result = await cli?.working().call({ model: 'm', messages, timeoutMs: 5000 });
    expect(result?.reportedCostUsd).toBe(0.0001);
  });

  it('names the model and prompt a replay file lacks', async () => {
    const result = await replayProvider({ name: 'replay', file: path.join(dir, 'replay.json') }).call({
      model: 'other',
      messages,
      timeoutMs: 1000,
    });
    expect(result.error).toMatch(/^replay: no recorded answer for model other and prompt [0-9a-f]{12}… in .*replay\.json$/);
  });

  it('includes the API error message in the error', async () => {
    const result = await subjects[0]?.failing().call({ model: 'tiny', messages, timeoutMs: 5000 });
    expect(result?.error).toBe('local/tiny: HTTP 400: bad request: model not found');
    expect(result?.status).toBe(400);
  });

  it('honours a Retry-After longer than the backoff cap, up to max_retry_after_ms', async () => {
    const limited = await new FakeLlmServer('openai', (_req, i) =>
      i === 0 ? { status: 429, error: 'slow down', headers: { 'retry-after': '1' } } : { text: 'hi' },
    ).start();
    try {
      // The backoff cap (maxDelayMs) is 100 ms; Retry-After asks for 1 s and gets it (it used to be cut to the cap).
      const retry = { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 100, maxRetryAfterMs: 2000 };
      const result = await openAiProvider({ name: 'local', baseUrl: `${limited.url}/v1`, local: true, retry }).call({
        model: 'tiny',
        messages,
        timeoutMs: 5000,
      });
      expect(result.output).toBe('hi');
      const [first, second] = limited.requests;
      expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(1000);
    } finally {
      await limited.close();
    }
  });

  it('fails with the reason, without waiting, when Retry-After exceeds max_retry_after_ms', async () => {
    const limited = await new FakeLlmServer('openai', () => ({ status: 429, error: 'quota', headers: { 'retry-after': '300' } })).start();
    try {
      const retry = { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 100, maxRetryAfterMs: 120_000 };
      const result = await openAiProvider({ name: 'local', baseUrl: `${limited.url}/v1`, local: true, retry }).call({
        model: 'tiny',
        messages,
        timeoutMs: 5000,
      });
      expect(result.error).toBe('local/tiny: HTTP 429: quota (Retry-After asks for 300 s, more than the 120 s max_retry_after_ms allows)');
      expect(limited.requests).toHaveLength(1);
    } finally {
      await limited.close();
    }
  });
});
