/** @gstack/client as a library: what the CLIs are built from. */
export { isUserError, UserError } from './errors.ts';
export { stateDir, statePaths } from './state-dir.ts';
export { findRepoRoot, isSyncConfigured, loadSyncConfig, type SyncConfig } from './sync/config.ts';
