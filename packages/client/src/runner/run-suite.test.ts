/**
 * The ladder, judging, caching and costs end to end against real HTTP servers
 * speaking the OpenAI and Anthropic protocols with scripted answers.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type EvalFixture, evalFixture } from '../testing/eval-fixture.ts';
import { isJudgeCall, isVerifierCall, lastUserText } from '../testing/fake-llm.ts';

let fx: EvalFixture;
afterEach(async () => {
  await fx?.close();
});

const oneTest = (expect: unknown[], extra: Record<string, unknown> = {}) => ({
  suite: 'demo',
  tests: [{ name: 'capital', prompt: 'What is the capital of France?', expect }],
  ...extra,
});

describe('the escalation ladder', () => {
  it("escalates when tier 1 fails the checks, with its feedback in tier 2's prompt", async () => {
    fx = await evalFixture(
      () => ({ text: 'Lyon' }),
      (req) => (isVerifierCall(req) ? { text: '{"accept": true}' } : { text: 'Paris' }),
    );
    fx.writeModels();
    const doc = await fx.run(fx.writeSuite(oneTest([{ contains: 'Paris' }])));
    const [result] = doc.all_results;
    expect(result?.passed).toBe(true);
    expect(result?.resolved_tier).toBe('t2');
    expect(result?.resolved_model).toBe('cloud/claude-sonnet-4-6');
    expect(result?.attempts.map((a) => [a.tier, a.verdict])).toEqual([
      ['t1', 'escalate'],
      ['t2', 'accept'],
    ]);
    expect(result?.attempts[0]?.feedback).toBe('expected the output to contain "Paris"');
    const tier2 = fx.cloud.callsTo('claude-sonnet-4-6');
    expect(tier2).toHaveLength(1);
    expect(lastUserText(tier2[0] as never)).toContain('Prior attempt feedback:\n- local/small: expected the output to contain "Paris"');
    // Deterministic checks rejected tier 1 for free: no verifier call at all.
    expect(fx.cloud.requests.filter(isVerifierCall)).toHaveLength(0);
  });

  it("passes the LLM verifier's feedback on when it rejects a cheap answer", async () => {
    fx = await evalFixture(
      () => ({ text: 'Paris' }),
      (req) =>
        isVerifierCall(req)
          ? { text: '```json\n{"accept": false, "feedback": "explain why it is the capital"}\n```' }
          : { text: 'Paris, seat of government since 987.' },
    );
    fx.writeModels();
    const doc = await fx.run(fx.writeSuite(oneTest([{ contains: 'Paris' }])));
    const result = doc.all_results[0];
    expect(result?.attempts[0]).toMatchObject({
      verdict: 'escalate',
      feedback: 'explain why it is the capital',
      verifier: { model: 'cloud/verifier', accept: false, cached: false },
    });
    expect(lastUserText(fx.cloud.callsTo('claude-sonnet-4-6')[0] as never)).toContain('explain why it is the capital');
    expect(result?.passed).toBe(true);
    expect(doc.costs.find((c) => c.model === 'cloud/verifier')).toMatchObject({ purpose: 'judge', calls: 1 });
  });

  it('escalates past a tier that errors, recording the error on the attempt only', async () => {
    fx = await evalFixture(
      () => ({ status: 500, error: 'model crashed' }),
      () => ({ text: 'Paris' }),
    );
    fx.writeModels();
    const doc = await fx.run(fx.writeSuite(oneTest([{ contains: 'Paris' }])));
    const result = doc.all_results[0];
    expect(result?.attempts[0]).toMatchObject({ verdict: 'error', cost_usd: 0 });
    expect(result?.attempts[0]?.feedback).toContain('HTTP 500: model crashed');
    // A transport error is not something the next model can address: its prompt is the task alone.
    expect(lastUserText(fx.cloud.requests[0] as never)).toBe('What is the capital of France?');
    expect(result?.passed).toBe(true);
  });

  it("fails with the best attempt and every tier's reason when all tiers are rejected", async () => {
    fx = await evalFixture(
      () => ({ text: 'Lyon' }),
      () => ({ text: 'Marseille' }),
    );
    fx.writeModels({ default_chain: ['local/small', { model: 'cloud/claude-sonnet-4-6', self_certify: false }] });
    const doc = await fx.run(fx.writeSuite(oneTest([{ contains: 'Paris' }])));
    const result = doc.all_results[0];
    expect(result?.passed).toBe(false);
    expect(result?.resolved_tier).toBeNull();
    expect(result?.output).toBe('Marseille');
    expect(result?.attempts.map((a) => a.verdict)).toEqual(['escalate', 'escalate']);
    expect(result?.error).toContain(
      'every tier was rejected: t1 local/small: expected the output to contain "Paris"; t2 cloud/claude-sonnet-4-6: expected',
    );
    expect(doc.totals).toMatchObject({ tests: 1, passed: 0, failed: 1 });
  });

  it('lets a self-certifying top tier through without the verifier', async () => {
    fx = await evalFixture(
      () => ({ text: 'Paris' }),
      (req) => (isVerifierCall(req) ? { text: '{"accept": false, "feedback": "no"}' } : { text: 'Paris' }),
    );
    fx.writeModels();
    const doc = await fx.run(fx.writeSuite(oneTest([{ contains: 'Paris' }])));
    const result = doc.all_results[0];
    expect(fx.cloud.requests.filter(isVerifierCall)).toHaveLength(1); // tier 1 only
    expect(result?.attempts[1]).toMatchObject({ tier: 't2', verdict: 'accept', self_certified: true, verifier: null });
  });

  it('runs one model with no escalation and no verifier under a --model override', async () => {
    fx = await evalFixture(
      () => ({ text: 'Lyon' }),
      () => ({ text: 'should not be called' }),
    );
    fx.writeModels();
    const doc = await fx.run(fx.writeSuite(oneTest([{ contains: 'Paris' }])), { override: { model: 'local/small' } });
    expect(fx.local.requests).toHaveLength(1);
    expect(fx.cloud.requests).toHaveLength(0);
    expect(doc.tier).toBe('model');
    expect(doc.all_results[0]?.attempts).toHaveLength(1);
    expect(doc.all_results[0]?.passed).toBe(false);
  });

  it('honours Retry-After on a 429, then succeeds', async () => {
    fx = await evalFixture(
      (_req, i) => (i === 0 ? { status: 429, error: 'slow down', headers: { 'retry-after': '1' } } : { text: 'Paris' }),
      () => ({ text: '{"accept": true}' }),
    );
    fx.writeModels({
      providers: {
        local: { type: 'openai', base_url: `${fx.local.url}/v1`, max_retries: 2 },
        cloud: { type: 'anthropic', base_url: fx.cloud.url, api_key_env: 'FAKE_CLOUD_KEY' },
      },
    });
    const doc = await fx.run(fx.writeSuite(oneTest([{ contains: 'Paris' }])));
    expect(fx.local.requests).toHaveLength(2);
    const [first, second] = fx.local.requests;
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(1000);
    expect(doc.all_results[0]?.attempts[0]?.verdict).toBe('accept');
  });

  it('gives up on a call that exceeds its timeout and escalates', async () => {
    fx = await evalFixture(
      () => ({ text: 'Paris', delayMs: 3000 }),
      () => ({ text: 'Paris' }),
    );
    fx.writeModels();
    const doc = await fx.run(fx.writeSuite(oneTest([{ contains: 'Paris' }], { defaults: { timeout_ms: 300 } })));
    const attempt = doc.all_results[0]?.attempts[0];
    expect(attempt?.verdict).toBe('error');
    expect(attempt?.feedback).toContain('timed out after 300 ms');
    expect(doc.all_results[0]?.resolved_tier).toBe('t2');
  });

  it('records warm and cold local tiers from the warm probe', async () => {
    fx = await evalFixture(
      () => ({ text: 'Paris' }),
      () => ({ text: '{"accept": true}' }),
    );
    fx.writeModels({ warm_probe: { local: fx.local.url } });
    const suite = fx.writeSuite(oneTest([{ contains: 'Paris' }]));
    fx.local.loaded = ['small:latest'];
    expect((await fx.run(suite)).all_results[0]?.attempts[0]?.warm).toBe(true);
    fx.local.loaded = ['another-model'];
    expect((await fx.run(suite)).all_results[0]?.attempts[0]?.warm).toBe(false);
    fx.writeModels({ warm_probe: { local: 'http://127.0.0.1:9' } });
    expect((await fx.run(suite)).all_results[0]?.attempts[0]?.warm).toBe(false);
    fx.writeModels();
    expect((await fx.run(suite)).all_results[0]?.attempts[0]?.warm).toBeNull();
  });
});

describe('the judge cache', () => {
  const judged = () => oneTest([{ contains: 'Paris' }, { judge: 'Names Paris as the capital.' }]);

  async function judgedFixture() {
    fx = await evalFixture(
      () => ({ text: 'Paris' }),
      (req) =>
        isVerifierCall(req)
          ? { text: '{"accept": true, "feedback": ""}' }
          : isJudgeCall(req)
            ? { text: '{"pass": true, "score": 1, "reason": "ok"}' }
            : { text: 'Paris' },
    );
    fx.writeModels();
    return fx.writeSuite(judged());
  }

  it('makes zero judge and verifier calls on an unchanged re-run, at $0', async () => {
    const suite = await judgedFixture();
    const first = await fx.run(suite);
    expect(first.all_results[0]?.judge[0]).toMatchObject({ pass: true, cached: false });
    const callsAfterFirst = fx.cloud.requests.length;
    expect(callsAfterFirst).toBe(2); // one verifier, one judge

    const second = await fx.run(suite);
    expect(fx.cloud.requests.length).toBe(callsAfterFirst);
    expect(second.all_results[0]?.judge[0]).toMatchObject({ pass: true, cached: true, cost_usd: 0 });
    expect(second.all_results[0]?.attempts[0]?.verifier).toMatchObject({ cached: true, cost_usd: 0 });
    expect(second.judge_cost_usd).toBe(0);
    expect(second.cache).toEqual({ hits: 2, misses: 0 });
    // What the cache saved: each verdict's cost when it was first paid.
    const paidJudge = first.all_results[0]?.judge[0]?.cost_usd ?? 0;
    const paidVerifier = first.all_results[0]?.attempts[0]?.verifier?.cost_usd ?? 0;
    expect(paidJudge).toBeGreaterThan(0);
    expect(second.all_results[0]?.judge[0]?.saved_usd).toBe(paidJudge);
    expect(second.all_results[0]?.attempts[0]?.verifier?.saved_usd).toBe(paidVerifier);
    expect(first.all_results[0]?.judge[0]?.saved_usd).toBeNull();
  });

  it('skips reads but still writes with EVAL_CACHE=0 (cacheReads false)', async () => {
    const suite = await judgedFixture();
    await fx.run(suite);
    const entries = readdirSync(path.join(fx.stateDir, 'eval-cache', 'demo'));
    await fx.run(suite, { cacheReads: false });
    expect(fx.cloud.requests.length).toBe(4);
    expect(readdirSync(path.join(fx.stateDir, 'eval-cache', 'demo')).sort()).toEqual(entries.sort());
  });

  it('treats a corrupt entry as a miss and repairs it', async () => {
    const suite = await judgedFixture();
    await fx.run(suite);
    const dir = path.join(fx.stateDir, 'eval-cache', 'demo');
    for (const file of readdirSync(dir)) writeFileSync(path.join(dir, file), '{"version": 1, "key": trunc');
    const again = await fx.run(suite);
    expect(again.cache).toEqual({ hits: 0, misses: 2 });
    expect(again.all_results[0]?.passed).toBe(true);
    const third = await fx.run(suite);
    expect(third.cache).toEqual({ hits: 2, misses: 0 });
  });
});

describe('costs', () => {
  it('charges each test only its own judge calls when tests run concurrently', async () => {
    // slow's answer takes a while; fast is judged completely while slow is still running.
    fx = await evalFixture(
      (req) => (lastUserText(req).includes('slow') ? { text: 'Paris', delayMs: 400 } : { text: 'Paris' }),
      (req) => {
        if (isVerifierCall(req)) return { text: '{"accept": true}', usage: { input: 0, output: 0 } };
        // Judge calls: fast's verdict costs 1000 input tokens, slow's 10.
        return { text: '{"pass": true, "score": 1}', usage: { input: lastUserText(req).includes('fast') ? 1000 : 10, output: 0 } };
      },
    );
    fx.writeModels({ judge: 'cloud/claude-haiku-4-5', verifier: 'none' });
    const suite = fx.writeSuite({
      suite: 'concurrent',
      defaults: { concurrency: 2 },
      tests: [
        { name: 'slow', prompt: 'slow: capital of France?', expect: [{ judge: 'Names Paris.' }] },
        { name: 'fast', prompt: 'fast: capital of France?', expect: [{ judge: 'Names Paris.' }] },
      ],
    });
    const doc = await fx.run(suite);
    const byName = Object.fromEntries(doc.all_results.map((r) => [r.name, r]));
    // claude-haiku-4-5 input: $1 per million tokens.
    expect(byName.fast?.judge_cost_usd).toBeCloseTo(1000 / 1e6, 12);
    expect(byName.slow?.judge_cost_usd).toBeCloseTo(10 / 1e6, 12);
    expect(doc.judge_cost_usd).toBeCloseTo(1010 / 1e6, 12);
  });

  it('prefers an API-reported cost, prices the rest from the table, and flags unknown models', async () => {
    fx = await evalFixture(
      () => ({ text: 'Paris', cost: 0.0042 }),
      () => ({ text: 'Paris', usage: { input: 1000, output: 100, cacheRead: 2000, cacheWrite: 400 } }),
    );
    fx.writeModels({ default_chain: ['local/small', 'cloud/claude-sonnet-4-6'], verifier: 'cloud/mystery-model' });
    fx.cloud.script = (req) =>
      isVerifierCall(req)
        ? { text: '{"accept": false, "feedback": "again"}', usage: { input: 100, output: 10 } }
        : { text: 'Paris', usage: { input: 1000, output: 100, cacheRead: 2000, cacheWrite: 400 } };
    const doc = await fx.run(fx.writeSuite(oneTest([{ contains: 'Paris' }])));
    const byModel = Object.fromEntries(doc.costs.map((c) => [c.model, c]));
    expect(byModel['local/small']).toMatchObject({ cost_usd: 0.0042, exact: true, unknown_model: false });
    // claude-sonnet-4-6: $3 in, $15 out, $0.30 cache read, $3.75 cache write per million tokens.
    const sonnet = (1000 * 3 + 100 * 15 + 2000 * 0.3 + 400 * 3.75) / 1e6;
    expect(byModel['cloud/claude-sonnet-4-6']).toMatchObject({
      cost_usd: sonnet,
      exact: false,
      cache_read_tokens: 2000,
      cache_write_tokens: 400,
    });
    // Unknown: priced at the fallback ($3/$15) and flagged.
    expect(byModel['cloud/mystery-model']).toMatchObject({
      purpose: 'judge',
      cost_usd: (100 * 3 + 10 * 15) / 1e6,
      exact: false,
      unknown_model: true,
    });
    expect(doc.cost_exact).toBe(false);
    expect(doc.judge_cost_usd).toBe((100 * 3 + 10 * 15) / 1e6);
  });

  it('prices Anthropic 1-hour cache writes at their own rate (2× input), not the 5-minute one', async () => {
    fx = await evalFixture(
      () => ({ text: 'Paris' }),
      () => ({ text: 'Paris', usage: { input: 0, output: 0, cacheWrite: 1000, cacheWrite1h: 600 } }),
    );
    fx.writeModels({ default_chain: ['cloud/claude-sonnet-4-6'], verifier: undefined });
    const doc = await fx.run(fx.writeSuite(oneTest([{ contains: 'Paris' }])));
    const sonnet = doc.costs.find((c) => c.model === 'cloud/claude-sonnet-4-6');
    // claude-sonnet-4-6: 5-minute writes $3.75, 1-hour writes $6 (2 × $3 input) per million tokens.
    expect(sonnet).toMatchObject({ cache_write_tokens: 1000, cache_write_1h_tokens: 600 });
    expect(sonnet?.cost_usd).toBeCloseTo((400 * 3.75 + 600 * 6) / 1e6, 12);
    expect(doc.all_results[0]?.attempts[0]).toMatchObject({ cache_write_tokens: 1000, cache_write_1h_tokens: 600 });
  });

  it('prices a paid model behind a local proxy from the table (estimated), and only declared-local providers at $0', async () => {
    fx = await evalFixture(
      () => ({ text: 'Paris', usage: { input: 1000, output: 100 } }),
      () => ({ text: 'unused' }),
    );
    fx.writeModels({
      providers: {
        // A LiteLLM proxy on 127.0.0.1 to Anthropic, and a real local model server.
        litellm: { type: 'openai', base_url: `${fx.local.url}/v1`, max_retries: 0 },
        box: { type: 'openai', base_url: `${fx.local.url}/v1`, max_retries: 0, local: true },
      },
      default_chain: ['litellm/claude-sonnet-4-6'],
      verifier: undefined,
      judge: undefined,
    });
    const suite = fx.writeSuite(oneTest([{ contains: 'Paris' }]));
    const proxied = await fx.run(suite);
    expect(proxied.costs[0]).toMatchObject({ model: 'litellm/claude-sonnet-4-6', cost_usd: (1000 * 3 + 100 * 15) / 1e6, exact: false });
    expect(proxied.cost_exact).toBe(false);
    // An unknown model behind a local URL is a local model: $0, exact.
    const unknown = await fx.run(suite, { override: { model: 'litellm/qwen3-coder' } });
    expect(unknown.costs[0]).toMatchObject({ cost_usd: 0, exact: true, unknown_model: false });
    // A provider declared local is $0 whatever the model is called.
    const declared = await fx.run(suite, { override: { model: 'box/claude-sonnet-4-6' } });
    expect(declared.costs[0]).toMatchObject({ cost_usd: 0, exact: true });
  });
});

describe('the judge cache counts', () => {
  it('counts an entry with an unusable verdict as a miss when a paid call is made', async () => {
    fx = await evalFixture(
      () => ({ text: 'Paris' }),
      (req) => (isJudgeCall(req) ? { text: '{"pass": true, "score": 1, "reason": "ok"}' } : { text: 'Paris' }),
    );
    fx.writeModels({ default_chain: ['local/small'], verifier: undefined });
    const suite = fx.writeSuite(oneTest([{ judge: 'Names Paris.' }]));
    await fx.run(suite);
    // Keep the entry valid as a cache entry, but make its verdict unusable for a judge.
    const dir = path.join(fx.stateDir, 'eval-cache', 'demo');
    for (const file of readdirSync(dir)) {
      const entry = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
      writeFileSync(path.join(dir, file), JSON.stringify({ ...entry, verdict: { verdict: 'yes' } }));
    }
    const again = await fx.run(suite);
    expect(fx.cloud.requests.filter(isJudgeCall)).toHaveLength(2);
    expect(again.cache).toEqual({ hits: 0, misses: 1 });
    expect(again.all_results[0]?.judge[0]).toMatchObject({ pass: true, cached: false });
  });
});

describe('when no model answers', () => {
  it('says "no model answered" and marks the run errored (server down)', async () => {
    fx = await evalFixture(
      () => ({ text: 'unused' }),
      () => ({ text: 'unused' }),
    );
    fx.writeModels({
      providers: {
        local: { type: 'openai', base_url: 'http://127.0.0.1:9/v1', max_retries: 0 },
        cloud: { type: 'anthropic', base_url: 'http://127.0.0.1:9', api_key_env: 'FAKE_CLOUD_KEY', max_retries: 0 },
      },
    });
    const doc = await fx.run(fx.writeSuite(oneTest([{ contains: 'Paris' }])));
    const result = doc.all_results[0];
    expect(result?.output).toBeNull();
    expect(result?.error).toMatch(/^no model answered: t1 local\/small: error: local\/small: network error: .+; t2 cloud/);
    expect(doc).toMatchObject({ errored: true, totals: { tests: 1, failed: 1, errors: 1 } });
    // A run where models answered is not errored.
    fx.writeModels();
    expect((await fx.run(fx.writeSuite(oneTest([{ contains: 'Paris' }])))).errored).toBe(false);
  });

  it('counts a model that replied with nothing as a failed test, not an errored run', async () => {
    fx = await evalFixture(
      () => ({ text: ' ' }),
      () => ({ text: 'unused' }),
    );
    fx.writeModels();
    const doc = await fx.run(fx.writeSuite(oneTest([{ contains: 'Paris' }])), { override: { model: 'local/small' } });
    expect(doc.all_results[0]).toMatchObject({
      passed: false,
      output: '',
      error: 'every tier failed: t1 local/small: error: empty answer',
    });
    expect(doc).toMatchObject({ errored: false, totals: { failed: 1, errors: 0 } });
  });
});
