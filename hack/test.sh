#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine like quickstart.sh (packages, dockerd, images, radctl), then
# runs every test: unit tests (no Docker) first, then integration tests against the real engine
# and images. Extra arguments go to ctest (e.g. -R Failover).
source "$(dirname "$0")/lib.sh"

ensure_all
"$ROOT/hack/lint.sh" --format
cd "$BUILD_DIR"
log "unit tests"
ctest -L unit --output-on-failure -j "$(nproc)" "$@"
log "report rendering test (headless Chromium)"
ensure_chromium
ctest -L browser --output-on-failure "$@"
# Each integration and chaos test owns its cluster (names, ports, state directory), so several
# run side by side: they spend most of their time waiting on Postgres and Docker, not on the CPU.
# RADCTL_TEST_JOBS=1 runs them one at a time.
log "integration and chaos tests (real Docker engine; watch mode under faults), ${RADCTL_TEST_JOBS:-3} at a time"
ctest -L 'integration|chaos' --output-on-failure --timeout 1200 -j "${RADCTL_TEST_JOBS:-3}" "$@"
