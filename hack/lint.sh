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
# radctl's own sources compile in batches (a unity build, CMakeLists.txt): two files of one
# library that define the same top-level name (a helper in an anonymous namespace, a constant)
# may land in one batch, where a redefinition breaks the build and, worse, two overloads may
# silently call each other's. Such a name is defined once and shared, or named apart.
log "names defined twice in one library (unity build)"
mapfile -t library_sources < <(git ls-files 'controller/*.cc' 'reconcilers/*.cc' 'crd-like-specs/*.cc')
twice="$(awk '
  FNR == 1 { n = split(FILENAME, part, "/"); library = part[1] (part[1] == "controller" ? "/" part[2] : "") }
  /^[A-Za-z]/ && !/^(namespace|using|template|return|typedef|extern|friend)([ \t]|$)/ {
    line = $0
    sub(/[({=\[;].*$/, "", line)            # the name comes before the first ( { = [ ;
    if (line ~ /operator/ || ($0 ~ /^(struct|class|enum)/ && $0 ~ /;[ \t]*$/)) next
    words = split(line, word, /[ \t*&]+/)
    name = word[words] != "" ? word[words] : word[words - 1]
    if (name ~ /::/ || name !~ /^[A-Za-z_][A-Za-z0-9_]*$/ || name == "main") next
    key = library " " name
    if (!index(files[key], FILENAME)) { files[key] = files[key] " " FILENAME; count[key]++ }
  }
  END { for (key in count) if (count[key] > 1) print key ":" files[key] }' "${library_sources[@]}")"
[ -z "$twice" ] || { echo "$twice" >&2; die "a name is defined in two files of one library (see above)"; }
[ "${1:-}" = "--format" ] && exit 0
[ -f "$BUILD_DIR/compile_commands.json" ] || build_radctl
# clang-tidy needs each file's own compile command, which a unity build does not list.
tidy_dir="$BUILD_DIR/tidy"
cmake -S "$ROOT" -B "$tidy_dir" -DRADCTL_UNITY_BUILD=OFF -DRADCTL_BUILD_TESTS=OFF >/dev/null
log "clang-tidy (bugprone-*, performance-*)"
mapfile -t units < <(git ls-files 'controller/*.cc' 'reconcilers/*.cc' 'crd-like-specs/*.cc')
printf '%s\n' "${units[@]}" |
  xargs -P "$(nproc)" -n 4 clang-tidy -p "$tidy_dir" --quiet >/tmp/radctl-tidy.log 2>&1 || true
if grep -q "warning:\|error:" /tmp/radctl-tidy.log; then
  grep -A3 "warning:\|error:" /tmp/radctl-tidy.log | head -n 60 >&2
  die "clang-tidy found problems (full log: /tmp/radctl-tidy.log)"
fi
