#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine and brings up the example cluster: installs what is missing,
# starts dockerd if no engine answers, makes the images and builds radctl (only what a user runs:
# hack/test.sh builds the tests), applies crd-like-specs/examples/demo.yaml and prints how to
# connect. Run again, it does no work.
source "$(dirname "$0")/lib.sh"

ensure_runtime
"$BUILD_DIR/controller/radctl" apply -f "$ROOT/crd-like-specs/examples/demo.yaml"
cat <<MSG

Connect through the bouncer (always reaches the primary):
  psql "\$(radctl status demo -o uri)"
Keep it healthy (failover, rejoin):  radctl apply -f crd-like-specs/examples/demo.yaml --watch
Status and events:                   radctl status demo; radctl events demo
Remove it:                           radctl delete demo
The tour continues in README.md; the manual is docs/.
MSG
