/** Analytics rules shared by the CLI, the dashboard and the digest: one implementation each. */
export * from './compare.ts';
export * from './ladder.ts';
export * from './leaderboard.ts';
export * from './problems.ts';
export * from './regression.ts';
export * from './trend.ts';
export * from './verdict.ts';
export * from './verifier.ts';
