#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine and brings up the example cluster:
# installs what is missing, starts dockerd if no engine answers, builds the images and radctl,
# applies crd-like-specs/examples/demo.yaml and prints how to connect. Run again, it does no work.
source "$(dirname "$0")/lib.sh"

ensure_all
"$BUILD_DIR/controller/radctl" apply -f "$ROOT/crd-like-specs/examples/demo.yaml"
cat <<MSG

Connect through the bouncer (always the primary):
  psql "\$(radctl status demo -o uri)"
Watch it heal itself:   radctl apply -f crd-like-specs/examples/demo.yaml --watch
Status:                 radctl status demo
Remove it:              radctl delete demo
MSG
