#!/usr/bin/env bash
# What a user sees when this radctl takes over a cluster an older release made:
#   hack/upgrade-bench.sh [RELEASE]      (default 2ccd5bf, the release of 2026-11-30)
# Builds RELEASE's radctl and images (kept under /tmp and tagged radctl-release-RELEASE/*), lets
# it make a 3-node synchronous cluster from its own images, then gives the images' usual tags back
# to this tree's images and runs this radctl's apply on the same spec and state directory, as a
# user upgrading does. Meanwhile two clients write through the URI the old release printed:
# one opens a new connection per write, one keeps its connection; each writes every 50 ms.
# Prints JSON: the takeover's duration, each client's failed writes and longest gap between
# acknowledged writes, rows lost, whether the bouncer container was kept, and whether the
# endpoint serves TLS afterwards. About 5 minutes the first time (the release's build), then 1.
# Not a test: it takes this machine's image tags for a minute, so nothing else may run meanwhile.
source "$(dirname "$0")/lib.sh"

release="${1:-2ccd5bf}"
old_tree="/tmp/radctl-release-$release"
old_radctl="$old_tree/build/controller/radctl"
old_tag="radctl-release-$release"
name=upgrade-bench
spec=/tmp/radctl-upgrade-bench.yaml
export RADCTL_STATE_DIR=/tmp/radctl-upgrade-bench-state
out=/tmp/radctl-upgrade-bench
new_radctl="${RADCTL_NEW:-$BUILD_DIR/controller/radctl}"  # another build of radctl to take over

ensure_all

if [ ! -x "$old_radctl" ]; then
  log "building radctl $release in $old_tree"
  rm -rf "$old_tree"
  git -C "$ROOT" worktree add -f --detach "$old_tree" "$release" >/dev/null
  cmake -S "$old_tree" -B "$old_tree/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/tmp/radctl-release-build.log 2>&1 &&
    cmake --build "$old_tree/build" -j "$(nproc)" --target radctl >>/tmp/radctl-release-build.log 2>&1 ||
    { tail -n 30 /tmp/radctl-release-build.log >&2; die "building radctl $release failed"; }
fi
for image in postgres:15 pgbouncer; do
  docker image inspect "$old_tag/$image" >/dev/null 2>&1 && continue
  log "building $release's image $image"
  DOCKER_BUILDKIT=0 docker build -q -t "$old_tag/$image" "$old_tree/images/${image%%:*}" \
    >/tmp/radctl-release-image.log 2>&1 || { tail -n 30 /tmp/radctl-release-image.log >&2; die "failed"; }
done

# The release's images under the usual tags while it makes the cluster; this tree's afterwards,
# whatever happens.
current_postgres="$(docker image inspect -f '{{.Id}}' radctl/postgres:15)"
current_bouncer="$(docker image inspect -f '{{.Id}}' radctl/pgbouncer)"
restore_tags() {
  docker tag "$current_postgres" radctl/postgres:15
  docker tag "$current_bouncer" radctl/pgbouncer
}
trap 'restore_tags; kill $(jobs -p) 2>/dev/null || true' EXIT

cat >"$spec" <<YAML
apiVersion: radctl.io/v1alpha1
kind: PostgresCluster
metadata:
  name: $name
spec:
  nodes: 3
  bouncer: {port: 16620}
  replication: {synchronous: true}
YAML
"$new_radctl" delete "$name" >/dev/null 2>&1 || true
rm -rf "$RADCTL_STATE_DIR" "$out" && mkdir -p "$out"
docker tag "$old_tag/postgres:15" radctl/postgres:15
docker tag "$old_tag/pgbouncer" radctl/pgbouncer
log "radctl $release makes the cluster"
"$old_radctl" apply -f "$spec" >"$out/old-apply.log" 2>&1 || { cat "$out/old-apply.log" >&2; die "old apply failed"; }
uri="$("$old_radctl" status "$name" -o uri)"
restore_tags

psql "$uri" -qc "CREATE TABLE upgrade_writes (client text, n int, at timestamptz DEFAULT clock_timestamp())" ||
  die "cannot write through $uri"
# Client "connect": a new connection per write. Client "keep": one psql that stays connected
# (its statements come from a pipe; psql in a script ends at the first error).
connect_client() {
  local n=0
  while [ ! -e "$out/stop" ]; do
    n=$((n + 1))
    local t; t="$(date +%s.%N)"
    if psql "$uri" -qtAc "INSERT INTO upgrade_writes (client, n) VALUES ('connect', $n)" \
      >/dev/null 2>>"$out/connect.err"; then echo "$t ok $n"; else echo "$t failed $n"; fi
    sleep 0.05
  done >"$out/connect.log"
}
keep_client() {
  local n=0
  while [ ! -e "$out/stop" ]; do
    n=$((n + 1))
    echo "INSERT INTO upgrade_writes (client, n) VALUES ('keep', $n);"
    echo "\\echo ok $n"
    sleep 0.05
  done | psql "$uri" -qtA -v ON_ERROR_STOP=1 >"$out/keep.log" 2>"$out/keep.err"
  echo "psql exited $?" >>"$out/keep.err"
}
connect_client &
keep_client &
sleep 3
log "this radctl takes over"
start="$(date +%s.%N)"
"$new_radctl" apply -f "$spec" >"$out/new-apply.log" 2>&1 || { cat "$out/new-apply.log" >&2; die "new apply failed"; }
end="$(date +%s.%N)"
sleep 3
touch "$out/stop"
wait
bouncer_kept=false
grep -q "AddLoginHold" "$out/new-apply.log" && ! grep -q "RemoveBouncer" "$out/new-apply.log" &&
  bouncer_kept=true
new_uri="$("$new_radctl" status "$name" -o uri)"
tls="$(psql "$new_uri" -tAc "SELECT 'served over TLS'" 2>&1 | tail -1 || true)"
plain="$(psql "${uri}?sslmode=disable" -tAc "SELECT 'served in plaintext'" 2>&1 | tail -1 || true)"
rows="$(psql "$new_uri" -tAc "SELECT count(*) FROM upgrade_writes")"
count() { grep -c "$1" "$2" || true; }
acked="$(($(count ' ok ' "$out/connect.log") + $(count '^ok ' "$out/keep.log")))"
gap() {  # the longest time between two of client $1's writes that committed, in seconds
  psql "$new_uri" -tAc "SELECT coalesce(round(extract(epoch FROM max(gap))::numeric, 2), 0) FROM
    (SELECT at - lag(at) OVER (ORDER BY at) AS gap FROM upgrade_writes WHERE client = '$1') g"
}
cat <<JSON
{"release": "$release", "takeover_s": $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }'),
 "connect_client": {"writes": $(wc -l <"$out/connect.log"), "failed": $(count ' failed ' "$out/connect.log"), "longest_gap_s": $(gap connect)},
 "keep_client": {"acknowledged": $(count '^ok ' "$out/keep.log"), "longest_gap_s": $(gap keep), "error": "$(grep -v '^psql exited' "$out/keep.err" | head -1 | tr -d '"\\' || true)"},
 "rows": $rows, "acknowledged": $acked, "lost": $((acked > rows ? acked - rows : 0)),
 "bouncer_kept": $bouncer_kept, "tls_after": "$tls", "plaintext_after": "$(echo "$plain" | tr -d '"\\')"}
JSON
log "logs: $out (old-apply.log, new-apply.log, connect.log, keep.log, *.err)"
"$new_radctl" delete "$name" >/dev/null
