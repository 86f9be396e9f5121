/**
 * The ladder's acceptance rules against real HTTP servers with scripted
 * answers: empty answers, self-certification by tier, what is fed to the next
 * tier, the record of rejected answers, and the llama-swap warm probe.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type EvalFixture, evalFixture } from '../testing/eval-fixture.ts';
import { isVerifierCall, lastUserText } from '../testing/fake-llm.ts';
import { ANSWER_LIMIT, auditPicks } from './index.ts';

let fx: EvalFixture;
afterEach(async () => {
  await fx?.close();
});

const oneTest = (expect: unknown[]) => ({
  suite: 'demo',
  tests: [{ name: 'capital', prompt: 'What is the capital of France?', expect }],
});

describe('what the ladder accepts', () => {
  it('treats an empty or whitespace-only answer as an error and moves on', async () => {
    fx = await evalFixture(
      () => ({ text: '  \n ' }),
      () => ({ text: 'Paris' }),
    );
    fx.writeModels({ verifier: 'none' });
    // No assertions at all: before, the empty answer was accepted and the test passed on tier 1.
    const doc = await fx.run(fx.writeSuite({ suite: 'demo', tests: [{ name: 'capital', prompt: 'Capital of France?' }] }));
    const result = doc.all_results[0];
    expect(result?.attempts.map((a) => [a.tier, a.verdict, a.feedback])).toEqual([
      ['t1', 'error', 'empty answer'],
      ['t2', 'accept', null],
    ]);
    expect(result?.output).toBe('Paris');
    // The empty answer was a real (paid) call: its tokens are still counted.
    expect(doc.costs.find((c) => c.model === 'local/small')?.calls).toBe(1);
  });

  it("lets a chain's last tier self-certify whatever its wire protocol (a claude model behind an OpenAI-compatible proxy)", async () => {
    fx = await evalFixture(
      () => ({ text: 'Paris' }),
      (req) => (isVerifierCall(req) ? { text: '{"accept": false, "feedback": "too short"}' } : { text: 'Lyon' }),
    );
    // Both tiers speak the OpenAI protocol; the second is a LiteLLM-style proxy to Claude.
    fx.writeModels({
      providers: {
        local: { type: 'openai', base_url: `${fx.local.url}/v1`, max_retries: 0 },
        proxy: { type: 'openai', base_url: `${fx.local.url}/v1`, max_retries: 0 },
        cloud: { type: 'anthropic', base_url: fx.cloud.url, api_key_env: 'FAKE_CLOUD_KEY', max_retries: 0 },
      },
      default_chain: ['local/small', 'proxy/claude-sonnet-4-6'],
    });
    const doc = await fx.run(fx.writeSuite(oneTest([{ contains: 'Paris' }])));
    const result = doc.all_results[0];
    expect(result?.attempts.map((a) => [a.model, a.verdict, a.self_certified])).toEqual([
      ['local/small', 'escalate', false],
      ['proxy/claude-sonnet-4-6', 'accept', true],
    ]);
    expect(fx.cloud.requests.filter(isVerifierCall)).toHaveLength(1); // tier 1 only
  });

  it('follows a provider-level self_certify default, and an entry override over it', async () => {
    fx = await evalFixture(
      () => ({ text: 'Lyon' }),
      (req) => (isVerifierCall(req) ? { text: '{"accept": true}' } : { text: 'Paris' }),
    );
    fx.writeModels({
      providers: {
        local: { type: 'openai', base_url: `${fx.local.url}/v1`, max_retries: 0, self_certify: true },
        cloud: { type: 'anthropic', base_url: fx.cloud.url, api_key_env: 'FAKE_CLOUD_KEY', max_retries: 0 },
      },
    });
    const suite = fx.writeSuite(oneTest([{ contains: 'Paris' }]));
    // local self-certifies (provider default): its wrong answer is accepted without checks.
    let doc = await fx.run(suite);
    expect(doc.all_results[0]?.attempts.map((a) => [a.tier, a.verdict, a.self_certified])).toEqual([['t1', 'accept', true]]);
    // The entry's own self_certify: false wins over the provider's default.
    fx.writeModels({
      providers: {
        local: { type: 'openai', base_url: `${fx.local.url}/v1`, max_retries: 0, self_certify: true },
        cloud: { type: 'anthropic', base_url: fx.cloud.url, api_key_env: 'FAKE_CLOUD_KEY', max_retries: 0, self_certify: false },
      },
      default_chain: [{ model: 'local/small', self_certify: false }, 'cloud/claude-sonnet-4-6'],
    });
    doc = await fx.run(suite);
    expect(doc.all_results[0]?.attempts.map((a) => [a.tier, a.verdict, a.self_certified])).toEqual([
      ['t1', 'escalate', false],
      ['t2', 'accept', false],
    ]);
  });

  it('does not feed a verifier error to the next tier, only records it', async () => {
    fx = await evalFixture(
      () => ({ text: 'Paris' }),
      (req) => (isVerifierCall(req) ? { status: 503, error: 'verifier overloaded' } : { text: 'Paris' }),
    );
    fx.writeModels();
    const doc = await fx.run(fx.writeSuite(oneTest([{ contains: 'Paris' }])));
    const attempt = doc.all_results[0]?.attempts[0];
    expect(attempt?.verdict).toBe('escalate');
    expect(attempt?.feedback).toContain('verifier error: cloud/verifier: HTTP 503: verifier overloaded');
    const tier2 = fx.cloud.callsTo('claude-sonnet-4-6');
    expect(lastUserText(tier2[0] as never)).toBe('What is the capital of France?');
  });
});

describe('the record of rejected answers', () => {
  it("keeps a rejected attempt's answer (bounded) and whether the deterministic assertions passed on it", async () => {
    const long = `Paris ${'x'.repeat(ANSWER_LIMIT + 500)}`;
    fx = await evalFixture(
      () => ({ text: long }),
      (req) => (isVerifierCall(req) ? { text: '{"accept": false, "feedback": "rambles"}' } : { text: 'Paris' }),
    );
    fx.writeModels();
    const doc = await fx.run(fx.writeSuite(oneTest([{ contains: 'Paris' }])));
    const [rejected, accepted] = doc.all_results[0]?.attempts ?? [];
    // The verifier rejected an answer the deterministic checks passed: what the verifier-quality view looks for.
    expect(rejected).toMatchObject({ verdict: 'escalate', assertions_passed: true, feedback: 'rambles' });
    expect(rejected?.answer?.startsWith(long.slice(0, ANSWER_LIMIT))).toBe(true);
    expect(rejected?.answer).toContain(`[${long.length - ANSWER_LIMIT} more characters]`);
    expect(rejected?.answer?.length).toBeLessThan(ANSWER_LIMIT + 40);
    expect(accepted).toMatchObject({ verdict: 'accept', answer: null });
  });

  it('records assertions_passed false when the checks rejected it, and null when the test has none', async () => {
    fx = await evalFixture(
      () => ({ text: 'Lyon' }),
      (req) => (isVerifierCall(req) ? { text: '{"accept": false, "feedback": "wrong city"}' } : { text: 'Paris' }),
    );
    fx.writeModels();
    const doc = await fx.run(
      fx.writeSuite({
        suite: 'demo',
        tests: [
          { name: 'checked', prompt: 'Capital of France?', expect: [{ contains: 'Paris' }] },
          { name: 'unchecked', prompt: 'Capital of France, again?' },
        ],
      }),
    );
    const byName = Object.fromEntries(doc.all_results.map((r) => [r.name, r.attempts[0]]));
    expect(byName.checked).toMatchObject({ verdict: 'escalate', assertions_passed: false, answer: 'Lyon' });
    expect(byName.unchecked).toMatchObject({ verdict: 'escalate', assertions_passed: null, answer: 'Lyon', feedback: 'wrong city' });
  });
});

describe('who decided, and the audit sample', () => {
  it('records the self-certification rule and the verifier verdict with its feedback', async () => {
    fx = await evalFixture(
      () => ({ text: 'Paris, probably' }),
      (req) => (isVerifierCall(req) ? { text: '{"accept": false, "feedback": "hedged"}' } : { text: 'Paris' }),
    );
    fx.writeModels();
    const suite = fx.writeSuite(oneTest([{ contains: 'Paris' }]));
    let doc = await fx.run(suite);
    const [t1, t2] = doc.all_results[0]?.attempts ?? [];
    expect(t1).toMatchObject({
      verdict: 'escalate',
      self_certify_rule: null,
      verifier: { accept: false, audit: false, error: false, feedback: 'hedged' },
    });
    expect(t2).toMatchObject({ verdict: 'accept', self_certified: true, self_certify_rule: 'last_tier', verifier: null });
    doc = await fx.run(suite, { override: { model: 'local/small' } });
    expect(doc.all_results[0]?.attempts[0]).toMatchObject({ verdict: 'accept', self_certified: false, self_certify_rule: 'only_model' });
  });

  it('asks the verifier about answers that failed the assertions only at the audit rate, without changing the ladder', async () => {
    fx = await evalFixture(
      () => ({ text: 'Lyon' }),
      (req) => (isVerifierCall(req) ? { text: '{"accept": true}' } : { text: 'Paris' }),
    );
    const suite = fx.writeSuite(oneTest([{ contains: 'Paris' }]));
    // Off by default: the failed answer never reaches the verifier.
    fx.writeModels();
    let doc = await fx.run(suite);
    expect(doc.all_results[0]?.attempts[0]).toMatchObject({ verdict: 'escalate', assertions_passed: false, verifier: null });
    expect(fx.cloud.requests.filter(isVerifierCall)).toHaveLength(0);
    // Rate 1 for this suite: audited; the verifier (wrongly) accepts, the ladder still escalates.
    fx.writeModels({ suites: { demo: { verifier_audit_rate: 1 } } });
    doc = await fx.run(suite, { cacheReads: false });
    const [t1, t2] = doc.all_results[0]?.attempts ?? [];
    expect(t1).toMatchObject({ verdict: 'escalate', assertions_passed: false, feedback: 'expected the output to contain "Paris"' });
    expect(t1?.verifier).toMatchObject({ model: 'cloud/verifier', accept: true, audit: true });
    expect(t2).toMatchObject({ verdict: 'accept', model: 'cloud/claude-sonnet-4-6' });
    expect(fx.cloud.requests.filter(isVerifierCall)).toHaveLength(1);
    // The audit call is judge cost.
    expect(doc.all_results[0]?.judge_cost_usd).toBeGreaterThan(0);
  });

  it('picks a stable share of answers for the audit', () => {
    const keys = Array.from({ length: 2000 }, (_, i) => `suite\u0000test-${i}\u00001\u0000t1\u0000run`);
    const picked = keys.filter((k) => auditPicks(k, 0.25)).length;
    expect(picked).toBeGreaterThan(430);
    expect(picked).toBeLessThan(570);
    expect(keys.filter((k) => auditPicks(k, 0.25)).length).toBe(picked);
    expect(keys.some((k) => auditPicks(k, 0))).toBe(false);
    expect(keys.every((k) => auditPicks(k, 1))).toBe(true);
  });
});

describe('the warm probe', () => {
  it("reads llama-swap's GET /v1/models: only a model in state ready is warm", async () => {
    fx = await evalFixture(
      () => ({ text: 'Paris' }),
      () => ({ text: '{"accept": true}' }),
    );
    fx.local.probe = 'llama-swap-models';
    fx.writeModels({ warm_probe: { local: fx.local.url } });
    const suite = fx.writeSuite(oneTest([{ contains: 'Paris' }]));
    fx.local.loaded = ['small'];
    expect((await fx.run(suite)).all_results[0]?.attempts[0]?.warm).toBe(true);
    fx.local.loaded = ['other'];
    expect((await fx.run(suite)).all_results[0]?.attempts[0]?.warm).toBe(false);
    // A probe URL that already ends in /v1 works too.
    fx.local.loaded = ['small'];
    fx.writeModels({ warm_probe: { local: `${fx.local.url}/v1` } });
    expect((await fx.run(suite)).all_results[0]?.attempts[0]?.warm).toBe(true);
  });
});
