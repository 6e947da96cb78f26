#!/usr/bin/env bash
# Style and lint: clang-format must find nothing to change (.clang-format), and clang-tidy's
# bugprone-* and performance-* checks (.clang-tidy, where each exception says why) must find
# nothing. `--fix` rewrites the files clang-format would change; `--format` checks only the
# formatting (seconds: hack/test.sh runs it; clang-tidy takes minutes on two cores).
source "$(dirname "$0")/lib.sh"

if [ "${1:-}" = "--format" ] || [ "${1:-}" = "--fix" ]; then
  ensure_packages clang-format
else
  ensure_packages clang-format clang-tidy
fi
cd "$ROOT"
mapfile -t sources < <(git ls-files '*.cc' '*.h')
if [ "${1:-}" = "--fix" ]; then
  clang-format -i "${sources[@]}"
  exit 0
fi
log "clang-format (${#sources[@]} files)"
clang-format --dry-run --Werror "${sources[@]}" 2>/tmp/radctl-format.log ||
  { head -n 40 /tmp/radctl-format.log >&2; die "files differ from .clang-format: run hack/lint.sh --fix"; }
[ "${1:-}" = "--format" ] && exit 0
[ -f "$BUILD_DIR/compile_commands.json" ] || build_radctl
log "clang-tidy (bugprone-*, performance-*)"
mapfile -t units < <(git ls-files 'controller/*.cc' 'reconcilers/*.cc' 'crd-like-specs/*.cc')
printf '%s\n' "${units[@]}" |
  xargs -P "$(nproc)" -n 4 clang-tidy -p "$BUILD_DIR" --quiet >/tmp/radctl-tidy.log 2>&1 || true
if grep -q "warning:\|error:" /tmp/radctl-tidy.log; then
  grep -A3 "warning:\|error:" /tmp/radctl-tidy.log | head -n 60 >&2
  die "clang-tidy found problems (full log: /tmp/radctl-tidy.log)"
fi
