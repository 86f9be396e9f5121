/** Slack alerts and the weekly digest: rules, Block Kit messages and delivery, shared by the functions and the CLI. */
export { type Block, escapeSlack, SLACK_LIMITS, type SlackMessage } from './blocks.ts';
export * from './deliver.ts';
export * from './digest.ts';
export * from './process.ts';
export * from './regression.ts';
export * from './regression-message.ts';
export * from './requests.ts';
export * from './slack-url.ts';
