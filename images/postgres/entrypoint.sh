#!/bin/sh
# Entrypoint of radctl/postgres. PID 1 is tini; this script decides one thing (safety rule 1):
# Postgres starts on its own only when the data directory is a standby's. A primary's data
# directory (a former primary after a crash, or the primary after a restart) stays fenced until
# the controller decides whether it is still the primary or must rejoin. An empty volume waits
# for the controller to initialise or clone it. The container keeps running either way, so the
# controller can always exec into it.
set -u

if [ -f "$PGDATA/standby.signal" ]; then
  echo "radctl-entrypoint: standby data directory: starting postgres"
  # -l /proc/1/fd/1 sends the server log to the container log without tying it to this shell.
  pg_ctl -D "$PGDATA" -l /proc/1/fd/1 start || echo "radctl-entrypoint: postgres did not start"
elif [ -f "$PGDATA/PG_VERSION" ]; then
  echo "radctl-entrypoint: primary data directory: fenced, waiting for the controller"
else
  echo "radctl-entrypoint: empty data directory: waiting for the controller"
fi

# Stop Postgres cleanly on docker stop; tini forwards SIGTERM to this shell.
trap 'pg_ctl -D "$PGDATA" stop -m fast >/dev/null 2>&1; exit 0' TERM INT
while :; do sleep 3600 & wait $!; done
