/** @gstack/core: runtime-neutral code shared by the client (Node) and the functions (Deno). */
export * from './activity.ts';
export * from './analytics/index.ts';
export * from './api-keys.ts';
export * from './canonical.ts';
export type { Database, Json, Tables, TablesInsert, TablesUpdate } from './database.types.ts';
export * from './email.ts';
export * from './eval-result.ts';
export * from './html.ts';
export * from './models-config.ts';
export * from './pricing.ts';
export * from './redact.ts';
export * from './suite.ts';
export * from './sync-config.ts';
export * from './sync-payload.ts';
export * from './validation.ts';
export * from './webhook.ts';
