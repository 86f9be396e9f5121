/**
 * A throwaway eval workspace for tests: fake OpenAI-compatible ("local") and
 * Anthropic ("cloud") servers, a models.yaml pointing at them, suite files,
 * and a state dir; plus `run()` to call the real runner against them.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StandardEvalResult } from '@gstack/core';
import { stringify } from 'yaml';
import { loadModelsConfig, loadSuite } from '../config/load.ts';
import { JudgeCache } from '../judge/cache.ts';
import { type RunOptions, runSuite } from '../runner/run-suite.ts';
import { FakeLlmServer, type Script } from './fake-llm.ts';

export interface EvalFixture {
  dir: string;
  stateDir: string;
  local: FakeLlmServer;
  cloud: FakeLlmServer;
  /** Writes models.yaml; `extra` is merged over the default (local → cloud chain, verifier and judge on cloud). */
  writeModels(extra?: Record<string, unknown>): string;
  writeSuite(suite: Record<string, unknown>, name?: string): string;
  run(suiteFile: string, options?: Partial<RunOptions> & { cacheReads?: boolean }): Promise<StandardEvalResult>;
  close(): Promise<void>;
}

export const FAKE_ENV = { FAKE_CLOUD_KEY: 'test-key' };

export async function evalFixture(localScript: Script, cloudScript: Script): Promise<EvalFixture> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gstack-eval-'));
  const stateDir = path.join(dir, 'state');
  const local = await new FakeLlmServer('openai', localScript).start();
  const cloud = await new FakeLlmServer('anthropic', cloudScript).start();
  const fixture: EvalFixture = {
    dir,
    stateDir,
    local,
    cloud,
    writeModels(extra = {}) {
      const file = path.join(dir, 'models.yaml');
      const config = {
        providers: {
          local: { type: 'openai', base_url: `${local.url}/v1`, max_retries: 0 },
          cloud: { type: 'anthropic', base_url: cloud.url, api_key_env: 'FAKE_CLOUD_KEY', max_retries: 0 },
        },
        default_chain: ['local/small', 'cloud/claude-sonnet-4-6'],
        verifier: 'cloud/verifier',
        judge: 'cloud/judge',
        ...extra,
      };
      writeFileSync(file, stringify(config));
      return file;
    },
    writeSuite(suite, name = 'suite.yaml') {
      const file = path.join(dir, name);
      writeFileSync(file, stringify(suite));
      return file;
    },
    async run(suiteFile, options = {}) {
      const { cacheReads = true, ...rest } = options;
      return runSuite({
        loaded: await loadSuite(suiteFile),
        models: loadModelsConfig(path.join(dir, 'models.yaml'), dir),
        override: {},
        cache: new JudgeCache(path.join(stateDir, 'eval-cache'), { readEnabled: cacheReads }),
        env: FAKE_ENV,
        git: { repoSlug: 'acme-app', branch: 'main', sha: 'abc' },
        hostname: 'test-host',
        version: '0.0.0-test',
        ...rest,
      });
    },
    async close() {
      await Promise.all([local.close(), cloud.close()]);
    },
  };
  return fixture;
}
