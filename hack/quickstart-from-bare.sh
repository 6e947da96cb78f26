#!/usr/bin/env bash
# Measures hack/quickstart.sh on a bare Debian 12: a fresh clone of this repository run in a
# minbase container (none of the packages, no build tree, no ccache) against this machine's
# engine, with radctl's images and the engine's build cache removed first. The container shares
# the engine's socket and the host's network (the example cluster publishes on 127.0.0.1), so
# what is not measured is starting dockerd and the engine's own install. Prints the seconds from
# the start to the cluster ready (the quickstart's end), then deletes the example cluster.
# Removes radctl's images: the next build or test makes them again.
source "$(dirname "$0")/lib.sh"

ensure_dockerd
bare=radctl/bare-debian:bookworm
# The bare system: a minbase Debian as mmdebstrap makes it (the base image, when there is one).
if ! docker image inspect "$bare" >/dev/null 2>&1; then
  ensure_base_image
  docker tag "$BASE_IMAGE" "$bare"
fi
if docker ps -a --format '{{.Names}}' | grep -qx 'demo-pg-1'; then
  die "a cluster named demo exists; delete it first (radctl delete demo)"
fi
log "removing radctl's images and the engine's build cache"
docker images --format '{{.Repository}}:{{.Tag}}' | grep -v "^$bare\$" |
  grep -E "^($IMAGE_REPO/|$BASE_IMAGE\$)" | xargs -r docker rmi -f >/dev/null
docker image prune -f >/dev/null
docker builder prune -af >/dev/null 2>&1 || true

clone=$(mktemp -d /tmp/radctl-bare-clone.XXXXXX)
git clone -q "$ROOT" "$clone/radctl"
log "hack/quickstart.sh in a bare container (clone of $(git -C "$ROOT" rev-parse --short HEAD))"
cat >"$clone/measure.sh" <<'MEASURE'
start=$(date +%s.%N)
hack/quickstart.sh >/tmp/quickstart.log 2>&1 || { tail -n 40 /tmp/quickstart.log; exit 1; }
end=$(date +%s.%N)
sed 's/\x1b\[[0-9;]*m//g' /tmp/quickstart.log | grep '^\[hack '  # the steps, with their times
awk -v s="$start" -v e="$end" -v n="$(nproc)" \
  'BEGIN { printf "{\"quickstart_seconds\": %.1f, \"cores\": %d}\n", e - s, n }'
build/controller/radctl delete demo >/dev/null
MEASURE
# mmdebstrap mounts /proc and /dev in the tree it makes: what a root shell on a machine may.
docker run --rm --cap-add SYS_ADMIN --security-opt seccomp=unconfined \
  --security-opt apparmor=unconfined --network host -v /var/run/docker.sock:/var/run/docker.sock \
  -v "$clone/radctl:/src" -v "$clone/measure.sh:/measure.sh:ro" -w /src "$bare" bash /measure.sh
status=$?
rm -rf "$clone"
exit $status
