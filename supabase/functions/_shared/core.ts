/**
 * packages/core for the functions, by relative path (Deno loads the same
 * `.ts` files the CLI runs): the alert rules, messages and request schemas.
 */
export * from '../../../packages/core/src/alerts/index.ts';
export { databaseWebhookPayloadSchema } from '../../../packages/core/src/webhook.ts';
