#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine like quickstart.sh (packages, dockerd, images, radctl), then
# runs every test: unit tests (no Docker) first, then integration tests against the real engine
# and images. Extra arguments go to ctest (e.g. -R WatchTest). A ctest test is a unit-test binary,
# or a suite of integration or chaos tests (each test's time is in the log, with -V).
source "$(dirname "$0")/lib.sh"

ensure_all
"$ROOT/hack/lint.sh" --format
cd "$BUILD_DIR"
log "unit tests"
ctest -L unit --output-on-failure -j "$(nproc)" "$@"
log "report rendering test (headless Chromium)"
ensure_chromium
ctest -L browser --output-on-failure "$@"
log "integration tests (real Docker engine)"
ctest -L integration -V --timeout 1200 "$@"
log "chaos tests (watch mode under faults, real Docker engine)"
ctest -L chaos -V --timeout 1200 "$@"
