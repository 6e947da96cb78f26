#!/usr/bin/env bash
# Runs the deterministic simulator for N seeds (default 100000) from FROM (default 1), on every
# core, building what it needs; stops at the first failing seed, prints its shrunk schedule and
# how to replay it, and exits non-zero. Ends with "N seeds passed (... steps, ... seeds/s)".
#   hack/sim.sh 1000000        a million seeds
#   hack/sim.sh 5000 200001    5000 seeds from 200001
# One seed: build/tests/sim/radctl-sim --seed 417 [--keep 2,5]
source "$(dirname "$0")/lib.sh"

count="${1:-100000}"
from="${2:-1}"
ensure_packages "${PACKAGES[@]}" "${TEST_PACKAGES[@]}"
configure_build ON
build_targets radctl-sim

jobs="$(nproc)"
per=$(( (count + jobs - 1) / jobs ))
start=$(date +%s.%N)
dir="$(mktemp -d /tmp/radctl-sim.XXXXXX)"
pids=()
for ((j = 0; j < jobs; j++)); do
  first=$(( from + j * per ))
  n=$(( per < count - j * per ? per : count - j * per ))
  [ "$n" -gt 0 ] || continue
  "$BUILD_DIR/tests/sim/radctl-sim" --seeds "$first:$n" >"$dir/$j.out" 2>&1 &
  pids+=("$!")
done
status=0
for pid in "${pids[@]}"; do
  wait "$pid" || status=1
done
end=$(date +%s.%N)
if [ "$status" -ne 0 ]; then
  for out in "$dir"/*.out; do
    grep -q FAILED "$out" && cat "$out"
  done
  exit 1
fi
steps=$(cat "$dir"/*.out | sed -n 's/.* seeds passed (\([0-9]*\) steps.*/\1/p' | paste -sd+ | bc)
rm -rf "$dir"
awk -v n="$count" -v s="$steps" -v t0="$start" -v t1="$end" \
  'BEGIN { printf "%d seeds passed (%d steps, %.0f seeds/s)\n", n, s, n / (t1 - t0) }'
