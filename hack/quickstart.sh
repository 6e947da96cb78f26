#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine and brings up the example cluster: installs what is missing,
# starts dockerd if no engine answers, makes the images and builds radctl (only what a user runs:
# hack/test.sh installs and builds what the tests need), applies
# crd-like-specs/examples/demo.yaml and prints how to connect. Run again, it does no work.
source "$(dirname "$0")/lib.sh"

ensure_runtime
# The controller image (for Compose: crd-like-specs/examples/compose) is made while the example
# cluster comes up.
ensure_radctl_image >"$BUILD_DIR/radctl-image.log" 2>&1 &
image_pid=$!
"$BUILD_DIR/controller/radctl" apply -f "$ROOT/crd-like-specs/examples/demo.yaml"
wait "$image_pid" || { cat "$BUILD_DIR/radctl-image.log" >&2; die "making radctl/radctl failed"; }
cat <<MSG

Connect through the bouncer (always reaches the primary):
  psql "\$(radctl status demo -o uri)"
Keep it healthy (failover, rejoin):  radctl apply -f crd-like-specs/examples/demo.yaml --watch
Status and events:                   radctl status demo; radctl events demo
Remove it:                           radctl delete demo
The tour continues in README.md; the manual is docs/.
MSG
