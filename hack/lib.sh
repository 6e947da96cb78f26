# Shared by the hack/ scripts: installing what is missing, starting dockerd, building the images
# and radctl. Every step checks first and does nothing when its result is already there, so the
# scripts are cheap to run again.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
# Where the images are made: radctl's names by default (what specs and tests use); another name
# makes a fresh set beside them, e.g. to measure a set-up from nothing on a shared engine.
BASE_IMAGE="${RADCTL_BASE_IMAGE:-radctl/base:bookworm}"
IMAGE_REPO="${RADCTL_IMAGE_REPO:-radctl}"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

# Debian packages radctl needs to be built and used (psql to connect).
PACKAGES=(
  build-essential cmake pkg-config git
  libpq-dev libyaml-cpp-dev libcpp-httplib-dev libabsl-dev
  libcurl4-openssl-dev nlohmann-json3-dev libssl-dev
  postgresql-client docker.io mmdebstrap curl ca-certificates
)
# And what only the tests need (hack/test.sh): quickstart leaves them out.
TEST_PACKAGES=(
  libgtest-dev libgmock-dev
  clang-format    # hack/test.sh checks the formatting
  docker-compose  # the Compose example's test (crd-like-specs/examples/compose/)
  zsh fish        # the completion tests drive them
  ccache          # keeps compiled objects between builds on this machine (see configure_build)
)

log() { printf '\033[1m[hack %s]\033[0m %s\n' "$(date +%T)" "$*" >&2; }
die() { printf '[hack] error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs the packages named (default: PACKAGES) that are missing.
ensure_packages() {
  local missing=() wanted=("$@")
  [ ${#wanted[@]} -gt 0 ] || wanted=("${PACKAGES[@]}")
  for package in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" ||
      missing+=("$package")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  log "installing ${missing[*]}"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "${missing[@]}" >/dev/null
}

# Headless Chromium, only for the test that renders the drill's HTML report (ctest label
# "browser"); big, so installed only where that test runs.
ensure_chromium() {
  if command -v chromium >/dev/null; then
    return 0
  fi
  log "installing chromium (for the report rendering test)"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    chromium fonts-dejavu-core >/dev/null
}

# Uses a running engine (DOCKER_HOST or the default socket); starts dockerd only if none answers.
ensure_dockerd() {
  if docker info >/dev/null 2>&1; then
    return 0
  fi
  if [ -n "${DOCKER_HOST:-}" ]; then
    die "DOCKER_HOST=$DOCKER_HOST does not answer; start that engine or unset DOCKER_HOST"
  fi
  command -v dockerd >/dev/null || die "dockerd is not installed (package docker.io)"
  log "starting dockerd (log: /var/log/radctl-dockerd.log)"
  as_root sh -c 'nohup dockerd >/var/log/radctl-dockerd.log 2>&1 &'
  for _ in $(seq 1 120); do
    if [ -S /var/run/docker.sock ] && docker info >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.5
  done
  tail -n 20 /var/log/radctl-dockerd.log >&2 || true
  die "dockerd did not come up within 60 s"
}

# No registry is needed: the base image is made from Debian's packages with mmdebstrap (apt
# fetches and unpacks in parallel, the fastest way Debian offers), streamed into the engine as a
# tarball.
ensure_base_image() {
  if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    return 0
  fi
  log "making $BASE_IMAGE with mmdebstrap"
  local log=/tmp/radctl-mmdebstrap.log
  if ! as_root mmdebstrap --variant=minbase --quiet \
      --customize-hook='rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/*' \
      bookworm - "$DEBIAN_MIRROR" 2>"$log" | docker import - "$BASE_IMAGE" >/dev/null; then
    tail -n 20 "$log" >&2
    die "making $BASE_IMAGE failed"
  fi
}

# Builds images/NAME as TAG unless an image built from the same files and base exists.
ensure_image() {
  local dir="$1" tag="$2" hash current
  hash="$( (docker image inspect -f '{{.Id}}' "$BASE_IMAGE"; cd "$ROOT/images/$dir" &&
            find . -type f | LC_ALL=C sort | xargs sha256sum) | sha256sum | cut -c1-16)"
  current="$(docker image inspect -f '{{index .Config.Labels "io.radctl.build-hash"}}' "$tag" 2>/dev/null || true)"
  if [ "$current" = "$hash" ]; then
    return 0
  fi
  log "building image $tag"
  DOCKER_BUILDKIT=0 docker build -q --label "io.radctl.build-hash=$hash" -t "$tag" \
    "$ROOT/images/$dir" >/tmp/radctl-build-"$dir".log 2>&1 ||
    { tail -n 30 /tmp/radctl-build-"$dir".log >&2; die "building $tag failed"; }
}

# The two images are built side by side: each mostly waits on Debian's mirror and dpkg.
ensure_images() {
  ensure_base_image
  local bouncer_pid
  ensure_image pgbouncer "$IMAGE_REPO/pgbouncer" &
  bouncer_pid=$!
  ensure_image postgres "$IMAGE_REPO/postgres:15"
  wait "$bouncer_pid" || die "building $IMAGE_REPO/pgbouncer failed"
}

# radctl/radctl, the controller as an image (images/radctl/). Its build context gets the radctl
# just built, without debug info, copied only when it changed: the build hash ensure_image
# computes over the directory then covers the binary, and an unchanged binary rebuilds nothing.
ensure_radctl_image() {
  [ -x "$BUILD_DIR/controller/radctl" ] || die "no radctl in $BUILD_DIR to put in the image"
  local staged="$ROOT/images/radctl/radctl" tmp
  tmp="$(mktemp /tmp/radctl-image-binary.XXXXXX)"
  objcopy --strip-debug "$BUILD_DIR/controller/radctl" "$tmp"
  if cmp -s "$tmp" "$staged"; then
    rm -f "$tmp"
  else
    chmod 0755 "$tmp"
    mv "$tmp" "$staged"
  fi
  ensure_image radctl "$IMAGE_REPO/radctl"
  # Also under this radctl's version, the tag the Compose example and exports name (docker tag
  # of the same image: instant, and idempotent).
  local version
  version="$("$BUILD_DIR/controller/radctl" version -o json | sed -n 's/^ *"version": "\(.*\)",*$/\1/p')"
  [ -n "$version" ] || die "radctl version printed no version"
  docker tag "$IMAGE_REPO/radctl" "$IMAGE_REPO/radctl:$version"
}

# Configures $BUILD_DIR, with the tests (ON) or without (OFF): optimised like RelWithDebInfo but
# without debug info, which made the first build a third slower (CI has 15 minutes in all); to
# debug, configure another build directory with -DCMAKE_BUILD_TYPE=RelWithDebInfo. Warnings are
# errors. Configured again only when the tests are wanted and were left out.
configure_build() {
  local tests="$1"
  if [ -f "$BUILD_DIR/CMakeCache.txt" ]; then
    grep -q "^RADCTL_BUILD_TESTS:BOOL=ON" "$BUILD_DIR/CMakeCache.txt" && return 0
    [ "$tests" = OFF ] && return 0
  fi
  # With ccache (installed with the tests), a clean clone on a machine that built radctl before
  # (CI) compiles only what changed: paths under the checkout are hashed relative to it.
  local launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" \
    -DRADCTL_WERROR=ON -DRADCTL_BUILD_TESTS="$tests" "${launcher[@]}" >/dev/null
}

# Builds the named targets (default: everything, radctl and the tests) in $BUILD_DIR.
build_targets() {
  local log="$BUILD_DIR/build.log" args=()
  export CCACHE_BASEDIR="$ROOT"
  [ $# -gt 0 ] && args=(--target "$@")
  if ! cmake --build "$BUILD_DIR" -j "$(nproc)" "${args[@]}" >"$log" 2>&1; then
    grep -E -A3 'error' "$log" | head -n 60 >&2
    die "build failed (full log: $log)"
  fi
}

# Builds only what a user runs: the radctl binary (quickstart; the tests come with hack/test.sh).
build_radctl_only() {
  configure_build OFF
  build_targets radctl
  [ -x "$BUILD_DIR/controller/radctl" ] || die "build produced no radctl binary"
}

# Builds radctl and the tests in $BUILD_DIR.
build_radctl() {
  if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
    log "building radctl and its tests in $BUILD_DIR (the first time takes a few minutes)"
  fi
  configure_build ON
  build_targets
  [ -x "$BUILD_DIR/controller/radctl" ] || die "build produced no radctl binary"
}

# Puts radctl on PATH (a link into the build tree) when we may write /usr/local/bin.
install_radctl() {
  local target=/usr/local/bin/radctl
  if [ -w /usr/local/bin ] && [ "$(readlink -f "$target" 2>/dev/null)" != "$BUILD_DIR/controller/radctl" ]; then
    ln -sf "$BUILD_DIR/controller/radctl" "$target"
  fi
}

ensure_all() {
  ensure_packages "${PACKAGES[@]}" "${TEST_PACKAGES[@]}"
  ensure_dockerd
  ensure_images
  build_radctl
  ensure_radctl_image
  install_radctl
}

# What a user needs to run radctl (hack/quickstart.sh): the same, but radctl without its tests
# and the controller image left to the caller. The images and the build are independent: the
# images are made while radctl compiles.
ensure_runtime() {
  ensure_packages
  ensure_dockerd
  local images_log="$BUILD_DIR/images.log" images_pid
  mkdir -p "$BUILD_DIR"
  (ensure_images) >"$images_log" 2>&1 &
  images_pid=$!
  build_radctl_only
  wait "$images_pid" || { cat "$images_log" >&2; die "making the images failed"; }
  cat "$images_log" >&2
  install_radctl
}
