#!/usr/bin/env bash
# Line coverage of the unit tests alone (no Docker needed): builds an instrumented tree in
# build-coverage/, runs `ctest -L unit` there and prints coverage per file, then the total for
# the controller half (loop: the loop, observer and executor; reconcilers: the planner).
# HTML report: build-coverage/coverage/index.html.
source "$(dirname "$0")/lib.sh"

ensure_packages build-essential cmake pkg-config libpq-dev libyaml-cpp-dev libcpp-httplib-dev \
  libabsl-dev libgtest-dev libgmock-dev libcurl4-openssl-dev nlohmann-json3-dev lcov
COVERAGE_DIR="$ROOT/build-coverage"
log "building an instrumented tree in $COVERAGE_DIR"
cmake -S "$ROOT" -B "$COVERAGE_DIR" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS="--coverage -O0" \
  >/dev/null
cmake --build "$COVERAGE_DIR" -j "$(nproc)" >/tmp/radctl-coverage-build.log 2>&1 ||
  { tail -n 30 /tmp/radctl-coverage-build.log >&2; die "instrumented build failed"; }
lcov --quiet --zerocounters --directory "$COVERAGE_DIR"
log "unit tests"
(cd "$COVERAGE_DIR" && ctest -L unit -j "$(nproc)" --output-on-failure >/dev/null) ||
  die "unit tests failed"
lcov --quiet --capture --directory "$COVERAGE_DIR" --output-file "$COVERAGE_DIR/all.info" \
  --no-external --base-directory "$ROOT" 2>/dev/null
lcov --quiet --extract "$COVERAGE_DIR/all.info" "$ROOT/controller/*" "$ROOT/reconcilers/*" \
  "$ROOT/crd-like-specs/*" --output-file "$COVERAGE_DIR/project.info"
lcov --list "$COVERAGE_DIR/project.info" | sed "s|$ROOT/||"
lcov --quiet --extract "$COVERAGE_DIR/project.info" "$ROOT/controller/loop/*" \
  "$ROOT/reconcilers/*" --output-file "$COVERAGE_DIR/controller-half.info"
echo
echo "controller half (controller/loop: loop, observer, executor; reconcilers: the planner):"
lcov --summary "$COVERAGE_DIR/controller-half.info" 2>&1 | grep -E "lines|functions"
genhtml --quiet "$COVERAGE_DIR/project.info" --output-directory "$COVERAGE_DIR/coverage" \
  >/dev/null 2>&1 && log "HTML report: $COVERAGE_DIR/coverage/index.html"
