/**
 * The client's own executables, for starting one as a child process (the
 * background push). Resolved from here because this file sits two levels
 * below the package both as source (src/cli) and when built (dist/cli).
 */
import { fileURLToPath } from 'node:url';

/** `bin/gstack-sync.js` of this package. */
export const SYNC_BIN = fileURLToPath(new URL('../../bin/gstack-sync.js', import.meta.url));
