/**
 * `gstack import promptfoo` on configurations written the way promptfoo's
 * documentation shows them (prompts, providers, tests with vars and asserts,
 * defaultTest, CSV tests), then the converted suite run by `gstack eval run`
 * against the fake OpenAI-compatible server.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { run } from '../../testing/cli.ts';
import { FakeLlmServer, isJudgeCall, lastUserText } from '../../testing/fake-llm.ts';

let server: FakeLlmServer;
beforeAll(async () => {
  server = await new FakeLlmServer('openai', (req) =>
    isJudgeCall(req) ? { text: '{"pass": true, "score": 1, "reason": "funny"}' } : { text: `A tweet: ${lastUserText(req)} #fun` },
  ).start();
});
afterAll(async () => {
  await server.close();
});

// promptfoo's getting-started example, plus defaultTest and the assertion kinds its docs show.
const GETTING_STARTED = `description: 'Tweet generator'
prompts:
  - 'Write a tweet about {{topic}}'
  - 'Write a concise, funny tweet about {{topic}}'
providers:
  - openai:gpt-4.1-mini
  - id: openai:chat:gpt-4.1
    config:
      temperature: 0.2
      max_tokens: 128
defaultTest:
  assert:
    - type: not-icontains
      value: as an ai
tests:
  - vars:
      topic: bananas
  - description: avocado
    vars:
      topic: avocado toast
    assert:
      - type: icontains
        value: avocado
      - type: javascript
        value: 1 / (output.length + 1)
        weight: 2
      - type: contains-all
        value: [tweet, avocado]
  - description: funny nyc
    vars:
      topic: new york city
    assert:
      - type: llm-rubric
        value: ensure that the output is funny
      - type: is-sql
`;

function workspace() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gstack-import-'));
  const env = { PATH: process.env.PATH ?? '', HOME: dir, GSTACK_STATE_DIR: path.join(dir, 'state'), OPENAI_BASE_URL: `${server.url}/v1` };
  return { dir, env };
}

describe('gstack import promptfoo', () => {
  it('converts the getting-started config, names what it cannot convert, and the suites run', async () => {
    const w = workspace();
    writeFileSync(path.join(w.dir, 'promptfooconfig.yaml'), GETTING_STARTED);
    const out = await run('gstack', ['import', 'promptfoo', 'promptfooconfig.yaml'], w.env, w.dir);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('wrote tweet-generator-p1.yaml\nwrote tweet-generator-p2.yaml\nwrote models.yaml\n');
    expect(out.stdout).toContain('not converted (1):\n  promptfooconfig.yaml: tests[2].assert[1]: type "is-sql" has no gstack equivalent');

    const suite = parse(readFileSync(path.join(w.dir, 'tweet-generator-p1.yaml'), 'utf8'));
    expect(suite).toEqual({
      suite: 'tweet-generator-p1',
      description: 'Tweet generator',
      models: ['openai/gpt-4.1-mini', 'openai-gpt-4.1/gpt-4.1'],
      defaults: { prompt: 'Write a tweet about {{topic}}', expect: [{ not_icontains: 'as an ai' }] },
      tests: [
        { name: 'test-1', vars: { topic: 'bananas' } },
        {
          name: 'avocado',
          vars: { topic: 'avocado toast' },
          expect: [
            { icontains: 'avocado' },
            { javascript: '1 / (output.length + 1)', weight: 2 },
            { contains: 'tweet' },
            { contains: 'avocado' },
          ],
        },
        { name: 'funny nyc', vars: { topic: 'new york city' }, expect: [{ judge: 'ensure that the output is funny' }] },
      ],
    });
    expect(parse(readFileSync(path.join(w.dir, 'models.yaml'), 'utf8'))).toEqual({
      providers: { 'openai-gpt-4.1': { type: 'openai', options: { temperature: 0.2, max_tokens: 128 } } },
      judge: 'openai/gpt-4.1-mini',
    });

    // The converted suite runs as it is: both models, the judge on the first.
    const ran = await run('gstack', ['eval', 'run', 'tweet-generator-p1.yaml', '--json'], w.env, w.dir);
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    const docs = JSON.parse(ran.stdout);
    expect(docs.map((d: { totals: { passed: number; tests: number } }) => d.totals)).toEqual([
      expect.objectContaining({ tests: 3, passed: 3 }),
      expect.objectContaining({ tests: 3, passed: 3 }),
    ]);
    const second = server.requests.filter((r) => r.body.model === 'gpt-4.1');
    expect(second[0]?.body).toMatchObject({ temperature: 0.2, max_tokens: 128 });

    const again = await run('gstack', ['import', 'promptfoo', 'promptfooconfig.yaml'], w.env, w.dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exist; pass --force to overwrite');
  });

  it('keeps CSV tests (with __expected columns) and defaultTest vars, into another folder', async () => {
    const w = workspace();
    writeFileSync(
      path.join(w.dir, 'promptfooconfig.yaml'),
      `prompts: [file://prompt.txt]\nproviders: [openai:gpt-4.1-mini]\ndefaultTest:\n  vars: { tone: dry }\ntests: file://tests.csv\nevaluateOptions: { maxConcurrency: 2 }\n`,
    );
    writeFileSync(path.join(w.dir, 'prompt.txt'), 'Write a {{tone}} tweet about {{topic}}');
    writeFileSync(path.join(w.dir, 'tests.csv'), 'topic,__expected\nbananas,icontains: banana\nplums,grade: mentions plums\n');
    const out = await run(
      'gstack',
      ['import', 'promptfoo', 'promptfooconfig.yaml', '--out', 'converted', '--name', 'tweets'],
      w.env,
      w.dir,
    );
    expect(out.stderr).toMatch(/^$/);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('promptfooconfig.yaml: evaluateOptions: not converted');
    expect(parse(readFileSync(path.join(w.dir, 'converted', 'tweets.yaml'), 'utf8'))).toEqual({
      suite: 'tweets',
      defaults: { prompt: 'file://../prompt.txt', vars: { tone: 'dry' } },
      tests: 'file://../tests.csv',
    });
    const ran = await run('gstack', ['eval', 'run', 'converted/tweets.yaml', '--json'], w.env, w.dir);
    expect(ran.stderr).toBe('');
    const doc = JSON.parse(ran.stdout);
    expect(
      doc.all_results.map((r: { name: string; passed: boolean; assertions: Array<{ type: string }> }) => [
        r.name,
        r.passed,
        r.assertions[0]?.type,
      ]),
    ).toEqual([
      ['tests-1', true, 'icontains'],
      ['tests-2', true, 'judge'],
    ]);
    expect(server.requests.some((r) => lastUserText(r) === 'Write a dry tweet about plums')).toBe(true);
  });

  it('exits 2 on a file that is not a promptfoo config', async () => {
    const w = workspace();
    writeFileSync(path.join(w.dir, 'x.yaml'), '- just\n- a list\n');
    const out = await run('gstack', ['import', 'promptfoo', 'x.yaml'], w.env, w.dir);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe('error: x.yaml: (top): not a promptfoo configuration (a YAML map)\n');
  });
});
