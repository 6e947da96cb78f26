#!/usr/bin/env bash
# Writes the manual's generated pages from the tables in the code: docs/commands.md (the verb
# table) and docs/spec.md (the spec's field table). Unit tests fail when they are not up to date.
source "$(dirname "$0")/lib.sh"

[ -f "$BUILD_DIR/CMakeCache.txt" ] || build_radctl
cmake --build "$BUILD_DIR" --target radctl-docs >/dev/null
"$BUILD_DIR/controller/radctl-docs" commands >"$ROOT/docs/commands.md"
"$BUILD_DIR/controller/radctl-docs" spec >"$ROOT/docs/spec.md"
log "wrote docs/commands.md and docs/spec.md"
