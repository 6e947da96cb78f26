#!/usr/bin/env bash
# Soak test: ROUNDS (default 100) rounds of random faults on a 3-node synchronous cluster under
# load (8 writers, 200 writes/s), with `radctl drill`; prints the drill's table and summary and
# writes an HTML report. Not part of CI: 100 rounds take about 12 minutes.
#   hack/soak.sh [ROUNDS]
# Environment: SOAK_NAME (cluster, default radctl-soak), SOAK_PORT (bouncer, default 16690),
# SOAK_REPORT (default /tmp/radctl-soak.html), SOAK_SEED (random faults; default from the clock),
# SOAK_KEEP=1 keeps the cluster afterwards. Exit status: the drill's (1 when an acknowledged write
# was lost or two writable primaries were seen).
source "$(dirname "$0")/lib.sh"

ROUNDS="${1:-100}"
NAME="${SOAK_NAME:-radctl-soak}"
PORT="${SOAK_PORT:-16690}"
REPORT="${SOAK_REPORT:-/tmp/radctl-soak.html}"
export RADCTL_STATE_DIR="${RADCTL_STATE_DIR:-/tmp/radctl-soak-state}"

ensure_packages
ensure_dockerd
ensure_images
build_radctl
RADCTL="$BUILD_DIR/controller/radctl"

SPEC="$(mktemp /tmp/radctl-soak.XXXXXX.yaml)"
cat >"$SPEC" <<YAML
apiVersion: radctl.io/v1alpha1
kind: PostgresCluster
metadata:
  name: $NAME
spec:
  nodes: 3
  bouncer:
    port: $PORT
  replication:
    synchronous: true
YAML

cleanup() {
  if [ "${SOAK_KEEP:-0}" != 1 ]; then
    "$RADCTL" delete "$NAME" >/dev/null 2>&1 || log "could not delete cluster $NAME: radctl delete $NAME"
  fi
  rm -f "$SPEC"
}
trap cleanup EXIT

"$RADCTL" delete "$NAME" >/dev/null 2>&1 || true  # what an interrupted earlier soak left
log "creating cluster $NAME (3 nodes, synchronous) on 127.0.0.1:$PORT"
"$RADCTL" apply -f "$SPEC" >/dev/null 2>&1 || { "$RADCTL" apply -f "$SPEC"; die "apply failed"; }

log "soak: $ROUNDS rounds of random faults; progress below, the table at the end"
seed=()
if [ -n "${SOAK_SEED:-}" ]; then
  seed=(--seed "$SOAK_SEED")
fi
# The drill runs the controller itself, so that kill-controller is among the random faults.
set +e
"$RADCTL" drill "$NAME" --run-controller "$SPEC" --fault random --rounds "$ROUNDS" \
  --writers 8 --rate 200 --settle 3s --report "$REPORT" "${seed[@]}"
status=$?
set -e
log "report: $REPORT"
exit $status
