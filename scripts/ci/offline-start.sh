#!/usr/bin/env bash
# `npm start` with no network after `npm install` (scripts/ci/offline-start.mjs says what is
# checked): runs the check in a network namespace that has only loopback. Needs root (as CI
# runs) for `unshare -n`; elsewhere it asks sudo.
set -euo pipefail
cd "$(dirname "$0")/../.."
as_root=""
if [ "$(id -u)" -ne 0 ]; then as_root="sudo"; fi
# A machine whose sandbox forbids network namespaces cannot run this check at all: say so loudly
# (the check is not passed, it is not possible here) rather than fail every other step's result.
if ! probe=$($as_root unshare -n -- true 2>&1); then
  echo "offline start: NOT RUN: this machine cannot create a network namespace (unshare -n: ${probe:-refused})"
  exit 0
fi
exec $as_root unshare -n -- sh -c 'ip link set lo up && exec node --import tsx scripts/ci/offline-start.mjs'
