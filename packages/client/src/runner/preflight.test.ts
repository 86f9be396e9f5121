/**
 * Configuration errors are found before any model call: each is a UserError
 * (exit code 2) naming the file and the field, and the fake model servers
 * receive nothing.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkSuiteEntries, loadModelsConfig, loadSuite } from '../config/load.ts';
import { UserError } from '../errors.ts';
import { type EvalFixture, evalFixture } from '../testing/eval-fixture.ts';

let fx: EvalFixture;
afterEach(async () => {
  await fx?.close();
});

async function fixture() {
  fx = await evalFixture(
    () => ({ text: 'Paris' }),
    () => ({ text: 'Paris' }),
  );
  return fx;
}

/** Runs the suite expecting a config error; returns its message after checking no model was called. */
async function configError(suiteFile: string, options: Parameters<EvalFixture['run']>[1] = {}): Promise<string> {
  const error = await fx.run(suiteFile, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  expect((error as UserError).exitCode).toBe(2);
  expect(fx.local.requests.length + fx.cloud.requests.length).toBe(0);
  return (error as UserError).message;
}

const oneTest = (expect: unknown[]) => ({ suite: 'demo', tests: [{ name: 'capital', prompt: 'Capital of France?', expect }] });

describe('config errors before any paid call', () => {
  it('refuses an invalid json_schema at load, naming the field', async () => {
    await fixture();
    fx.writeModels();
    const file = fx.writeSuite(oneTest([{ contains: 'Paris' }, { json_schema: { type: 'objekt' } }]));
    const error = await loadSuite(file).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(UserError);
    expect(error?.message).toMatch(/suite\.yaml: tests\[0\]\.expect\[1\]\.json_schema: not a valid JSON Schema \(.*type/);
  });

  it("names a judge model's unknown provider with the test and the field", async () => {
    await fixture();
    fx.writeModels();
    const message = await configError(fx.writeSuite(oneTest([{ judge: { rubric: 'Says Paris.', model: 'nowhere/judge' } }])));
    expect(message).toContain('suite.yaml: test "capital": expect[0].judge.model: model nowhere/judge: no provider named "nowhere"');
  });

  it('names the chain entry whose provider is unknown, and the one whose API key is not set', async () => {
    await fixture();
    const models = fx.writeModels({ default_chain: ['local/small', 'nowhere/big', 'cloud/claude-sonnet-4-6'] });
    const message = await configError(fx.writeSuite(oneTest([{ contains: 'Paris' }])), { env: {} });
    expect(message).toContain(`${models}: default_chain[1]: model nowhere/big: no provider named "nowhere"`);
    expect(message).toContain(
      `${models}: default_chain[2]: cloud/claude-sonnet-4-6 needs an API key in the environment variable FAKE_CLOUD_KEY, which is not set`,
    );
    expect(message).toContain(`${models}: verifier: cloud/verifier needs an API key`);
  });

  it('refuses a multi-tier chain with no verifier when a test has no deterministic assertion, unless verifier: none', async () => {
    await fixture();
    const models = fx.writeModels({ verifier: undefined });
    const suite = fx.writeSuite(oneTest([{ judge: 'Names Paris.' }]));
    const message = await configError(suite);
    expect(message).toContain(`${models}: default_chain: a chain of 2 models but no verifier, and test(s) "capital" have no`);
    expect(message).toContain('local/small would be accepted unchecked');
    // Deterministic assertions can verify the tiers: no error.
    const checked = fx.writeSuite(oneTest([{ contains: 'Paris' }]), 'checked.yaml');
    expect((await fx.run(checked)).all_results[0]?.passed).toBe(true);
    // verifier: none says it is meant.
    fx.writeModels({ verifier: 'none' });
    expect((await fx.run(suite)).all_results[0]?.resolved_tier).toBe('t1');
  });

  it('refuses a models.yaml suites: entry that names no suite', async () => {
    await fixture();
    const models = fx.writeModels({ suites: { capitals: { judge: 'cloud/judge' }, demo: { judge: 'cloud/judge' } } });
    const loaded = await loadSuite(fx.writeSuite(oneTest([{ contains: 'Paris' }])));
    const config = loadModelsConfig(models, fx.dir);
    expect(() => checkSuiteEntries(config, [loaded])).toThrow(`${models}: suites.capitals: names no suite (known here: demo)`);
    // A suite file next to models.yaml counts, even when it is not being run.
    fx.writeSuite({ suite: 'capitals', tests: [{ name: 'x', prompt: 'y' }] }, path.join('capitals.yaml'));
    expect(() => checkSuiteEntries(config, [loaded])).not.toThrow();
  });
});
