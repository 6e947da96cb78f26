#!/usr/bin/env bash
# Runs the benchmarks and prints their figures as JSON (nothing here passes or fails on speed).
#   hack/bench.sh apply [RUNS] [NODES...] | failover [RUNS] [NODES] | switchover [RUNS]
#                 | add-standby [MEGABYTES] | watch [SECONDS] | pgbench-kill [KILLS] | scale
#                 | pgbench-stop [STOPS] | read-kill [KILLS] | read-stop [STOPS]
#                 | drill [FAULT] [ROUNDS]
# failover prints the outage's p50/p95/p99/max per fault and mode; drill runs `radctl drill` on a
# 3-node synchronous cluster (4 writers, 100 writes/s) and prints its table, whose summary has
# them per fault kind.
# RADCTL_BENCH_SETTLE_S=N: apply waits N s after removing the previous run's cluster
# (docs/benchmarks.md: what a deletion costs the next creation on this machine's disk).
source "$(dirname "$0")/lib.sh"

ensure_all
cmake --build "$BUILD_DIR" -j "$(nproc)" --target benchmarks >/tmp/radctl-build-benchmarks.log 2>&1 ||
  { tail -n 30 /tmp/radctl-build-benchmarks.log >&2; die "building the benchmarks failed"; }
export RADCTL_STATE_DIR="${RADCTL_STATE_DIR:-/tmp/radctl-bench-state}"
bench="$BUILD_DIR/tests/benchmarks"

# A 3-node synchronous cluster and one drill, which runs the watcher; the drill's table (its
# summary has the outage's percentiles per fault kind) and an HTML report in /tmp.
drill_bench() {
  local name=bench-drill spec=/tmp/radctl-bench-drill.yaml
  cat >"$spec" <<YAML
apiVersion: radctl.io/v1alpha1
kind: PostgresCluster
metadata:
  name: $name
spec:
  nodes: 3
  bouncer: {port: 16616, readPort: 16617}
  replication: {synchronous: true}
YAML
  local radctl="$BUILD_DIR/controller/radctl"
  "$radctl" delete "$name" >/dev/null 2>&1 || true
  "$radctl" apply -f "$spec" >/dev/null || die "apply failed"
  # The drill runs the watching controller (so kill-controller may be drilled too).
  "$radctl" drill "$name" --run-controller "$spec" --fault "$1" --rounds "$2" --writers 4 \
    --rate 100 --settle 2s --report "/tmp/radctl-bench-drill-$1.html" || true
  # The watcher's log goes with the cluster's state: keep it for reading where the time went.
  cp "$RADCTL_STATE_DIR/$name/drill-controller.log" "/tmp/radctl-bench-drill-$1.log" 2>/dev/null &&
    log "the watcher's log: /tmp/radctl-bench-drill-$1.log"
  "$radctl" delete "$name" >/dev/null
}
case "${1:-apply}" in
  apply) "$bench/bench_apply" "${2:-3}" "${@:3}" ;;
  failover) "$bench/bench_failover" "${2:-5}" "${3:-3}" ;;
  switchover) "$bench/bench_switchover" "${2:-5}" ;;
  add-standby) "$bench/bench_add_standby" "${2:-1000}" ;;
  watch) "$bench/bench_watch" "${2:-60}" ;;
  pgbench-kill) "$bench/bench_pgbench_kill" "${2:-10}" kill ;;
  pgbench-stop) "$bench/bench_pgbench_kill" "${2:-5}" stop ;;
  read-kill) "$bench/bench_pgbench_kill" "${2:-5}" read-kill ;;
  read-stop) "$bench/bench_pgbench_kill" "${2:-5}" read-stop ;;
  drill) drill_bench "${2:-kill-primary}" "${3:-20}" ;;
  # Issue 13's figures: sizes, many clusters, one controller for all. About 15 minutes.
  scale)
    "$bench/bench_apply" 3 1 3 5 9
    "$bench/bench_scale" fleet 10 60
    "$bench/bench_failover" 3 9
    "$bench/bench_scale" isolation 1000
    "$bench/bench_add_standby" 1000
    "$bench/bench_add_standby" 5000
    ;;
  *) die "unknown benchmark $1 (apply, failover, switchover, add-standby, watch, pgbench-kill, pgbench-stop, read-kill, read-stop, drill, scale)" ;;
esac
