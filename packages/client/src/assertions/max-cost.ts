import { type AssertionHandler, fail, pass } from './types.ts';

export const maxCostUsd: AssertionHandler<number> = (limit, { costUsd }) =>
  costUsd <= limit ? pass : fail(`cost $${costUsd.toFixed(6)}, more than $${limit}`);
