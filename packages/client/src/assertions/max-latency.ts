import { type AssertionHandler, fail, pass } from './types.ts';

export const maxLatencyMs: AssertionHandler<number> = (limit, { latencyMs }) =>
  latencyMs <= limit ? pass : fail(`took ${latencyMs} ms, more than ${limit} ms`);
