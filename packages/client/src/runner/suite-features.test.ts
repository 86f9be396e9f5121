/**
 * Suite features promptfoo users look for first, end to end against the fake
 * servers: `vars` with `{{name}}` substitution (and var-set expansion), model
 * options passed through to both protocols, and `defaults.expect`.
 */
import { describeProblems, suiteSchema } from '@gstack/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type EvalFixture, evalFixture } from '../testing/eval-fixture.ts';
import { isJudgeCall, lastUserText } from '../testing/fake-llm.ts';

let fx: EvalFixture;
afterEach(async () => {
  await fx?.close();
});

describe('vars', () => {
  it('fills {{name}} in prompt, system, messages, judge rubrics and expected text, once per var set', async () => {
    fx = await evalFixture(
      (req) => ({ text: lastUserText(req).includes('France') ? 'Paris' : 'Tokyo' }),
      (req) => (isJudgeCall(req) ? { text: '{"pass": true, "score": 1}' } : { text: 'unused' }),
    );
    fx.writeModels({ default_chain: ['local/small'], verifier: undefined });
    const doc = await fx.run(
      fx.writeSuite({
        suite: 'capitals',
        defaults: { vars: { style: 'one word' } },
        tests: [
          {
            name: 'capital',
            system: 'Answer in {{style}}.',
            prompt: 'What is the capital of {{country}}?',
            vars: [
              { country: 'France', city: 'Paris' },
              { country: 'Japan', city: 'Tokyo' },
            ],
            expect: [{ contains: '{{ city }}' }, { judge: 'Names {{city}} as the capital of {{country}}.' }],
          },
          { name: 'chat', messages: [{ role: 'user', content: 'And {{country}}?' }], vars: { country: 'France' } },
        ],
      }),
    );
    expect(doc.all_results.map((r) => [r.name, r.passed, r.output])).toEqual([
      ['capital[1]', true, 'Paris'],
      ['capital[2]', true, 'Tokyo'],
      ['chat', true, 'Paris'],
    ]);
    const prompts = fx.local.requests.map((r) => r.body.messages.map((m) => m.content).join(' | ')).sort();
    expect(prompts).toEqual([
      'And France?',
      'Answer in one word. | What is the capital of France?',
      'Answer in one word. | What is the capital of Japan?',
    ]);
    const rubrics = fx.cloud.requests.filter(isJudgeCall).map((r) => lastUserText(r).split('\n')[1]);
    expect(rubrics.sort()).toEqual(['Names Paris as the capital of France.', 'Names Tokyo as the capital of Japan.']);
    // The result records the question as asked and what was expected (format version 2).
    expect(doc.schema_version).toBe(2);
    expect(doc.all_results[1]?.input).toEqual({
      messages: [
        { role: 'system', content: 'Answer in one word.' },
        { role: 'user', content: 'What is the capital of Japan?' },
      ],
      vars: { style: 'one word', country: 'Japan', city: 'Tokyo' },
      truncated: false,
    });
    expect(doc.all_results[1]?.expected).toBe('- contains: "Tokyo"\n- Names Tokyo as the capital of Japan.');
    expect(doc.all_results[2]?.input).toMatchObject({ messages: [{ role: 'user', content: 'And France?' }], vars: { country: 'France' } });
    expect(doc.all_results[2]?.expected).toBeNull();
  });

  it('records the input redacted and bounded', async () => {
    fx = await evalFixture(
      () => ({ text: 'ok' }),
      () => ({ text: 'unused' }),
    );
    fx.writeModels({ default_chain: ['local/small'], verifier: undefined });
    // Assembled from parts, as redact.test.ts does, so no secret scanner takes the fixture for a key.
    const key = ['sk', 'ant', 'api03', 'k'.repeat(90)].join('-');
    const doc = await fx.run(
      fx.writeSuite({ suite: 'secrets', tests: [{ name: 'leaky', prompt: `Use {{key}} and ${'long '.repeat(1000)}`, vars: { key } }] }),
    );
    const input = doc.all_results[0]?.input;
    expect(JSON.stringify(input)).not.toContain(key);
    expect(input?.truncated).toBe(true);
    expect(input?.messages[0]?.content).toMatch(/… \[\d+ more characters\]$/);
    // The model got the real prompt: only the record is redacted.
    expect(lastUserText(fx.local.requests[0] as never)).toContain(key);
  });

  it('names the field of a placeholder that has no value', () => {
    const parsed = suiteSchema.safeParse({ suite: 's', tests: [{ name: 't', prompt: 'Capital of {{country}}?', vars: { city: 'x' } }] });
    expect(parsed.success).toBe(false);
    if (!parsed.success)
      expect(describeProblems('suite.yaml', parsed.error)).toContain(
        'suite.yaml: tests[0].prompt: {{country}} has no value in test "t"; add it to vars (or defaults.vars)',
      );
  });
});

describe('model options', () => {
  it('passes temperature, max_tokens, top_p, stop and seed through, test options over defaults over the provider', async () => {
    fx = await evalFixture(
      () => ({ text: 'Lyon' }),
      () => ({ text: 'Paris' }),
    );
    fx.writeModels({
      providers: {
        local: { type: 'openai', base_url: `${fx.local.url}/v1`, max_retries: 0, options: { temperature: 0.9, seed: 7 } },
        cloud: { type: 'anthropic', base_url: fx.cloud.url, api_key_env: 'FAKE_CLOUD_KEY', max_retries: 0, options: { top_p: 0.5 } },
      },
      verifier: 'none',
    });
    await fx.run(
      fx.writeSuite({
        suite: 'opts',
        defaults: { options: { max_tokens: 300, temperature: 0.2 } },
        tests: [{ name: 't', prompt: 'Capital?', options: { stop: ['END'], top_p: 0.8 }, expect: [{ contains: 'Paris' }] }],
      }),
    );
    const [openai] = fx.local.requests;
    expect(openai?.body).toMatchObject({ temperature: 0.2, max_tokens: 300, top_p: 0.8, stop: ['END'], seed: 7 });
    const [anthropic] = fx.cloud.requests;
    expect(anthropic?.body).toMatchObject({ temperature: 0.2, max_tokens: 300, top_p: 0.8, stop_sequences: ['END'] });
    // The Messages API has no seed and no `stop`.
    expect(anthropic?.body).not.toHaveProperty('seed');
    expect(anthropic?.body).not.toHaveProperty('stop');
  });
});

describe('defaults.expect', () => {
  it('applies its assertions to every test, before the test’s own', async () => {
    fx = await evalFixture(
      (req) => ({ text: lastUserText(req).includes('bad') ? 'Paris, as an AI model' : 'Paris' }),
      () => ({ text: 'unused' }),
    );
    fx.writeModels({ default_chain: ['local/small'], verifier: undefined });
    const doc = await fx.run(
      fx.writeSuite({
        suite: 'd',
        defaults: { expect: [{ not_contains: 'as an AI' }] },
        tests: [
          { name: 'good', prompt: 'good: capital?', expect: [{ contains: 'Paris' }] },
          { name: 'bad', prompt: 'bad: capital?' },
        ],
      }),
    );
    const byName = Object.fromEntries(doc.all_results.map((r) => [r.name, r]));
    expect(byName.good?.assertions.map((a) => [a.type, a.passed])).toEqual([
      ['not_contains', true],
      ['contains', true],
    ]);
    expect(byName.bad?.passed).toBe(false);
    expect(byName.bad?.assertions).toEqual([{ type: 'not_contains', passed: false, message: expect.stringContaining('as an AI') }]);
  });
});
