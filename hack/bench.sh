#!/usr/bin/env bash
# Runs the benchmarks and prints their figures as JSON (nothing here passes or fails on speed).
#   hack/bench.sh apply [RUNS] | failover [RUNS] | switchover [RUNS] [MEGABYTES] | watch [SECONDS]
source "$(dirname "$0")/lib.sh"

ensure_all
export RADCTL_STATE_DIR="${RADCTL_STATE_DIR:-/tmp/radctl-bench-state}"
case "${1:-apply}" in
  apply) "$BUILD_DIR/tests/benchmarks/bench_apply" "${2:-3}" ;;
  failover) "$BUILD_DIR/tests/benchmarks/bench_failover" "${2:-5}" ;;
  switchover) "$BUILD_DIR/tests/benchmarks/bench_switchover" "${2:-5}" "${3:-1000}" ;;
  watch) "$BUILD_DIR/tests/benchmarks/bench_watch" "${2:-60}" ;;
  *) die "unknown benchmark $1 (apply, failover, switchover, watch)" ;;
esac
