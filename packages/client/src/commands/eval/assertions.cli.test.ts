/**
 * The assertion types through the real CLI against the fake OpenAI-compatible
 * server: negation of any type, weights and a test's threshold, javascript
 * from a file, similar through the server's /v1/embeddings, and the config
 * errors (an unknown negation, similar without a model, python without python3).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { run } from '../../testing/cli.ts';
import { FakeLlmServer, lastUserText } from '../../testing/fake-llm.ts';

let server: FakeLlmServer;
beforeAll(async () => {
  server = await new FakeLlmServer('openai', (req) => ({
    text: lastUserText(req) === 'json' ? 'Sure: {"city": "Paris"}' : 'The capital is Paris.',
  })).start();
});
afterAll(async () => {
  await server.close();
});

function workspace() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gstack-assertions-'));
  const env = { PATH: process.env.PATH ?? '', HOME: dir, GSTACK_STATE_DIR: path.join(dir, 'state') };
  writeFileSync(
    path.join(dir, 'models.yaml'),
    stringify({ providers: { box: { type: 'openai', base_url: `${server.url}/v1` } }, embedding: 'box/embed' }),
  );
  const evalRun = (suite: Record<string, unknown>, extraEnv: Record<string, string> = {}) => {
    writeFileSync(path.join(dir, 'suite.yaml'), stringify(suite));
    return run('gstack', ['eval', 'run', 'suite.yaml', '--model', 'box/m', '--json'], { ...env, ...extraEnv }, dir);
  };
  return { dir, evalRun };
}

type Result = { name: string; passed: boolean; score: number; error: string | null; assertions: Array<{ type: string; passed: boolean }> };

describe('assertions through gstack eval run', () => {
  it('negates any type, weighs assertions, and passes a test on its threshold', async () => {
    const w = workspace();
    writeFileSync(path.join(w.dir, 'check.js'), 'const city = context.vars.city;\nreturn output.includes(city) ? 1 : 0;\n');
    const out = await w.evalRun({
      suite: 'asserts',
      tests: [
        {
          name: 'negated',
          prompt: 'capital',
          vars: { city: 'Paris' },
          expect: [{ not_regex: '^\\d+$' }, { not_icontains: 'LYON' }, { starts_with: 'The' }, { javascript: 'file://check.js' }],
        },
        { name: 'negation-fails', prompt: 'capital', expect: [{ not_starts_with: 'The capital' }] },
        // Weighted score: (3 × 1 + 1 × 0) / 4 = 0.75; passes the test's threshold of 0.7 although one assertion failed.
        { name: 'weighted', prompt: 'capital', threshold: 0.7, expect: [{ contains: 'Paris', weight: 3 }, { contains: 'Lyon' }] },
        { name: 'weighted-short', prompt: 'capital', threshold: 0.8, expect: [{ contains: 'Paris', weight: 3 }, { contains: 'Lyon' }] },
        // Weight 0: recorded, not counted.
        { name: 'informational', prompt: 'capital', expect: [{ contains: 'Paris' }, { contains: 'Lyon', weight: 0 }] },
        { name: 'json', prompt: 'json', expect: [{ contains_json: { type: 'object', required: ['city'] } }, { not_is_json: true }] },
        // The fake embeds texts by letter counts: "The capital is Paris." against itself is 1.
        { name: 'similar', prompt: 'capital', expect: [{ similar: { value: 'The capital is Paris.', threshold: 0.99 } }] },
      ],
    });
    expect(out.stderr).toBe('');
    const doc = JSON.parse(out.stdout);
    const byName = Object.fromEntries((doc.all_results as Result[]).map((r) => [r.name, r]));
    expect(byName.negated).toMatchObject({ passed: true, score: 1 });
    expect(byName.negated?.assertions.map((a) => a.type)).toEqual(['not_regex', 'not_icontains', 'starts_with', 'javascript']);
    expect(byName['negation-fails']).toMatchObject({
      passed: false,
      error: 'expected not_starts_with to hold: starts_with passed (starts with: "The capital")',
    });
    expect(byName.weighted).toMatchObject({ passed: true, score: 0.75, error: null });
    expect(byName['weighted-short']).toMatchObject({ passed: false, score: 0.75 });
    expect(byName['weighted-short']?.error).toMatch(/^score 0\.75, below the test's threshold 0\.8; expected the output to contain "Lyon"/);
    expect(byName.informational).toMatchObject({ passed: true, score: 1 });
    expect(byName.json).toMatchObject({ passed: true });
    expect(byName.similar?.error).toBeNull();
    expect(byName.similar).toMatchObject({ passed: true, score: 1 });
    expect(server.embeddingRequests.at(-1)).toEqual({ model: 'embed', input: ['The capital is Paris.', 'The capital is Paris.'] });
    // The embeddings call is a judge-side cost of the run.
    expect(doc.costs.find((c: { model: string }) => c.model === 'box/embed')).toMatchObject({ purpose: 'judge', calls: 1 });
    expect(out.code).toBe(1);
  });

  it.each([
    [
      { not_contian: 'x' },
      /tests\[0\]\.expect\[0\]: unknown assertion "not_contian"; expected one of contains, .* \(or not_<type> for any of them\)/,
    ],
    [{ contains: 'x', weight: -1 }, /tests\[0\]\.expect\[0\]\.weight: a weight is a number ≥ 0/],
    [{ rouge_n: { value: 'x', threshold: 2 } }, /tests\[0\]\.expect\[0\]\.rouge_n/],
  ])('exits 2 on a bad assertion %j', async (assertion, message) => {
    const out = await workspace().evalRun({ suite: 's', tests: [{ name: 't', prompt: 'p', expect: [assertion] }] });
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(message);
  });

  it('exits 2 before any call when similar has no embeddings model, or python3 is missing', async () => {
    const w = workspace();
    writeFileSync(path.join(w.dir, 'models.yaml'), stringify({ providers: { box: { type: 'openai', base_url: `${server.url}/v1` } } }));
    const before = server.requests.length;
    const noModel = await w.evalRun({ suite: 's', tests: [{ name: 't', prompt: 'p', expect: [{ similar: 'x' }] }] });
    expect(noModel.code).toBe(2);
    expect(noModel.stderr).toContain(
      'test "t": expect[0].similar: needs an embeddings model: give it a model, or set embedding: provider/model in',
    );
    const noPython = await w.evalRun(
      { suite: 's', tests: [{ name: 't', prompt: 'p', expect: [{ python: "'x' in output" }] }] },
      { PATH: mkdtempSync(path.join(os.tmpdir(), 'gstack-empty-path-')) },
    );
    expect(noPython.code).toBe(2);
    expect(noPython.stderr).toContain('test "t" has python assertions, which need python3 on PATH; it was not found');
    expect(server.requests.length).toBe(before);
  });
});
