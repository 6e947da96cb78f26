#!/usr/bin/env bash
# Runs the benchmarks and prints their figures as JSON (nothing here passes or fails on speed).
#   hack/bench.sh apply [RUNS] [NODES...] | failover [RUNS] [NODES] | switchover [RUNS]
#                 | add-standby [MEGABYTES] | watch [SECONDS] | pgbench-kill [KILLS] | scale
# RADCTL_BENCH_SETTLE_S=N: apply waits N s after removing the previous run's cluster
# (docs/benchmarks.md: what a deletion costs the next creation on this machine's disk).
source "$(dirname "$0")/lib.sh"

ensure_all
cmake --build "$BUILD_DIR" -j "$(nproc)" --target benchmarks >/tmp/radctl-build-benchmarks.log 2>&1 ||
  { tail -n 30 /tmp/radctl-build-benchmarks.log >&2; die "building the benchmarks failed"; }
export RADCTL_STATE_DIR="${RADCTL_STATE_DIR:-/tmp/radctl-bench-state}"
bench="$BUILD_DIR/tests/benchmarks"
case "${1:-apply}" in
  apply) "$bench/bench_apply" "${2:-3}" "${@:3}" ;;
  failover) "$bench/bench_failover" "${2:-5}" "${3:-3}" ;;
  switchover) "$bench/bench_switchover" "${2:-5}" ;;
  add-standby) "$bench/bench_add_standby" "${2:-1000}" ;;
  watch) "$bench/bench_watch" "${2:-60}" ;;
  pgbench-kill) "$bench/bench_pgbench_kill" "${2:-10}" ;;
  # Issue 13's figures: sizes, many clusters, one controller for all. About 15 minutes.
  scale)
    "$bench/bench_apply" 3 1 3 5 9
    "$bench/bench_scale" fleet 10 60
    "$bench/bench_failover" 3 9
    "$bench/bench_scale" isolation 1000
    "$bench/bench_add_standby" 1000
    "$bench/bench_add_standby" 5000
    ;;
  *) die "unknown benchmark $1 (apply, failover, switchover, add-standby, watch, pgbench-kill, scale)" ;;
esac
