/**
 * Suites that read their data from files (`file://`, relative to the suite):
 * tests from CSV, JSON, JSONL and YAML, vars files and var values, prompt and
 * system files, json_schema files; through the real CLI against the fake
 * OpenAI-compatible server. A reference that cannot be resolved is a config
 * error (exit 2) naming the field, and no model is called.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { run } from '../../testing/cli.ts';
import { FakeLlmServer, lastUserText } from '../../testing/fake-llm.ts';

let server: FakeLlmServer;
beforeAll(async () => {
  // Answers with the capital named in the prompt's country, or echoes the prompt.
  const capitals: Record<string, string> = { France: 'Paris', Japan: 'Tokyo', Peru: 'Lima' };
  server = await new FakeLlmServer('openai', (req) => {
    const text = lastUserText(req);
    const country = Object.keys(capitals).find((c) => text.includes(c));
    return { text: country ? `The capital is ${capitals[country]}.` : `echo: ${text}` };
  }).start();
});
afterAll(async () => {
  await server.close();
});

function workspace() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gstack-data-files-'));
  const env = { PATH: process.env.PATH ?? '', HOME: dir, GSTACK_STATE_DIR: path.join(dir, 'state'), OPENAI_BASE_URL: `${server.url}/v1` };
  const write = (name: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  };
  const evalRun = (...args: string[]) => run('gstack', ['eval', 'run', ...args, '--model', 'openai/m', '--json'], env, dir);
  return { dir, env, write, evalRun };
}

describe('suite data from files', () => {
  it('reads tests from CSV (vars, name, __expected columns) with the prompt from a file and defaults.prompt', async () => {
    const w = workspace();
    w.write('prompts/capital.txt', 'What is the capital of {{country}}?');
    w.write(
      'data/cases.csv',
      'name,country,__expected,__expected2\nfr,France,contains: Paris,icontains:PARIS\njp,Japan,contains: Tokyo,\nbad,Peru,contains: Quito,\n',
    );
    w.write('suite.yaml', stringify({ suite: 'csv', defaults: { prompt: 'file://prompts/capital.txt' }, tests: 'file://data/cases.csv' }));
    const before = server.requests.length;
    const out = await w.evalRun('suite.yaml');
    expect(out.stderr).toBe('');
    expect(out.code).toBe(1);
    const doc = JSON.parse(out.stdout);
    expect(doc.all_results.map((r: { name: string; passed: boolean }) => [r.name, r.passed])).toEqual([
      ['fr', true],
      ['jp', true],
      ['bad', false],
    ]);
    expect(doc.all_results[0].assertions.map((a: { type: string }) => a.type)).toEqual(['contains', 'icontains']);
    const sent = server.requests.slice(before).map(lastUserText).sort();
    expect(sent).toEqual(['What is the capital of France?', 'What is the capital of Japan?', 'What is the capital of Peru?']);
  });

  it.each([
    ['json', JSON.stringify([{ name: 'a', prompt: 'Capital of France?', expect: [{ contains: 'Paris' }] }])],
    ['jsonl', `${JSON.stringify({ name: 'a', prompt: 'Capital of France?', expect: [{ contains: 'Paris' }] })}\n`],
    ['yaml', stringify([{ name: 'a', prompt: 'Capital of France?', expect: [{ contains: 'Paris' }] }])],
  ])('reads tests from a .%s file', async (ext, text) => {
    const w = workspace();
    w.write(`cases.${ext}`, text);
    w.write('suite.yaml', stringify({ suite: ext, tests: `file://cases.${ext}` }));
    const out = await w.evalRun('suite.yaml');
    expect([out.code, out.stderr]).toEqual([0, '']);
    expect(JSON.parse(out.stdout).all_results.map((r: { name: string; output: string }) => [r.name, r.output])).toEqual([
      ['a', 'The capital is Paris.'],
    ]);
  });

  it('reads vars files (a list of sets from CSV, a map from YAML), var values, system and json_schema from files', async () => {
    const w = workspace();
    w.write('countries.csv', 'country,city\nFrance,Paris\nJapan,Tokyo\n');
    w.write('shared.yaml', stringify({ tone: 'brief' }));
    w.write('system.txt', 'Be {{tone}}.');
    w.write('long.txt', 'Peru');
    w.write('schema.json', JSON.stringify({ type: 'object' }));
    w.write(
      'suite.yaml',
      stringify({
        suite: 'vars',
        defaults: { vars: 'file://shared.yaml', system: 'file://system.txt' },
        tests: [
          { name: 'capital', prompt: 'Capital of {{country}}?', vars: 'file://countries.csv', expect: [{ contains: '{{city}}' }] },
          { name: 'value', prompt: 'Capital of {{place}}?', vars: { place: 'file://long.txt' }, expect: [{ contains: 'Lima' }] },
          { name: 'schema', prompt: 'Give JSON', expect: [{ json_schema: 'file://schema.json' }] },
        ],
      }),
    );
    const before = server.requests.length;
    const out = await w.evalRun('suite.yaml');
    expect(out.stderr).toBe('');
    const doc = JSON.parse(out.stdout);
    expect(doc.all_results.map((r: { name: string; passed: boolean }) => [r.name, r.passed])).toEqual([
      ['capital[1]', true],
      ['capital[2]', true],
      ['value', true],
      ['schema', false],
    ]);
    expect(doc.all_results[3].error).toContain('expected JSON');
    const systems = server.requests.slice(before).map((r) => r.body.messages[0]?.content);
    expect(new Set(systems)).toEqual(new Set(['Be brief.']));
    expect(out.code).toBe(1);
  });

  it.each([
    [
      'a prompt file that does not exist',
      { suite: 's', tests: [{ name: 't', prompt: 'file://prompt.txt' }] },
      /suite\.yaml: tests\[0\]\.prompt: file:\/\/prompt\.txt: no such file \(.*prompt\.txt\)/,
    ],
    [
      'a tests file that does not exist',
      { suite: 's', tests: 'file://cases.csv' },
      /suite\.yaml: tests: file:\/\/cases\.csv: no such file/,
    ],
    [
      'a vars file of an unknown kind',
      { suite: 's', tests: [{ name: 't', prompt: 'p', vars: 'file://vars.txt' }] },
      /tests\[0\]\.vars: file:\/\/vars\.txt: expected a \.csv, \.json, \.jsonl, \.yaml or \.yml file/,
    ],
    [
      'a reference where files are not read',
      { suite: 's', tests: [{ name: 't', prompt: 'p', expect: [{ contains: 'file://x.txt' }] }] },
      /suite\.yaml: tests\[0\]\.expect\[0\]\.contains: file:\/\/x\.txt: files can be referenced only by/,
    ],
  ])('exits 2 on %s, before any model call', async (_what, suite, message) => {
    const w = workspace();
    w.write('vars.txt', 'a: 1');
    w.write('suite.yaml', stringify(suite));
    const before = server.requests.length;
    const out = await w.evalRun('suite.yaml');
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(message);
    expect(out.stderr).not.toMatch(/\n\s+at /);
    expect(server.requests.length).toBe(before);
  });

  it('exits 2 on a tests file that does not parse, naming the line', async () => {
    const w = workspace();
    w.write('cases.jsonl', '{"name": "a", "prompt": "p"}\n{broken\n');
    w.write('suite.yaml', stringify({ suite: 's', tests: 'file://cases.jsonl' }));
    const out = await w.evalRun('suite.yaml');
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^error: suite\.yaml: tests: file:\/\/cases\.jsonl: cannot parse it as JSONL \(line 2: /);
  });

  it('changes prompt_sha when a referenced file changes', async () => {
    const w = workspace();
    w.write('p.txt', 'Capital of France?');
    w.write('suite.yaml', stringify({ suite: 's', tests: [{ name: 't', prompt: 'file://p.txt' }] }));
    const first = JSON.parse((await w.evalRun('suite.yaml')).stdout).prompt_sha;
    w.write('p.txt', 'Capital of Japan?');
    const second = JSON.parse((await w.evalRun('suite.yaml')).stdout).prompt_sha;
    expect(first).not.toBe(second);
    expect(readFileSync(path.join(w.dir, 'suite.yaml'), 'utf8')).toContain('file://p.txt');
  });
});
