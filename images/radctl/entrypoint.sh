#!/bin/sh
# radctl/radctl's entrypoint: runs radctl with the container's arguments. A spec given inline
# in the environment (RADCTL_SPEC, as `radctl export --format compose` writes it) is first put
# in /run/radctl/spec.yaml, where that file's command line reads it.
set -eu
if [ -n "${RADCTL_SPEC:-}" ]; then
  umask 077
  mkdir -p /run/radctl
  printf '%s\n' "$RADCTL_SPEC" > /run/radctl/spec.yaml.tmp
  mv /run/radctl/spec.yaml.tmp /run/radctl/spec.yaml
fi
exec /usr/local/bin/radctl "$@"
